"""Which hosts webhook requests may go to (``NUMBERSMITH_WEBHOOK_ALLOW``).

A server others can reach would otherwise request any URL a user configures: the cloud metadata
address, the database port, the operator's intranet. When an allowlist is set, a URL is requested
only when its host is a listed name, or an address inside a listed network, or a name that
resolves only to such addresses.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
Address: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Listed networks (CIDR or single addresses, IPv4 or IPv6) and host names."""

    networks: tuple[Network, ...]
    names: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Allowlist:
        """Read a comma-separated list: ``10.0.0.0/8, ::1, hooks.example.com``.

        Raises ValueError for an entry that is neither a network nor a host name, and for a list
        with no entry at all (which would forbid every request).
        """
        networks: list[Network] = []
        names: set[str] = set()
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                # strict=False: 10.1.2.3/8 means 10.0.0.0/8, as people write it.
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            name = normalized_host(entry)
            if not _HOST_NAME.match(name) or name.replace(".", "").isdigit():
                raise ValueError(f"not a network or host name: {entry!r}")
            names.add(name)
        if not networks and not names:
            raise ValueError("an allowlist needs at least one network or host name")
        return cls(tuple(networks), frozenset(names))

    def allows_name(self, host: str) -> bool:
        return normalized_host(host) in self.names

    def allows_address(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
        return any(address in network for network in self.networks)

    def allows_addresses(self, addresses: Iterable[Address]) -> bool:
        """True when there is at least one address and every one is inside a listed network."""
        found = list(addresses)
        return bool(found) and all(self.allows_address(address) for address in found)


def normalized_host(host: str) -> str:
    """A host as compared: lower case, without the brackets of an IPv6 literal or a final dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def address_of(host: str) -> Address | None:
    """The address a host names literally (``10.0.0.1``, ``[::1]``, ``fe80::1%eth0``), or None."""
    try:
        return ipaddress.ip_address(normalized_host(host).partition("%")[0])
    except ValueError:
        return None
