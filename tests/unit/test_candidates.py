"""Drawing numbers for a search, without storage: filters, buyability, distinctness."""

import random

import pytest

from numbersmith import numbering
from numbersmith.numbering import candidates, geography, keypad
from numbersmith.numbering.candidates import Criteria


def national(e164: str) -> str:
    return e164[2:]


def assert_buyable(e164):
    assert numbering.parse_e164(e164) == e164
    space = numbering.area_code_space(e164[2:5])
    assert space is not None and space.contains(e164)


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria("US"),
        Criteria("CA"),
        Criteria("US", area_code="310"),
        Criteria("US", contains=keypad.to_digits("STORM")),
        Criteria("US", contains="2*2*2"),
        Criteria("US", region="NY"),
        Criteria("US", region="CA", locality="Los Angeles"),
        Criteria("CA", region="ON", locality="toronto"),
        Criteria("US", toll_free=True),
        Criteria("CA", toll_free=True, contains="8**"),
    ],
)
def test_every_number_drawn_satisfies_the_criteria_and_can_be_bought(criteria):
    drawn = candidates.draw(criteria, 25, random.Random(11))
    assert len(drawn) == 25
    assert len({e164 for e164, _ in drawn}) == 25
    for e164, details in drawn:
        assert_buyable(e164)
        space = numbering.area_code_space(e164[2:5])
        assert space.toll_free is criteria.toll_free
        assert details.iso_country == criteria.country
        if criteria.area_code:
            assert e164.startswith("+1" + criteria.area_code)
        if criteria.contains:
            assert keypad.matches(criteria.contains, national(e164))
        place = geography.place_of(e164)
        if criteria.toll_free:
            assert (details.region, details.locality) == (None, None)
        else:
            assert (details.region, details.locality) == (place.region, place.locality)
        if criteria.region:
            assert place.within(criteria.region, criteria.locality)


def test_a_full_pattern_gives_that_number_only():
    drawn = candidates.draw(Criteria("US", contains="3103386745"), 50, random.Random(1))
    assert [e164 for e164, _ in drawn] == ["+13103386745"]


def test_a_narrow_pattern_gives_every_match_once():
    drawn = candidates.draw(Criteria("US", contains="310338674*"), 50, random.Random(1))
    assert sorted(e164 for e164, _ in drawn) == [f"+1310338674{d}" for d in range(10)]


def test_excluded_numbers_are_not_drawn():
    exclude = {f"+1310338674{d}" for d in range(0, 10, 2)}
    drawn = candidates.draw(Criteria("US", contains="310338674*"), 50, random.Random(1), exclude)
    assert sorted(e164 for e164, _ in drawn) == [f"+1310338674{d}" for d in range(1, 10, 2)]


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria("US", contains="3109110000"),  # an N11 exchange is never supplied
        Criteria("US", contains="3105550100"),  # nor is 555
        Criteria("US", contains="1*********"),  # no area code starts with 1
        Criteria("US", area_code="416"),  # a Canadian area code in a US search
        Criteria("CA", region="NY"),
        Criteria("US", region="CA", locality="Toronto"),
        Criteria("US", toll_free=True, region="CA"),  # toll-free numbers are in no region
        Criteria("US", toll_free=True, contains="2125551234"),
    ],
)
def test_a_search_that_cannot_match_draws_nothing(criteria):
    assert candidates.draw(criteria, 10, random.Random(5)) == []


def test_draws_vary():
    rng = random.Random()
    first = {e164 for e164, _ in candidates.draw(Criteria("US"), 20, rng)}
    second = {e164 for e164, _ in candidates.draw(Criteria("US"), 20, rng)}
    assert first != second


def test_numbers_come_from_several_area_codes_when_many_match():
    drawn = candidates.draw(Criteria("US"), 200, random.Random(2))
    assert len({e164[2:5] for e164, _ in drawn}) >= candidates.MIN_AREA_CODES
