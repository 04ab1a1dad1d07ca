"""Choosing a free number in an area code.

A buyer starts at a random ordinal of the area code's space and takes the first number at or
after it that nobody owns, wrapping around once. Random starts keep concurrent buyers apart and
make the common case one index probe that finds nothing owned, whatever the number of numbers
already sold; the ordered scan guarantees that a number is found while one is free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from numbersmith.numbering import AreaCodeSpace

#: Owned numbers from ``first`` on, ascending, at most ``limit`` of them.
OwnedFrom = Callable[[str, int], Sequence[str]]

# Owned numbers are read a few at first, since the first is usually past the start already,
# then in growing chunks through a long run of owned numbers.
_FIRST_CHUNK = 1
_MAX_CHUNK = 256


def first_free(space: AreaCodeSpace, start: int, owned_from: OwnedFrom) -> str | None:
    """The first number of ``space`` at or after ordinal ``start`` (wrapping) that is not owned."""
    for low, high in ((start, space.size), (0, start)):
        found = _first_free_in(space, low, high, owned_from)
        if found is not None:
            return found
    return None


def _first_free_in(space: AreaCodeSpace, low: int, high: int, owned_from: OwnedFrom) -> str | None:
    """The first number not owned with an ordinal in [low, high).

    An owned number read that is not the candidate lies beyond it, and so the candidate is
    free: whether that number is of the space or past its end makes no difference.
    """
    if low >= high:
        return None
    ordinal = low
    candidate = space.number(ordinal)
    chunk = _FIRST_CHUNK
    while True:
        owned = owned_from(candidate, chunk)
        for number in owned:
            if number != candidate:
                return candidate
            ordinal += 1
            if ordinal >= high:
                return None
            candidate = space.number(ordinal)
        if len(owned) < chunk:
            return candidate
        chunk = min(chunk * 4, _MAX_CHUNK)
