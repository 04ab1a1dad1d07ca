"""Where North American numbers are, from the geographic descriptions libphonenumber ships.

libphonenumber describes NANP prefixes (an area code, or an area code and exchange) in English
as ``"Los Angeles, CA"`` or as a whole state or province, ``"California"``. From that we know a
number's region (the two-letter state or province code) and, often, its locality (city), and
which area codes have exchanges in a region or locality.

The descriptions take about a second and 100 MB to load, so nothing is read until a place is
first asked for; the indexes built from them are cached for the life of the process.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The countries we supply numbers in, by ISO 3166-1 alpha-2 code.
COUNTRIES: Mapping[str, str] = {"US": "United States", "CA": "Canada"}

#: States, the federal district and provinces/territories: code → (name, country).
REGIONS: Mapping[str, tuple[str, str]] = {
    **{
        code: (name, "US")
        for code, name in {
            "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
            "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
            "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
            "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
            "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
            "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
            "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
            "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
            "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
            "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
            "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
            "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
        }.items()
    },
    **{
        code: (name, "CA")
        for code, name in {
            "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
            "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
            "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
            "SK": "Saskatchewan", "YT": "Yukon",
        }.items()
    },
}  # fmt: skip

# Whole-region descriptions, including the spellings libphonenumber uses besides the names above.
# A description naming several regions ("Nova Scotia/Prince Edward Island") names no one region.
_REGION_OF_NAME: Mapping[str, str] = {
    **{name: code for code, (name, _) in REGIONS.items()},
    "Washington State": "WA",
    "Washington D.C.": "DC",
    "British Colombia": "BC",
}

_LANGUAGE = "en"
_COUNTRY_CALLING_CODE = "1"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a number is: its state or province code and its city, each None when unknown, and
    its country, known even when the region is not (``"Nova Scotia/Prince Edward Island"``)."""

    region: str | None = None
    locality: str | None = None
    country: str | None = None

    def within(self, region: str, locality: str | None = None) -> bool:
        """In ``region`` (a code) and, if given, ``locality`` (compared as names are typed)."""
        if self.region != region:
            return False
        return locality is None or (
            self.locality is not None and locality_key(self.locality) == locality_key(locality)
        )


UNKNOWN = Place()


def locality_key(name: str) -> str:
    """A city name as compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def region_code(text: str) -> str | None:
    """The region code ``text`` names (``"ca"`` → ``"CA"``), or None if it is not one of ours."""
    code = text.strip().upper()
    return code if code in REGIONS else None


@functools.cache
def place_of_description(description: str) -> Place:
    """The place a libphonenumber description names: ``"Los Angeles, CA"``, ``"California"``."""
    *_, locality, last = ["", *description.split(", ")]
    if locality:  # "City, ST", sometimes after a neighbourhood: "Downtown Brooklyn, Brooklyn, NY"
        return Place(last, locality, REGIONS[last][1]) if last in REGIONS else UNKNOWN
    if last in _REGION_OF_NAME:
        region = _REGION_OF_NAME[last]
        return Place(region, None, REGIONS[region][1])
    if "/" in last:  # several regions: none of them is the number's, but their country is
        countries = {
            REGIONS[_REGION_OF_NAME[name]][1] for name in last.split("/") if name in _REGION_OF_NAME
        }
        return Place(None, None, countries.pop()) if len(countries) == 1 else UNKNOWN
    # A town without its region ("Watson Lake"), or a place outside the US and Canada.
    return Place(None, last) if last else UNKNOWN


@functools.cache
def _descriptions() -> tuple[Mapping[str, Any], int]:
    """libphonenumber's prefix → {language: description} table and its longest prefix."""
    from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX

    return GEOCODE_DATA, GEOCODE_LONGEST_PREFIX


def _place_of_digits(digits: str) -> Place:
    """The place of the longest described prefix of ``digits`` (country code first)."""
    data, longest = _descriptions()
    for length in range(min(len(digits), longest), len(_COUNTRY_CALLING_CODE), -1):
        described = data.get(digits[:length])
        if described and described.get(_LANGUAGE):
            return place_of_description(described[_LANGUAGE])
    return UNKNOWN


def place_of(e164: str) -> Place:
    """Where a NANP number in E.164 form is, as far as libphonenumber knows."""
    return _place_of_digits(e164.removeprefix("+"))


@functools.cache
def exchange_places(area_code: str) -> Mapping[str, Place]:
    """The place of every exchange (200 to 999) of an area code.

    NANP descriptions go no finer than the exchange, so this is the place of each of its numbers;
    callers that must be exact check a whole number with place_of.
    """
    prefix = _COUNTRY_CALLING_CODE + area_code
    return {f"{x:03d}": _place_of_digits(f"{prefix}{x:03d}") for x in range(200, 1000)}


@functools.cache
def _places_by_area_code() -> Mapping[str, frozenset[Place]]:
    """Every place described within each area code, from one pass over the descriptions."""
    data, _ = _descriptions()
    places: dict[str, set[Place]] = defaultdict(set)
    for prefix, described in data.items():
        # NANP prefixes are at least an area code long: "1" + three digits.
        if prefix.startswith(_COUNTRY_CALLING_CODE) and len(prefix) >= 4 and _LANGUAGE in described:
            place = place_of_description(described[_LANGUAGE])
            if place.country is not None:
                places[prefix[1:4]].add(place)
    return {area_code: frozenset(found) for area_code, found in places.items()}


@functools.cache
def area_codes_of(country: str) -> tuple[str, ...]:
    """The area codes with a described place in ``country``, ascending.

    A candidate list: whether numbers of an area code are supplied is for nanp to say.
    """
    return tuple(
        sorted(
            area_code
            for area_code, places in _places_by_area_code().items()
            if any(place.country == country for place in places)
        )
    )


def area_codes_in(region: str, locality: str | None = None) -> tuple[str, ...]:
    """The area codes with exchanges in ``region`` (and ``locality``, if given), ascending."""
    return _area_codes_in(region, locality_key(locality) if locality is not None else None)


@functools.cache
def _area_codes_in(region: str, locality: str | None) -> tuple[str, ...]:
    return tuple(
        sorted(
            area_code
            for area_code, places in _places_by_area_code().items()
            if any(place.within(region, locality) for place in places)
        )
    )
