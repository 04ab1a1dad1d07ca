"""Drawing random suppliable numbers that satisfy a search, without listing the supply.

The supply is every number of every supplied area code, billions of them, so a search never
scans it. It takes area codes in random order among those the filters allow, works out where in
each a number can match (which exchanges, which line digits: a *slot*) until the slots hold
enough numbers, and draws numbers uniformly from the slots, without replacement. A slot is a set
of numbers that is cheap to count and to index, so drawing costs the same for a page of ten as
for a billion matches, and a narrow search (a full ten-digit pattern) is answered exactly.

Every number drawn lies in an AreaCodeSpace and passes ``parse_e164``, so it can be bought as is.
Whether it is already owned is for the caller to check.
"""

from __future__ import annotations

import bisect
import functools
import random
from collections.abc import Collection
from dataclasses import dataclass

from numbersmith.numbering import geography, keypad
from numbersmith.numbering.e164 import InvalidNumber
from numbersmith.numbering.nanp import (
    TOLL_FREE_AREA_CODES,
    AreaCodeSpace,
    NumberNotSupplied,
    area_code_space,
    parse_e164,
)

#: Area codes a search draws from, at least, for variety, when that many can match.
MIN_AREA_CODES = 3
#: Area codes a search may use for the first time. The first use of an area code costs about
#: 15 ms of reading libphonenumber's metadata (then cached for the process), so this bounds a
#: search's cost while the caches are cold; area codes used before cost microseconds and are not
#: counted.
#: A search whose matches are spread thinly (a long pattern, one match per area code) may come
#: back short of a full page until more area codes have been used.
MAX_NEW_AREA_CODES = 12

_ANYWHERE = keypad.WILDCARD * keypad.NATIONAL_LENGTH


@dataclass(frozen=True, slots=True)
class Criteria:
    """What a search asks for. ``contains`` is in digits and ``*`` (see keypad.to_digits);
    ``region`` is a state or province code, ``locality`` a city within it."""

    country: str
    toll_free: bool = False
    area_code: str | None = None
    contains: str | None = None
    region: str | None = None
    locality: str | None = None
    #: Capabilities every result must have, of "voice", "sms", "mms", "fax".
    capabilities: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Details:
    """What is known of a number besides the number itself: where it is and what it can do.

    Many numbers share one (an exchange's place, an imported block's details), and one object
    serves them all, so what is made of it can be remembered per object.
    """

    iso_country: str
    region: str | None = None
    locality: str | None = None
    rate_center: str | None = None
    lata: str | None = None
    #: Voice, SMS, MMS, fax: synthetic numbers have them all; an inventory says per number.
    capabilities: tuple[bool, bool, bool, bool] = (True, True, True, True)


#: A number that can be bought, in E.164, and what is known of it. A pair, not a class: a
#: search makes fifty, and a tuple costs a third of what even a slotted dataclass does to build.
Candidate = tuple[str, Details]


@functools.lru_cache(maxsize=4096)
def _synthetic_details(iso_country: str, region: str | None, locality: str | None) -> Details:
    return Details(iso_country, region, locality)


@dataclass(frozen=True, slots=True)
class _Slot:
    """The numbers of one area code with one of ``exchanges`` and a line that fills ``line``."""

    space: AreaCodeSpace
    exchanges: tuple[str, ...]
    line: str  # four characters, digits or wildcards

    @property
    def size(self) -> int:
        return len(self.exchanges) * keypad.fillings(self.line)

    def number(self, ordinal: int) -> str:
        exchange, line = divmod(ordinal, keypad.fillings(self.line))
        return (
            f"+1{self.space.area_code}{self.exchanges[exchange]}{keypad.filling(self.line, line)}"
        )


def _area_codes(criteria: Criteria) -> list[str]:
    """The area codes the filters allow, before asking which are supplied."""
    if criteria.toll_free and criteria.region is not None:
        return []  # toll-free numbers are in no region
    if criteria.area_code is not None:
        codes: list[str] = [criteria.area_code]
    elif criteria.toll_free:
        codes = sorted(TOLL_FREE_AREA_CODES)
    elif criteria.region is not None:
        codes = list(geography.area_codes_in(criteria.region, criteria.locality))
    else:
        codes = list(geography.area_codes_of(criteria.country))
    templates = keypad.placements(criteria.contains) if criteria.contains else [_ANYWHERE]
    return [code for code in codes if any(keypad.fits(code, t[:3]) for t in templates)]


