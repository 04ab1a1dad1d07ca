"""Migration 0010: a database made before flavours is SignalWire's, and a server cannot be
started on it as Twilio's; an empty one takes the flavour it is first started with."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from numbersmith.provisioning import flavor
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from support.databases import postgres_database

PROJECT = "b3877c40-da60-4998-90ad-b792e98472af"


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


def test_a_database_with_projects_from_before_flavours_is_signalwire_s(empty_db):
    upgrade(empty_db, "0009")
    with empty_db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO projects (id, name, signing_key, date_created)"
                " VALUES (:p, 'p', 'PSK_k', 0)"
            ),
            {"p": PROJECT},
        )
    upgrade(empty_db)
    with pytest.raises(flavor.FlavorMismatch, match="created for the signalwire flavour"):
        flavor.settle(empty_db, "twilio")
    assert flavor.settle(empty_db).name == "signalwire"


def test_an_empty_database_takes_the_first_flavour_and_keeps_it(empty_db):
    upgrade(empty_db)
    assert flavor.current(empty_db, "twilio").name == "twilio"  # fixes nothing
    assert flavor.settle(empty_db).name == "signalwire"
    with pytest.raises(flavor.FlavorMismatch):
        flavor.settle(empty_db, "twilio")
