"""North American Numbering Plan rules, backed by libphonenumber's metadata.

A NANP number is ``+1 NPA NXX XXXX``: a three-digit area code (NPA), a three-digit exchange
(NXX) and a four-digit line number. We supply numbers in US and Canadian geographic area codes
that libphonenumber knows to be in service, plus the toll-free codes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from phonenumbers import PhoneMetadata

from numbersmith.numbering.e164 import normalise

TOLL_FREE_AREA_CODES: frozenset[str] = frozenset({"800", "833", "844", "855", "866", "877", "888"})

_SUPPLIED_REGIONS = ("US", "CA")
LINES_PER_EXCHANGE = 10_000


class NumberNotSupplied(ValueError):
    """A valid number, but not one that can be supplied (foreign, special-use or N11 exchange)."""


def _is_reserved_exchange(exchange: str) -> bool:
    """N11 codes (211, 311, … 911) are service codes; 555 is for directory and fiction."""
    return exchange[1:] == "11" or exchange == "555"


@dataclass(frozen=True)
class AreaCodeSpace:
    """Every suppliable number of one area code, in ascending order, addressable by ordinal.

    Ordinal ``i`` is line ``i % 10000`` of the ``i // 10000``-th valid exchange, so the numbers of
    the space sort the same way as their ordinals.
    """

    area_code: str
    exchanges: tuple[str, ...]
    region: str
    toll_free: bool

    @property
    def size(self) -> int:
        return len(self.exchanges) * LINES_PER_EXCHANGE

    def number(self, ordinal: int) -> str:
        exchange, line = divmod(ordinal, LINES_PER_EXCHANGE)
        return f"+1{self.area_code}{self.exchanges[exchange]}{line:04d}"

    def contains(self, e164: str) -> bool:
        return (
            len(e164) == 12
            and e164.startswith("+1" + self.area_code)
            and e164[5:8] in self._exchange_set
        )

    @functools.cached_property
    def _exchange_set(self) -> frozenset[str]:
        return frozenset(self.exchanges)


_SPECIAL_KINDS = (
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


@functools.cache
def _patterns(region: str) -> dict[str, re.Pattern[str] | None]:
    """libphonenumber's national-number patterns of ``region``, compiled once."""
    metadata = PhoneMetadata.metadata_for_region(region)
    patterns: dict[str, re.Pattern[str] | None] = {}
    for kind in ("general_desc", "fixed_line", "mobile", "toll_free", *_SPECIAL_KINDS):
        description = getattr(metadata, kind)
        pattern = description.national_number_pattern if description is not None else None
        patterns[kind] = re.compile(pattern) if pattern else None
    return patterns


def _matches(region: str, kind: str, national: str) -> bool:
    pattern = _patterns(region)[kind]
    return pattern is not None and pattern.fullmatch(national) is not None


def _is_geographic(region: str, national: str) -> bool:
    """What is_valid_number and number_type would say, from the same metadata, without parsing:
    a space is ~800 checks, and parsing made the first purchase in an area code take 0.2 s."""
    return (
        _matches(region, "general_desc", national)
        and (_matches(region, "fixed_line", national) or _matches(region, "mobile", national))
        and not _matches(region, "toll_free", national)
        and not any(_matches(region, kind, national) for kind in _SPECIAL_KINDS)
    )


@functools.cache
def area_code_space(area_code: str) -> AreaCodeSpace | None:
    """The suppliable numbers of ``area_code``, or None if we do not supply that area code.

    Computed once per area code from libphonenumber's metadata (about a millisecond), then cached.
    """
    if (
        len(area_code) != 3
        or not area_code.isascii()
        or not area_code.isdigit()
        or area_code[0] in "01"
    ):
        return None
    toll_free = area_code in TOLL_FREE_AREA_CODES
    exchanges: list[str] = []
    region = None
    for value in range(200, 1000):
        exchange = f"{value:03d}"
        if _is_reserved_exchange(exchange):
            continue
        national = f"{area_code}{exchange}4567"
        if toll_free:
            number_region = "US" if _matches("US", "toll_free", national) else None
        else:
            number_region = next(
                (r for r in _SUPPLIED_REGIONS if _is_geographic(r, national)), None
            )
        if number_region is not None:
            exchanges.append(exchange)
            region = region or number_region
    if not exchanges:
        return None
    return AreaCodeSpace(area_code, tuple(exchanges), region or "US", toll_free)


def parse_e164(text: str) -> str:
    """Normalise a phone number given in E.164 form (spaces and dashes allowed) to ``+1NPANXXXXXX``.

    Raises InvalidNumber if it is not a valid number in international form, and NumberNotSupplied
    if it is valid but outside the area codes and exchanges we supply.
    """
    e164 = normalise(text)
    space = area_code_space(e164[2:5]) if e164.startswith("+1") else None
    if space is None or not space.contains(e164):
        raise NumberNotSupplied(e164)
    return e164


def friendly_name(e164: str) -> str:
    """The default friendly name of a NANP number: ``+13103386745`` → ``310-338-6745``."""
    return f"{e164[2:5]}-{e164[5:8]}-{e164[8:]}"