_used: set[str] = set()  # area codes whose space has been computed in this process


@functools.lru_cache(maxsize=4096)
def _exchanges(area_code: str, region: str | None, locality: str | None) -> frozenset[str]:
    """The supplied exchanges of the area code, in the region and locality if given."""
    space = area_code_space(area_code)
    assert space is not None
    if region is None:
        return frozenset(space.exchanges)
    places = geography.exchange_places(area_code)
    return frozenset(x for x in space.exchanges if places[x].within(region, locality))


def _fitting(exchanges: frozenset[str], template: str) -> tuple[str, ...]:
    """The exchanges that fit a three-character template, ascending."""
    if keypad.fillings(template) >= len(exchanges):
        return tuple(sorted(x for x in exchanges if keypad.fits(x, template)))
    return tuple(x for x in keypad.expand(template) if x in exchanges)


def _slots(criteria: Criteria, area_code: str) -> list[_Slot]:
    space = area_code_space(area_code)
    _used.add(area_code)
    if space is None or space.toll_free != criteria.toll_free:
        return []
    if not space.toll_free and space.region != criteria.country:
        return []
    locality = geography.locality_key(criteria.locality) if criteria.locality is not None else None
    exchanges = _exchanges(area_code, criteria.region, locality)
    templates = keypad.placements(criteria.contains) if criteria.contains else [_ANYWHERE]
    slots = []
    for template in templates:
        if not keypad.fits(area_code, template[:3]):
            continue
        fitting = _fitting(exchanges, template[3:6])
        if fitting:
            slots.append(_Slot(space, fitting, template[6:]))
    return slots


def _candidate(criteria: Criteria, slot: _Slot, e164: str) -> Candidate | None:
    """The number as a candidate, or None if it fails a check that slots only approximate."""
    try:
        if parse_e164(e164) != e164:
            return None
    except (InvalidNumber, NumberNotSupplied):
        return None
    if slot.space.toll_free:
        # Toll-free numbers serve the whole NANP, so they are offered in each country searched.
        return e164, _synthetic_details(criteria.country, None, None)
    place = geography.place_of(e164)
    if criteria.region is not None and not place.within(criteria.region, criteria.locality):
        return None
    return e164, _synthetic_details(slot.space.region, place.region, place.locality)


def draw(
    criteria: Criteria,
    count: int,
    rng: random.Random,
    exclude: Collection[str] = (),
) -> list[Candidate]:
    """Up to ``count`` distinct numbers that satisfy ``criteria``, at random, none in ``exclude``.

    Fewer only when few numbers match within the area codes drawn from (see MAX_NEW_AREA_CODES);
    an empty list when nothing can match.
    """
    if count <= 0:
        return []
    codes = _area_codes(criteria)
    rng.shuffle(codes)
    # Enough numbers in the slots for a full page, with a margin for those the checks after the
    # slot turn down; more area codes beyond that would only cost time.
    wanted = count + count // 4 + len(exclude)
    slots: list[_Slot] = []
    ends: list[int] = []  # cumulative slot sizes, to index all slots as one range
    matching = new = 0
    for area_code in codes:
        if area_code not in _used:
            if new == MAX_NEW_AREA_CODES:
                continue
            new += 1
        found = _slots(criteria, area_code)
        for slot in found:
            slots.append(slot)
            ends.append((ends[-1] if ends else 0) + slot.size)
        matching += bool(found)
        if matching >= MIN_AREA_CODES and ends and ends[-1] >= wanted:
            break
    if not slots:
        return []
    # Checks after the slot (libphonenumber on the whole number, the place of the whole number)
    # almost never fail, so a bounded number of draws is plenty; a small total is tried in full.
    tries = min(ends[-1], 8 * count + 64 + len(exclude))
    chosen: dict[str, Candidate] = {}
    for ordinal in rng.sample(range(ends[-1]), tries):
        index = bisect.bisect_right(ends, ordinal)
        slot = slots[index]
        e164 = slot.number(ordinal - (ends[index - 1] if index else 0))
        if e164 in chosen or e164 in exclude:
            continue  # two placements of a pattern can give the same number
        candidate = _candidate(criteria, slot, e164)
        if candidate is not None:
            chosen[e164] = candidate
            if len(chosen) == count:
                break
    return list(chosen.values())
