"""Migrations keep what an older schema held."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from numbersmith.store import Database, blocks
from numbersmith.store.migrations import upgrade
from support.databases import postgres_database

CAPABILITIES = ("capability_voice", "capability_sms", "capability_mms", "capability_fax")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    """A database with no schema at all."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'old.db'}")
        yield database
        database.dispose()
        return
    with postgres_database() as url:
        database = Database(url)
        yield database
        database.dispose()


def old_row(number, owned, rate_center, sms=True):
    return {
        "phone_number": number,
        "area_code": number[2:5],
        "pick": int(number[-4:]),
        "owned": owned,
        "iso_country": "US",
        "origin": "hosted",
        "region": "CA",
        "locality": None,
        "rate_center": rate_center,
        "lata": "730",
        "capability_voice": True,
        "capability_sms": sms,
        "capability_mms": False,
        "capability_fax": False,
    }


def test_inventory_details_become_shared_profiles(empty_db):
    upgrade(empty_db, "0002")
    old = sa.Table("inventory_numbers", sa.MetaData(), autoload_with=empty_db.engine)
    rows = [
        old_row("+13103380001", False, "LSAN DA 01"),
        old_row("+13103380002", True, "LSAN DA 01"),
        old_row("+13103380003", False, "LSAN DA 01", sms=False),
        old_row("+13103380004", False, None),
        old_row("+18002340199", False, None),
    ]
    with empty_db.engine.begin() as connection:
        connection.execute(old.insert(), rows)

    upgrade(empty_db)

    with empty_db.engine.connect() as connection:
        found = (
            connection.execute(
                sa.text(
                    "SELECT n.phone_number, n.area_code, n.iso_country, n.pick, n.owned, n.toll_free, p.*"
                    " FROM inventory_numbers n"
                    " JOIN inventory_profiles p ON p.id = n.profile_id ORDER BY n.phone_number"
                )
            )
            .mappings()
            .all()
        )
        profiles = connection.execute(sa.text("SELECT count(*) FROM inventory_profiles")).scalar()
    assert profiles == 3  # numbers with the same details share one
    assert [
        {key: value for key, value in row.items() if key != "id"}
        | {name: bool(row[name]) for name in ("owned", "toll_free", *CAPABILITIES)}  # SQLite: 0/1
        for row in found
    ] == [{**row, "toll_free": row["area_code"] == "800"} for row in rows]
    inspector = sa.inspect(empty_db.engine)
    indexes = {index["name"] for index in inspector.get_indexes("inventory_numbers")}
    assert {"ix_inventory_free", "ix_inventory_free_by_area_code"} <= indexes


def test_the_blocks_of_an_existing_inventory_are_recorded(empty_db):
    upgrade(empty_db, "0003")
    numbers = ["+13103380001", "+13103380999", "+13103381500", "+18002340199"]
    with empty_db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO inventory_profiles (id, origin, capability_voice, capability_sms,"
                " capability_mms, capability_fax) VALUES (1, 'hosted', true, true, false, false)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO inventory_numbers (phone_number, area_code, iso_country, toll_free,"
                " pick, owned, profile_id) VALUES (:n, :a, 'US', :t, 7, false, 1)"
            ),
            [{"n": n, "a": n[2:5], "t": n[2:5] == "800"} for n in numbers],
        )

    upgrade(empty_db)

    def held(**scope):
        return empty_db.run_sync(
            lambda tx: {
                block: {line for line in range(1000) if lines >> line & 1}
                for block, lines in blocks.held_lines(tx, **scope, pick=0)
            }
        )

    assert held(area_code="310", country="US", toll_free=False) == {
        "+13103380": {1, 999},
        "+13103381": {500},
    }
    assert held(area_code=None, country="US", toll_free=True) == {"+18002340": {199}}
