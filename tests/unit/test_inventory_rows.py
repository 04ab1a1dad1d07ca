"""Reading the records of an inventory import: numbers, details, the file's header."""

import io

import pytest

from numbersmith.numbering import InvalidNumber, NumberNotSupplied
from numbersmith.provisioning import inventory
from numbersmith.provisioning.inventory import InvalidFile, InvalidRange, InvalidRecord
from numbersmith.store.inventory import PICK_RANGE


@pytest.mark.parametrize(
    "text",
    [
        "+13103386745",
        " +13103386745 ",
        "3103386745",
        "13103386745",
        "+1 310 338 6745",
        "1-310-338-6745",
        "(310) 338-6745",
        "310.338.6745",
    ],
)
def test_usual_spellings_give_the_e164_number(text):
    assert inventory.phone_number_of(text) == "+13103386745"


def test_other_spellings_with_a_plus_go_to_libphonenumber():
    assert inventory.phone_number_of("+1/310/338/6745") == "+13103386745"


@pytest.mark.parametrize("text", ["", "310338674", "231033867450", "+1310338674x", "abc", "+"])
def test_what_is_not_a_number_is_invalid(text):
    with pytest.raises(InvalidNumber):
        inventory.phone_number_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "+13104116745",  # N11 exchange
        "3105550100",  # the 555 exchange
        "+442079460000",  # not North American
        "+19005551234",  # premium rate
    ],
)
def test_numbers_outside_the_supply_are_refused(text):
    with pytest.raises((NumberNotSupplied, InvalidNumber)):
        inventory.phone_number_of(text)


def test_a_row_fills_region_and_locality_from_the_number():
    row = inventory.inventory_row({"phone_number": "3103386745"})
    assert row == {
        "phone_number": "+13103386745",
        "area_code": "310",
        "iso_country": "US",
        "region": "CA",
        "locality": "Los Angeles",
        "rate_center": None,
        "lata": None,
        "origin": "signalwire",
        "capability_voice": True,
        "capability_sms": True,
        "capability_mms": True,
        "capability_fax": True,
    }


def test_a_row_keeps_what_the_record_says():
    row = inventory.inventory_row(
        {
            "phone_number": "+14163630000",
            "region": "on",
            "locality": "Toronto East",
            "rate_center": "TORONTO",
            "lata": "888",
            "origin": "Hosted",
            "voice": "yes",
            "sms": "0",
            "mms": "FALSE",
            "fax": "",
        }
    )
    assert row["iso_country"] == "CA"
    assert (row["region"], row["locality"]) == ("ON", "Toronto East")
    assert (row["rate_center"], row["lata"], row["origin"]) == ("TORONTO", "888", "hosted")
    assert [row[f"capability_{name}"] for name in ("voice", "sms", "mms", "fax")] == [
        True,
        False,
        False,
        True,
    ]


def test_a_locality_is_filled_in_only_within_the_region_given():
    row = inventory.inventory_row({"phone_number": "+13103386745", "region": "NV"})
    assert (row["region"], row["locality"]) == ("NV", None)


def test_toll_free_numbers_are_in_no_region():
    row = inventory.inventory_row({"phone_number": "+18002340199"})
    assert (row["area_code"], row["iso_country"], row["region"]) == ("800", "US", None)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"phone_number": ""}, "no phone_number"),
        ({"phone_number": "hello"}, "'hello' is not a valid phone number"),
        ({"phone_number": "+13104116745"}, "+13104116745 is not a number we supply"),
        ({"phone_number": "+13103386745", "region": "CALIFORNIA"}, "region is longer than 8"),
        ({"phone_number": "+13103386745", "lata": "123456789"}, "lata is longer than 8"),
        ({"phone_number": "+13103386745", "locality": "x" * 65}, "locality is longer than 64"),
        ({"phone_number": "+13103386745", "rate_center": "x" * 65}, "rate_center is longer"),
        ({"phone_number": "+13103386745", "origin": "carrier"}, "origin 'carrier' is not one"),
        ({"phone_number": "+13103386745", "sms": "maybe"}, "sms 'maybe' is not true or false"),
    ],
)
def test_bad_records_say_why(record, reason):
    with pytest.raises(InvalidRecord, match="^" + reason.replace("+", r"\+")):
        inventory.inventory_row(record)


def test_the_widest_values_fit():
    row = inventory.inventory_row(
        {"phone_number": "+13103386745", "locality": "x" * 64, "region": "ABCDEFGH"}
    )
    assert (len(row["locality"]), row["region"]) == (64, "ABCDEFGH")


def test_csv_records_carry_their_first_line_and_match_columns_loosely():
    text = (
        " Phone_Number ,REGION,extra\n"
        "+13103386745,CA,x\n"
        "\n"
        '"+13103386746","multi\nline",y\n'
        "+13103386747\n"
        "+13103386748,CA,x,surplus\n"
    )
    records, unknown = inventory.csv_records(io.StringIO(text))
    rows = list(records)
    assert unknown == ["extra"]
    assert [line for line, _ in rows] == [2, 4, 6, 7]
    assert rows[0][1]["phone_number"] == "+13103386745"
    assert rows[1][1]["region"] == "multi\nline"
    assert rows[2][1].get("region") is None
    with pytest.raises(InvalidRecord, match="more fields than the header"):
        inventory.inventory_row(rows[3][1])


@pytest.mark.parametrize("text", ["", "number,region\n+13103386745,CA\n"])
def test_a_file_without_a_phone_number_column_is_refused(text):
    with pytest.raises(InvalidFile):
        inventory.csv_records(io.StringIO(text))


def test_a_range_covers_both_ends():
    numbers = inventory.NumberRange.of("+13103380998", "310-338-1001")
    assert len(numbers) == 4
    assert list(numbers) == ["+13103380998", "+13103380999", "+13103381000", "+13103381001"]
    assert numbers.area_code == "310"


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("+13103380000", "+12123380000", "different area codes"),
        ("+13103380999", "+13103380000", "comes before"),
        ("+13102000000", "+13103000000", "1,000,001 numbers: a range may hold 1,000,000 at most"),
        ("hello", "+13103380000", "not a North American phone number"),
    ],
)
def test_ranges_that_are_not_one_block_are_refused(first, last, reason):
    with pytest.raises(InvalidRange, match=reason):
        inventory.NumberRange.of(first, last)


def test_pick_keys_keep_an_exchange_together_and_shuffle_its_lines():
    exchange = [f"+1310338{line:04d}" for line in range(10_000)]
    keys = [inventory.pick_key(number) for number in exchange]
    base = inventory.pick_base("+1310338")
    assert len(set(keys)) == 10_000
    assert all(base <= key < base + 2**14 for key in keys)
    assert keys[:5] != sorted(keys[:5])  # lines are shuffled
    bases = {inventory.pick_base(f"+1310{exchange}") for exchange in range(200, 1000)}
    assert len(bases) > 790  # exchanges are scattered (a hash may collide now and then)
    assert max(bases) + 2**14 <= PICK_RANGE
