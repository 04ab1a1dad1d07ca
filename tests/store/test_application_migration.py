"""Migration 0008 keeps the applications an older schema held, and they page like new ones."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from numbersmith.provisioning import applications
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


def test_existing_applications_keep_their_sid_name_and_date_and_get_defaults(empty_db):
    upgrade(empty_db, "0007")
    with empty_db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO projects (id, name, signing_key, date_created) VALUES (:p, 'p', 'k', 0)"
            ),
            {"p": PROJECT},
        )
        connection.execute(
            sa.text(
                "INSERT INTO applications (sid, project_id, friendly_name, date_created)"
                " VALUES (:sid, :p, :name, :created)"
            ),
            [  # inserted out of creation order: ids follow creation
                {"sid": "c-second", "p": PROJECT, "name": "second", "created": 2_000_000},
                {"sid": "a-first", "p": PROJECT, "name": "first", "created": 1_000_000},
            ],
        )

    upgrade(empty_db)

    first = asyncio.run(applications.get(empty_db, PROJECT, "a-first"))
    assert first is not None
    assert first.friendly_name == "first"
    assert first.date_created == first.date_updated == 1_000_000
    assert (first.voice_url, first.sms_url, first.status_callback, first.sms_status_callback) == (
        None,
    ) * 4
    assert {first.voice_method, first.voice_fallback_method, first.sms_method, first.sms_fallback_method,
            first.status_callback_method, first.sms_status_callback_method} == {"POST"}  # fmt: skip
    assert first.voice_caller_id_lookup is False
    created = asyncio.run(applications.create(empty_db, PROJECT, {"friendly_name": "third"}))
    page, more = asyncio.run(applications.page(empty_db, PROJECT, None, size=10))
    assert [a.sid for a in page] == [created.sid, "c-second", "a-first"] and not more
    indexes = {index["name"] for index in sa.inspect(empty_db.engine).get_indexes("applications")}
    assert "ix_applications_page" in indexes
