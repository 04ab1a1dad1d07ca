"""Timeouts and their overrides in a webhook URL's fragment."""

from __future__ import annotations

from numbersmith.traffic.targets import Target, Timeouts, timeouts_of


def test_signalwire_defaults() -> None:
    assert timeouts_of("https://a/b", "signalwire") == Timeouts(2_000, 5_000, 15_000, 0)


def test_twilio_defaults() -> None:
    assert timeouts_of("https://a/b", "twilio") == Timeouts(5_000, 15_000, 15_000, 1)


def test_fragment_overrides_each_timeout() -> None:
    url = "https://a/b?x=1#ot=300&rt=400&tt=900"
    assert timeouts_of(url, "signalwire") == Timeouts(300, 400, 900, 0)


def test_twilio_names_are_read_too() -> None:
    assert timeouts_of("https://a/b#ct=300&rc=3", "twilio") == Timeouts(300, 15_000, 15_000, 3)
    # SignalWire never retries a document fetch: rc is clamped away.
    assert timeouts_of("https://a/b#ct=300&rc=3", "signalwire") == Timeouts(300, 5_000, 15_000, 0)


def test_values_are_clamped_to_the_vendors_ranges() -> None:
    assert timeouts_of("https://a/b#ot=5&rt=99999&tt=0", "signalwire") == Timeouts(
        100, 15_000, 100, 0
    )
    assert timeouts_of("https://a/b#rc=9", "twilio").retries == 5


def test_junk_in_the_fragment_is_ignored() -> None:
    assert timeouts_of("https://a/b#rt=soon&foo=1&tt", "signalwire") == Timeouts(
        2_000, 5_000, 15_000, 0
    )


def test_the_address_has_no_fragment() -> None:
    target = Target("http://a:8080/b?c=1#rt=3000", "get")
    assert target.address == "http://a:8080/b?c=1"
    assert Target(" http://a/b#rt=1 ", "POST").address == "http://a/b"
    assert target.is_get
    assert not Target("http://a/b", "POST").is_get
