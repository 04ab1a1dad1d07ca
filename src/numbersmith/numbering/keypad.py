"""Vanity patterns: letters as their phone-keypad digits, and where a pattern fits in a number.

A pattern is what a buyer types to find a memorable number: digits, letters (``STORM`` is
``78676`` on a keypad) and ``*`` for any one digit. It matches a number if it appears anywhere in
the ten-digit national number, so a pattern of ten characters must match the whole number.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator

NATIONAL_LENGTH = 10
WILDCARD = "*"
#: Digits of a thousand-block's lines: a block is a national number's first seven digits.
LINE_LENGTH = 3

_KEYS = {
    "2": "ABC",
    "3": "DEF",
    "4": "GHI",
    "5": "JKL",
    "6": "MNO",
    "7": "PQRS",
    "8": "TUV",
    "9": "WXYZ",
}
_DIGIT_OF_LETTER = {letter: digit for digit, letters in _KEYS.items() for letter in letters}


class InvalidPattern(ValueError):
    """The text cannot be a pattern: a character other than a digit, a letter or ``*``, or too long."""


def to_digits(text: str) -> str:
    """The pattern in digits and wildcards: ``Storm*`` → ``78676*``.

    Raises InvalidPattern for any other character, or for more characters than a national number
    has (such a pattern could never match).
    """
    digits = []
    for character in text:
        if character.isascii() and (character.isdigit() or character == WILDCARD):
            digits.append(character)
        elif character.isascii() and character.isalpha():
            digits.append(_DIGIT_OF_LETTER[character.upper()])
        else:
            raise InvalidPattern(f"{character!r} is not a digit, a letter or {WILDCARD}")
    if len(digits) > NATIONAL_LENGTH:
        raise InvalidPattern(f"longer than the {NATIONAL_LENGTH} digits of a national number")
    return "".join(digits)


def fits(digits: str, template: str) -> bool:
    """Whether ``digits`` agree with ``template`` position by position (``*`` agrees with any)."""
    return all(t in (WILDCARD, d) for d, t in zip(digits, template, strict=True))


def matches(pattern: str, national: str) -> bool:
    """Whether the digit pattern appears somewhere in the national number."""
    width = len(pattern)
    return any(fits(national[i : i + width], pattern) for i in range(len(national) - width + 1))


def placements(pattern: str, length: int = NATIONAL_LENGTH) -> list[str]:
    """Templates of a whole national number, one per place the pattern can sit, distinct.

    ``placements("786")`` starts ``["786*******", "*786******", …]``: filling the wildcards of any
    template with any digits gives a number the pattern matches, and every such number is a
    filling of some template.
    """
    width = len(pattern)
    templates = (
        WILDCARD * offset + pattern + WILDCARD * (length - width - offset)
        for offset in range(length - width + 1)
    )
    return list(dict.fromkeys(templates))


def filling(template: str, ordinal: int) -> str:
    """The ``ordinal``-th way (in ascending order) to fill the template's wildcards with digits."""
    free = template.count(WILDCARD)
    digits = iter(f"{ordinal:0{free}d}" if free else "")
    return "".join(next(digits) if t == WILDCARD else t for t in template)


def fillings(template: str) -> int:
    """How many numbers fill the template."""
    return int(10 ** template.count(WILDCARD))


def fill(template: str, rng: random.Random) -> str:
    """The template with each wildcard replaced by a random digit."""
    return filling(template, rng.randrange(fillings(template)))


def expand(template: str) -> Iterator[str]:
    """Every filling of the template, ascending."""
    for ordinal in range(fillings(template)):
        yield filling(template, ordinal)


@functools.lru_cache(maxsize=16_384)
def block_lines(pattern: str, block: str) -> int:
    """The lines of a thousand-block that the pattern matches, as a bit mask (bit n for line n).

    ``block`` is the first seven digits of a national number; its lines are the numbers that
    end in 000 to 999. ``block_lines("9*9", "4155550")`` has bit 909 set, and every bit from
    900 to 999 in block ``"4159590"``, where the pattern sits in the block's own digits.
    """
    prefix = NATIONAL_LENGTH - LINE_LENGTH
    mask = 0
    for template in placements(pattern):
        if fits(block, template[:prefix]):
            mask |= _line_mask(template[prefix:])
    return mask


@functools.lru_cache(maxsize=2_048)
def _line_mask(template: str) -> int:
    mask = 0
    for line in expand(template):
        mask |= 1 << int(line)
    return mask
