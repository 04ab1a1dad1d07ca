import random

import pytest

from numbersmith import numbering
from numbersmith.numbering import geography
from numbersmith.numbering.geography import Place


@pytest.mark.parametrize(
    "description,place",
    [
        ("Los Angeles, CA", Place("CA", "Los Angeles", "US")),
        ("Toronto, ON", Place("ON", "Toronto", "CA")),
        ("Downtown Brooklyn, Brooklyn, NY", Place("NY", "Brooklyn", "US")),
        ("California", Place("CA", None, "US")),
        ("Quebec", Place("QC", None, "CA")),
        ("Washington State", Place("WA", None, "US")),
        ("Washington D.C.", Place("DC", None, "US")),
        ("British Colombia", Place("BC", None, "CA")),  # libphonenumber's spelling
        ("Nova Scotia/Prince Edward Island", Place(None, None, "CA")),  # which one is unknown
        ("Watson Lake", Place(None, "Watson Lake", None)),
        ("Somewhere, ZZ", Place()),
        ("", Place()),
    ],
)
def test_descriptions_name_a_region_and_maybe_a_city(description, place):
    assert geography.place_of_description(description) == place


@pytest.mark.parametrize(
    "e164,region,locality",
    [
        ("+13103386745", "CA", "Los Angeles"),
        ("+13102001234", "CA", None),  # described only as "California"
        ("+12125550100", "NY", "New York"),
        ("+14162031234", "ON", "Toronto"),
        ("+16046661234", "BC", "Vancouver"),
        ("+18005550100", None, None),  # toll-free numbers are nowhere in particular
    ],
)
def test_place_of_a_number(e164, region, locality):
    place = geography.place_of(e164)
    assert (place.region, place.locality) == (region, locality)


def test_exchange_places_agree_with_the_places_of_their_numbers():
    rng = random.Random(3)
    for area_code in ("310", "212", "416", "902"):
        places = geography.exchange_places(area_code)
        assert set(places) == {f"{x}" for x in range(200, 1000)}
        for exchange in rng.sample(sorted(places), 40):
            number = f"+1{area_code}{exchange}{rng.randrange(10_000):04d}"
            assert geography.place_of(number) == places[exchange]


def test_area_codes_of_a_country_are_its_supplied_geographic_ones():
    us, ca = geography.area_codes_of("US"), geography.area_codes_of("CA")
    assert {"212", "310", "415", "202"} <= set(us)
    assert {"416", "604", "514", "902", "867"} <= set(ca)
    assert not set(us) & set(ca)
    assert not set(us) & numbering.TOLL_FREE_AREA_CODES
    for area_code in ("212", "416", "902"):
        space = numbering.area_code_space(area_code)
        assert space is not None and area_code in geography.area_codes_of(space.region)


def test_area_codes_in_a_region_or_locality():
    california = set(geography.area_codes_in("CA"))
    assert {"213", "310", "415", "619"} <= california
    assert not {"212", "416"} & california
    los_angeles = set(geography.area_codes_in("CA", "Los Angeles"))
    assert {"213", "310"} <= los_angeles <= california
    assert "415" not in los_angeles
    assert geography.area_codes_in("CA", "  los   ANGELES ") == geography.area_codes_in(
        "CA", "Los Angeles"
    )
    assert "416" in geography.area_codes_in("ON", "Toronto")
    assert geography.area_codes_in("NY", "Los Angeles") == ()


def test_within_compares_cities_as_people_type_them():
    place = Place("CA", "Los Angeles", "US")
    assert place.within("CA")
    assert place.within("CA", "los angeles")
    assert place.within("CA", " Los  Angeles ")
    assert not place.within("NY")
    assert not place.within("CA", "San Diego")
    assert not Place("CA", None, "US").within("CA", "Los Angeles")


@pytest.mark.parametrize("text,code", [("CA", "CA"), ("ny", "NY"), (" on ", "ON"), ("dc", "DC")])
def test_region_codes_are_read_in_any_case(text, code):
    assert geography.region_code(text) == code


@pytest.mark.parametrize("text", ["ZZ", "PR", "California", "", "C"])
def test_other_region_text_is_not_a_region_code(text):
    assert geography.region_code(text) is None


def test_every_region_belongs_to_a_supplied_country():
    assert {country for _, country in geography.REGIONS.values()} == set(geography.COUNTRIES)
    assert len([code for code, (_, country) in geography.REGIONS.items() if country == "US"]) == 51
    assert len([code for code, (_, country) in geography.REGIONS.items() if country == "CA"]) == 13
