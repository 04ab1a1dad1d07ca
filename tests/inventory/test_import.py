"""The operator's inventory on both back ends: import, add a block, count, remove."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from numbersmith.provisioning import inventory
from numbersmith.provisioning.inventory import BadRow, Count, Repeat
from numbersmith.store.inventory import PICK_RANGE
from numbersmith.store.schema import inventory_numbers, inventory_profiles


def stored(db, phone_number):
    """What the inventory holds of a number, its profile's details included, or None."""
    numbers, profiles = inventory_numbers, inventory_profiles
    with db.engine.connect() as connection:
        row = connection.execute(
            sa.select(numbers, *(c for c in profiles.c if c.name != "id"))
            .join_from(numbers, profiles, profiles.c.id == numbers.c.profile_id)
            .where(numbers.c.phone_number == phone_number)
        ).first()
    if row is None:
        return None
    found = dict(row._mapping)
    del found["profile_id"]
    return found


def stored_numbers(db):
    with db.engine.connect() as connection:
        return set(connection.scalars(sa.select(inventory_numbers.c.phone_number)))


def lines(*records):
    """Records as an import file gives them: numbered from line 2, after the header."""
    return [(line, record) for line, record in enumerate(records, start=2)]


def buy(account, phone_number):
    """A project buys the number (synthetic supply), before any import."""
    response = account.http.post(account.numbers_path + ".json", data={"PhoneNumber": phone_number})
    assert response.status_code == 201, response.text


def test_good_rows_are_imported_and_bad_ones_reported_by_line(db):
    report = inventory.import_rows(
        db,
        lines(
            {"phone_number": "+13103386745", "rate_center": "LSAN DA 01", "lata": "730"},
            {"phone_number": "not a number"},
            {"phone_number": "2123861234", "origin": "hosted", "fax": "no"},
            {"phone_number": "+13104116745"},
            {"phone_number": "+13103386746", "sms": "perhaps"},
        ),
    )
    assert (report.added, report.skipped) == (2, 0)
    assert report.bad == [
        BadRow(3, "'not a number' is not a valid phone number"),
        BadRow(5, report.bad[1].reason),
        BadRow(6, "sms 'perhaps' is not true or false"),
    ]
    assert report.bad[1].reason.startswith("+13104116745 is not a number we supply")
    assert stored_numbers(db) == {"+13103386745", "+12123861234"}
    first = stored(db, "+13103386745")
    assert 0 <= first.pop("pick") < PICK_RANGE
    assert first == {
        "phone_number": "+13103386745",
        "area_code": "310",
        "toll_free": False,
        "owned": False,
        "iso_country": "US",
        "origin": "signalwire",
        "region": "CA",
        "locality": "Los Angeles",
        "rate_center": "LSAN DA 01",
        "lata": "730",
        "capability_voice": True,
        "capability_sms": True,
        "capability_mms": True,
        "capability_fax": True,
    }
    second = stored(db, "+12123861234")
    assert (second["origin"], second["capability_fax"], second["region"]) == ("hosted", False, "NY")


def test_a_number_given_twice_is_imported_once_and_the_repeat_reported(db):
    report = inventory.import_rows(
        db,
        lines(
            {"phone_number": "+13103386745", "rate_center": "FIRST"},
            {"phone_number": "+13103386746"},
            {"phone_number": "310-338-6745", "rate_center": "SECOND"},
        ),
        batch_size=1,  # the repeat is in a batch of its own
    )
    assert (report.added, report.already_there, report.skipped) == (2, 0, 1)
    assert report.repeats == [Repeat(4, "+13103386745", 2)]
    assert stored(db, "+13103386745")["rate_center"] == "FIRST"


def test_importing_again_changes_nothing(db):
    records = lines(*({"phone_number": f"+1310338{line:04d}"} for line in range(25)))
    first = inventory.import_rows(db, records, batch_size=10)
    picks = {number: stored(db, number)["pick"] for number in stored_numbers(db)}
    again = inventory.import_rows(db, records, batch_size=10)
    assert (first.added, first.already_there) == (25, 0)
    assert (again.added, again.already_there, again.skipped) == (0, 25, 25)
    assert {number: stored(db, number)["pick"] for number in stored_numbers(db)} == picks


def failing_after(records, count):
    """The records, until reading the one at ``count`` fails."""
    for index, record in enumerate(records):
        if index == count:
            raise OSError("the disk went away")
        yield record


def free_indexes(db):
    names = {index["name"] for index in sa.inspect(db.engine).get_indexes("inventory_numbers")}
    return sorted(name for name in names if name.startswith("ix_inventory_free"))


def test_an_interrupted_import_keeps_whole_batches_and_importing_again_completes_it(db):
    inventory.import_rows(db, lines({"phone_number": "+12123861234"}))
    records = lines(*({"phone_number": f"+1310338{line:04d}"} for line in range(10)))

    with pytest.raises(OSError):
        inventory.import_rows(db, failing_after(records, 7), batch_size=3)
    assert stored_numbers(db) == {f"+1310338{line:04d}" for line in range(6)} | {"+12123861234"}
    report = inventory.import_rows(db, records, batch_size=3)
    assert (report.added, report.already_there) == (4, 6)
    assert len(stored_numbers(db)) == 11


def test_an_interrupted_first_load_keeps_nothing_on_postgresql(db):
    """A load into an empty PostgreSQL inventory is one transaction; SQLite keeps its batches."""
    records = lines(*({"phone_number": f"+1310338{line:04d}"} for line in range(10)))

    with pytest.raises(OSError):
        inventory.import_rows(db, failing_after(records, 7), batch_size=3)
    kept = {f"+1310338{line:04d}" for line in range(6)} if db.is_sqlite else set()
    assert stored_numbers(db) == kept
    assert free_indexes(db) == ["ix_inventory_free", "ix_inventory_free_by_area_code"]
    report = inventory.import_rows(db, records, batch_size=3)
    assert (report.added, report.already_there) == (10 - len(kept), len(kept))


def test_a_first_load_leaves_the_free_number_indexes_in_place(db):
    report = inventory.import_rows(
        db, lines(*({"phone_number": f"+1310338{line:04d}"} for line in range(10))), batch_size=4
    )
    assert report.added == 10
    assert free_indexes(db) == ["ix_inventory_free", "ix_inventory_free_by_area_code"]


def test_a_number_a_project_owns_is_imported_as_owned(db, account):
    buy(account, "+13103386747")
    buy(account, "+13103386749")
    buy(account, "+13103386800")  # not in the file
    report = inventory.import_rows(
        db, lines(*({"phone_number": f"+1310338{line:04d}"} for line in range(6740, 6760)))
    )
    assert (report.added, report.added_owned) == (20, 2)
    assert stored(db, "+13103386747")["owned"] is True
    assert stored(db, "+13103386749")["owned"] is True
    assert stored(db, "+13103386748")["owned"] is False
    assert stored(db, "+13103386800") is None
    assert inventory.stats(db) == [Count(None, 20, 2)]


def test_a_block_is_added_without_the_exchanges_outside_the_supply(db):
    report = inventory.add_range(
        db, "+13104109995", "+13104120004", {"rate_center": "INGLEWOOD", "mms": "false"}
    )
    assert (report.added, report.already_there) == (10, 0)
    assert report.not_suppliable == [("+13104110000", "+13104119999")]
    assert report.not_suppliable_count == 10_000
    assert len(stored_numbers(db)) == 10
    last = stored(db, "+13104120004")
    assert (last["region"], last["locality"], last["rate_center"]) == (
        "CA",
        "Inglewood",
        "INGLEWOOD",
    )
    assert (last["capability_mms"], last["capability_sms"], last["owned"]) == (False, True, False)
    assert stored(db, "+13104109995")["locality"] == "Los Angeles"


def test_a_block_skips_what_is_there_and_marks_what_is_owned(db, account):
    buy(account, "+13103380005")
    inventory.import_rows(db, lines({"phone_number": "+13103380001"}))
    report = inventory.add_range(db, "+13103380000", "+13103380009", batch_size=4)
    assert (report.added, report.already_there, report.added_owned) == (9, 1, 1)
    assert report.not_suppliable == []
    assert stored(db, "+13103380005")["owned"] is True


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("+13103380000", "+14153380000", "different area codes"),
        ("+19002340000", "+19002340999", "area code 900 is not one we supply"),
    ],
)
def test_a_range_outside_one_supplied_area_code_is_refused(db, first, last, reason):
    with pytest.raises(inventory.InvalidRange, match=reason):
        inventory.add_range(db, first, last)
    assert stored_numbers(db) == set()


def test_bad_details_of_a_range_are_refused_before_anything_is_added(db):
    with pytest.raises(inventory.InvalidRecord, match="origin"):
        inventory.add_range(db, "+13103380000", "+13103380009", {"origin": "carrier"})
    assert stored_numbers(db) == set()


def test_stats_count_owned_and_free_in_all_and_per_area_code(db, account):
    buy(account, "+12123861234")
    inventory.add_range(db, "+13103380000", "+13103380004")
    inventory.import_rows(
        db, lines({"phone_number": "+12123861234"}, {"phone_number": "+12123861235"})
    )
    assert inventory.stats(db) == [Count(None, 7, 1)]
    assert inventory.stats(db, by_area_code=True) == [Count("212", 2, 1), Count("310", 5, 0)]
    assert inventory.stats(db, by_area_code=True)[0].free == 1


def test_stats_of_an_empty_inventory(db):
    assert inventory.stats(db) == [Count(None, 0, 0)]
    assert inventory.stats(db, by_area_code=True) == []


def test_remove_keeps_owned_numbers_unless_forced(db, account):
    buy(account, "+13103380002")
    inventory.add_range(db, "+13103380000", "+13103380004")
    removal = inventory.remove(
        db, ["+13103380001", "+13103380002", "+13103380003", "+13103380001", "+13103389999"]
    )
    assert (removal.removed, removal.owned, removal.missing) == (2, ["+13103380002"], 1)
    assert stored_numbers(db) == {"+13103380000", "+13103380002", "+13103380004"}

    forced = inventory.remove(
        db, inventory.NumberRange.of("+13103380000", "+13103380004"), force=True
    )
    assert (forced.removed, forced.owned, forced.missing) == (3, ["+13103380002"], 2)
    assert stored_numbers(db) == set()


def test_a_removed_number_can_be_imported_again(db):
    inventory.import_rows(db, lines({"phone_number": "+13103386745"}))
    inventory.remove(db, ["+13103386745"])
    report = inventory.import_rows(db, lines({"phone_number": "+13103386745"}))
    assert report.added == 1
