import phonenumbers
import pytest

from numbersmith import numbering
from numbersmith.numbering import InvalidNumber, NumberNotSupplied


@pytest.mark.parametrize(
    "text", ["+13103386745", "+1 310 338 6745", "+1-310-338-6745", " +1 (310) 338-6745 "]
)
def test_parse_normalises_formatting(text):
    assert numbering.parse_e164(text) == "+13103386745"


@pytest.mark.parametrize("text", ["13103386745", "3103386745", "+1310338674", "+1abc", "", "+"])
def test_parse_rejects_what_is_not_e164(text):
    with pytest.raises(InvalidNumber):
        numbering.parse_e164(text)


@pytest.mark.parametrize(
    "text",
    [
        "+442079460000",  # valid, but not North American
        "+13109110000",  # an N11 exchange
        "+13105550100",  # the 555 exchange
        "+19005551234",  # premium rate, not a geographic or toll-free code we supply
    ],
)
def test_parse_rejects_valid_numbers_outside_the_supply(text):
    with pytest.raises((NumberNotSupplied, InvalidNumber)):
        numbering.parse_e164(text)


def test_friendly_name_is_dashed_national_form():
    assert numbering.friendly_name("+13103386745") == "310-338-6745"


@pytest.mark.parametrize("area_code", ["310", "212", "416", "604", "800", "888", "833"])
def test_known_area_codes_are_supplied(area_code):
    space = numbering.area_code_space(area_code)
    assert space is not None
    assert space.size >= 100 * 10_000


@pytest.mark.parametrize(
    "area_code", ["100", "011", "911", "999", "abc", "31", "3100", "900", "555"]
)
def test_unknown_or_special_area_codes_are_not_supplied(area_code):
    assert numbering.area_code_space(area_code) is None


def test_space_regions():
    assert numbering.area_code_space("310").region == "US"
    assert numbering.area_code_space("416").region == "CA"
    assert numbering.area_code_space("800").toll_free


@pytest.mark.parametrize("area_code", ["310", "416", "800"])
def test_every_number_of_a_space_is_valid_and_never_n11(area_code):
    space = numbering.area_code_space(area_code)
    step = max(space.size // 997, 1)  # a spread of ordinals across every exchange
    for ordinal in range(0, space.size, step):
        e164 = space.number(ordinal)
        assert e164.startswith("+1" + area_code)
        assert e164[6:8] != "11"
        assert phonenumbers.is_valid_number(phonenumbers.parse(e164)), e164
        assert space.contains(e164)


def test_space_numbers_ascend_with_ordinals():
    space = numbering.area_code_space("212")
    numbers = [space.number(i) for i in range(0, space.size, 9_973)]
    assert numbers == sorted(numbers)
    assert space.number(space.size - 1) > space.number(0)


def test_the_supply_agrees_with_libphonenumber_for_every_area_code():
    supplied = 0
    for value in range(200, 1000):
        space = numbering.area_code_space(str(value))
        if space is None:
            continue
        supplied += 1
        for e164 in (space.number(0), space.number(space.size - 1)):
            parsed = phonenumbers.parse(e164)
            assert phonenumbers.is_valid_number(parsed), e164
            assert phonenumbers.region_code_for_number(parsed) == space.region, e164
    assert supplied > 300  # every US and Canadian geographic code in service, and toll-free
