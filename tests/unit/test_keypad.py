import random
import re

import pytest

from numbersmith.numbering import keypad
from numbersmith.numbering.keypad import InvalidPattern


@pytest.mark.parametrize(
    "text,digits",
    [
        ("STORM", "78676"),
        ("storm", "78676"),
        ("StOrM", "78676"),
        ("310", "310"),
        ("2*2", "2*2"),
        ("FLOWERS", "3569377"),
        ("qz", "79"),  # Q is on 7 and Z on 9, as on today's keypads
    ],
)
def test_letters_become_their_keypad_digits(text, digits):
    assert keypad.to_digits(text) == digits


def test_every_letter_has_its_keypad_digit():
    keys = {
        "2": "ABC",
        "3": "DEF",
        "4": "GHI",
        "5": "JKL",
        "6": "MNO",
        "7": "PQRS",
        "8": "TUV",
        "9": "WXYZ",
    }
    for digit, letters in keys.items():
        assert keypad.to_digits(letters) == digit * len(letters)


@pytest.mark.parametrize(
    "text", ["+1310", "310-338", "31 0", "a#", "é", "٣", "%", "$", "12345678901"]
)
def test_other_characters_or_too_long_are_refused(text):
    with pytest.raises(InvalidPattern):
        keypad.to_digits(text)


def test_a_pattern_of_ten_may_be_all_wildcards():
    assert keypad.to_digits("*" * 10) == "*" * 10


@pytest.mark.parametrize(
    "pattern,national,expected",
    [
        ("78676", "2127867601", True),
        ("78676", "3105578676", True),  # at the very end
        ("31055", "3105578676", True),  # at the very start
        ("78676", "2127867001", False),
        ("2*2", "9992129999", True),
        ("2*2", "9992319999", False),
        ("3103386745", "3103386745", True),  # ten characters anchor to the whole number
        ("3103386745", "3103386746", False),
        ("310338674*", "3103386749", True),
        ("*103386745", "2103386745", True),
    ],
)
def test_a_pattern_matches_anywhere_in_the_national_number(pattern, national, expected):
    assert keypad.matches(pattern, national) is expected


def test_placements_put_the_pattern_at_every_offset():
    assert keypad.placements("786") == [
        "786*******", "*786******", "**786*****", "***786****",
        "****786***", "*****786**", "******786*", "*******786",
    ]  # fmt: skip
    assert keypad.placements("3103386745") == ["3103386745"]


def test_placements_are_distinct():
    assert keypad.placements("**") == ["*" * 10]


@pytest.mark.parametrize("pattern", ["78676", "2*2", "0", "99*9", "*1*"])
def test_numbers_match_exactly_when_they_fill_a_placement(pattern):
    rng = random.Random(7)
    templates = keypad.placements(pattern)
    regex = re.compile(pattern.replace("*", "."))
    for template in templates:
        for _ in range(50):
            assert keypad.matches(pattern, keypad.fill(template, rng))
    for _ in range(2000):
        national = f"{rng.randrange(10**10):010d}"
        in_some_template = any(keypad.fits(national, t) for t in templates)
        assert keypad.matches(pattern, national) is in_some_template is bool(regex.search(national))


def test_fillings_enumerate_a_template_in_order():
    assert keypad.fillings("12*4*") == 100
    assert [keypad.filling("12*4*", i) for i in (0, 1, 10, 99)] == [
        "12040",
        "12041",
        "12140",
        "12949",
    ]
    assert list(keypad.expand("1*")) == [f"1{d}" for d in range(10)]
    assert keypad.filling("1234", 0) == "1234" and keypad.fillings("1234") == 1


@pytest.mark.parametrize("pattern", ["9*9", "00", "4155550", "*0*0", "78676", "4155550123", "1"])
@pytest.mark.parametrize("block", ["4155550", "4159590", "3109999", "2125551"])
def test_block_lines_are_the_lines_of_the_block_the_pattern_matches(pattern, block):
    lines = keypad.block_lines(pattern, block)
    assert {line for line in range(1000) if lines >> line & 1} == {
        line for line in range(1000) if keypad.matches(pattern, f"{block}{line:03d}")
    }
