"""Connections for webhook requests, opened only to allowed addresses.

The allowlist is enforced where the connection is made, not before: the resolver that the
connection pool asks for a host's addresses checks them, and the pool connects to the addresses
it was given. A check made before the request, with the connection resolving the name again,
could be defeated by a name whose addresses change in between (DNS rebinding). TLS still
verifies the certificate against the host name.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from numbersmith.traffic.allowlist import Allowlist, address_of


class TargetForbidden(Exception):
    """No connection was made: the allowlist does not admit the host."""


def _forbidden(host: str) -> TargetForbidden:
    return TargetForbidden(
        f"{host} is not allowed by NUMBERSMITH_WEBHOOK_ALLOW; no connection was made"
    )


def check_literal(allow: Allowlist | None, host: str) -> None:
    """Refuse a host written as an address outside the allowlist. The pool connects to an
    address literal without asking the resolver, so it is checked here, before the request."""
    if allow is None or allow.allows_name(host):
        return
    literal = address_of(host)
    if literal is not None and not allow.allows_address(literal):
        raise _forbidden(host)


class _AllowedOnly(AbstractResolver):
    """Resolves a host name, and admits it only when the allowlist lists the name or every
    address it resolves to is inside a listed network."""

    def __init__(self, allow: Allowlist) -> None:
        self._allow = allow
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not self._allow.allows_name(host):
            addresses = [ipaddress.ip_address(item["host"].partition("%")[0]) for item in found]
            if not self._allow.allows_addresses(addresses):
                raise _forbidden(host)
        return found

    async def close(self) -> None:
        await self._inner.close()


def connector(max_connections: int, allow: Allowlist | None) -> aiohttp.TCPConnector:
    """The pool every webhook request shares: at most ``max_connections`` open at once, each
    kept open for reuse; through the allowlist when there is one."""
    options: dict[str, Any] = {"limit": max_connections, "limit_per_host": 0}
    if allow is not None:
        options["resolver"] = _AllowedOnly(allow)
    return aiohttp.TCPConnector(**options)
