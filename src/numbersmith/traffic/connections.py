"""Connections for webhook requests, opened only to allowed addresses.

The allowlist is enforced where the connection is made, not before: the host name is resolved
once, each address checked, and the connection made to a checked address. A check made before
the request, with the connection resolving the name again, could be defeated by a name whose
addresses change in between (DNS rebinding). TLS still verifies the certificate against the
host name, since httpcore hands the name, not the address, to the TLS handshake.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

from numbersmith.traffic.allowlist import Address, Allowlist, address_of


class TargetForbidden(Exception):
    """No connection was made: the allowlist does not admit the host."""


class HostNotResolved(Exception):
    """No connection was made: the host name did not resolve, so it could not be checked."""


def transport(limits: httpx.Limits, allow: Allowlist | None) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, without proxies (they would route around the allowlist), whose
    connections go through the allowlist when there is one."""
    made = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if allow is not None:
        # httpx does not let a network backend be passed in: its connection pool is rebuilt
        # with the same settings and ours (httpx 0.28's transport keeps it in ``_pool``). A
        # later httpx that keeps it elsewhere must fail here, not send requests unchecked.
        if not isinstance(getattr(made, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("this httpx keeps its connection pool elsewhere: update numbersmith")
        made._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_AllowedOnly(allow),
        )
    return made


class _AllowedOnly(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to hosts the allowlist admits."""

    def __init__(self, allow: Allowlist) -> None:
        self._allow = allow
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._allow.allows_name(host):
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        addresses = await _addresses_of(host, port)
        if not self._allow.allows_addresses(addresses):
            raise TargetForbidden(
                f"{host} is not allowed by NUMBERSMITH_WEBHOOK_ALLOW; no connection was made"
            )
        last_error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # in the resolver's order, as a connection by name would
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None  # allows_addresses is false for no address
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetForbidden("webhooks are not sent to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _addresses_of(host: str, port: int) -> list[Address]:
    literal = address_of(host)
    if literal is not None:
        return [literal]
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostNotResolved(f"{host} does not resolve: {error}") from None
    addresses: list[Address] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses
