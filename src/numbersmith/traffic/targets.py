"""Where a webhook request goes, and how long we wait for it.

A webhook URL may carry per-URL timeouts in its fragment (``https://a/b#rt=3000&tt=8000``), a part
of the URL HTTP never sends. The fragment is read here, clamped to the vendor's ranges, and
removed from everything that goes over the wire or into a signature.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook as configured on a number or an application."""

    url: str  # possibly with a #ct=…&rt=…&tt=…&rc=… (Twilio) or #ot=…&rt=…&tt=… (SignalWire) fragment
    method: str  # GET | POST

    @property
    def address(self) -> str:
        """The URL without its fragment (and surrounding spaces): what is requested and signed."""
        return self.url.strip().partition("#")[0]

    @property
    def is_get(self) -> bool:
        # Anything but GET is sent as a POST, the vendors' default method.
        return self.method.strip().upper() == "GET"


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long one document fetch may take, in milliseconds, and how often a failed connection
    is tried again."""

    connect_ms: int
    read_ms: int
    total_ms: int
    retries: int


@dataclass(frozen=True, slots=True)
class _Range:
    default: int
    low: int
    high: int

    def clamp(self, value: int) -> int:
        return max(self.low, min(self.high, value))


@dataclass(frozen=True, slots=True)
class _Flavor:
    connect: _Range
    read: _Range
    total: _Range
    retries: _Range


# SignalWire does not retry a document fetch; Twilio retries a failed connection once by default.
_FLAVORS: dict[str, _Flavor] = {
    "signalwire": _Flavor(
        connect=_Range(2_000, 100, 10_000),
        read=_Range(5_000, 100, 15_000),
        total=_Range(15_000, 100, 15_000),
        retries=_Range(0, 0, 0),
    ),
    "twilio": _Flavor(
        connect=_Range(5_000, 100, 10_000),
        read=_Range(15_000, 100, 15_000),
        total=_Range(15_000, 100, 15_000),
        retries=_Range(1, 0, 5),
    ),
}

FLAVORS = frozenset(_FLAVORS)


@functools.lru_cache(maxsize=1024)
def timeouts_of(url: str, flavor: str) -> Timeouts:
    """The timeouts of a fetch of ``url``: the flavor's defaults, overridden by the fragment.

    Both vendors' names are read whatever the flavor, since a developer copies URLs written for
    either: ``ot`` (SignalWire) and ``ct`` (Twilio) are the connect timeout. The values are
    clamped to the flavor's ranges, so ``rc`` has no effect on SignalWire, which never retries a
    document fetch. A value that is not a whole number is ignored. Remembered: a number's few
    URLs are fetched again and again.
    """
    ranges = _FLAVORS[flavor]
    overrides: dict[str, int] = {}
    for name, value in parse_qsl(url.partition("#")[2], keep_blank_values=True):
        try:
            overrides[name.strip().lower()] = int(value.strip())
        except ValueError:
            continue

    def pick(names: tuple[str, ...], limits: _Range) -> int:
        for name in names:
            if name in overrides:
                return limits.clamp(overrides[name])
        return limits.default

    return Timeouts(
        connect_ms=pick(("ot", "ct"), ranges.connect),
        read_ms=pick(("rt",), ranges.read),
        total_ms=pick(("tt",), ranges.total),
        retries=pick(("rc",), ranges.retries),
    )
