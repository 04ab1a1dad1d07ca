"""NUMBERSMITH_WEBHOOK_ALLOW: networks and host names."""

from __future__ import annotations

import ipaddress

import pytest

from numbersmith.traffic.allowlist import Allowlist, address_of


def test_networks_addresses_and_names() -> None:
    allow = Allowlist.parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8, Hooks.Example.COM. ")
    assert allow.allows_address(ipaddress.ip_address("10.200.3.4"))
    assert allow.allows_address(ipaddress.ip_address("192.168.1.7"))
    assert not allow.allows_address(ipaddress.ip_address("192.168.1.8"))
    assert allow.allows_address(ipaddress.ip_address("fd12::1"))
    assert allow.allows_name("hooks.example.com")
    assert not allow.allows_name("example.com")


def test_an_ipv4_mapped_address_is_its_ipv4_address() -> None:
    allow = Allowlist.parse("10.0.0.0/8")
    assert allow.allows_address(ipaddress.ip_address("::ffff:10.1.2.3"))


def test_every_address_of_a_name_must_be_allowed() -> None:
    allow = Allowlist.parse("127.0.0.0/8")
    inside, outside = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("169.254.169.254")
    assert allow.allows_addresses([inside])
    assert not allow.allows_addresses([inside, outside])
    assert not allow.allows_addresses([])


@pytest.mark.parametrize("text", ["", " , ", "not a host", "300.1.1.1", "http://a.example", "a_b"])
def test_junk_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Allowlist.parse(text)


def test_literal_addresses_in_urls() -> None:
    assert address_of("[::1]") == ipaddress.ip_address("::1")
    assert address_of("fe80::1%eth0") == ipaddress.ip_address("fe80::1")
    assert address_of("example.com") is None
