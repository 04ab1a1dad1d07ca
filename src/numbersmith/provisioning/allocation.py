"""Choosing a free number in an area code.

A buyer starts at a random ordinal of the area code's space and takes the first number at or
after it that nobody owns, wrapping around once. Random starts keep concurrent buyers apart and
make the common case one index probe that finds nothing owned, whatever the number of numbers
already sold; the ordered scan guarantees that a number is found while one is free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from numbersmith.numbering import AreaCodeSpace

#: Owned numbers in ``[first, last]``, ascending, at most ``limit`` of them.
OwnedBetween = Callable[[str, str, int], Sequence[str]]

# Owned numbers are read a few at first, since the first is usually past the start already,
# then in growing chunks through a long run of owned numbers.
_FIRST_CHUNK = 1
_MAX_CHUNK = 256


def first_free(space: AreaCodeSpace, start: int, owned_between: OwnedBetween) -> str | None:
    """The first number of ``space`` at or after ordinal ``start`` (wrapping) that is not owned."""
    for low, high in ((start, space.size), (0, start)):
        found = _first_free_in(space, low, high, owned_between)
        if found is not None:
            return found
    return None


def _first_free_in(
    space: AreaCodeSpace, low: int, high: int, owned_between: OwnedBetween
) -> str | None:
    ordinal = low
    last = space.number(high - 1) if high > low else None
    chunk = _FIRST_CHUNK
    while ordinal < high and last is not None:
        candidate = space.number(ordinal)
        owned = owned_between(candidate, last, chunk)
        for number in owned:
            candidate = space.number(ordinal)
            if number > candidate:
                return candidate
            if number == candidate:
                ordinal += 1
                if ordinal >= high:
                    return None
        if len(owned) < chunk:
            return space.number(ordinal)
        chunk = min(chunk * 4, _MAX_CHUNK)
    return None
