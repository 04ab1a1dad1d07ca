"""On PostgreSQL, a number pointed at an application while the application is deleted ends up
naming nothing: it is either cleared by the delete or refused (21420). SQLite runs one writer
at a time, so there the two never overlap."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest
import sqlalchemy as sa

from numbersmith.provisioning import accounts, applications, errors, numbers
from numbersmith.store import Database
from numbersmith.store import applications as application_store
from numbersmith.store import numbers as number_store

_WAITING = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")


@pytest.fixture
def pg(db: Database) -> Database:
    if db.is_sqlite:
        pytest.skip("SQLite runs one writer at a time")
    return db


def wait_until_blocked(db: Database) -> None:
    """Until some transaction waits on a lock: the other side has reached the contested row."""
    deadline = time.monotonic() + 10
    with db.engine.connect() as connection:
        while connection.execute(_WAITING).scalar() == 0:
            assert time.monotonic() < deadline, "the other transaction never waited"
            time.sleep(0.01)
            connection.rollback()


def setup(db: Database) -> tuple[str, str, str]:
    project = accounts.create_project(db, "p").project_id
    sid = accounts.create_application(db, project, "doomed")
    number = asyncio.run(numbers.purchase(db, project, area_code="310"))
    return project, sid, number.sid


def test_a_number_pointed_at_it_before_the_delete_is_cleared(pg):
    project, sid, number_sid = setup(pg)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        with pg.transaction(write=True) as tx:  # what numbers.update does, held open
            assert application_store.hold(tx, project, sid)
            number = number_store.get(tx, project, number_sid, for_update=True)
            number_store.save_settings(
                tx, number.with_settings({"voice_application_sid": sid}, number.date_updated + 1)
            )
            deleting = pool.submit(asyncio.run, applications.delete(pg, project, sid))
            wait_until_blocked(pg)
        deleting.result()
    assert asyncio.run(numbers.fetch(pg, project, number_sid)).voice_application_sid is None


def test_a_number_pointed_at_it_during_the_delete_is_refused(pg):
    project, sid, number_sid = setup(pg)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        with pg.transaction(write=True) as tx:  # what applications.delete does, held open
            application = application_store.get(tx, project, sid, for_update=True)
            application_store.forget(tx, project, sid, application.date_updated + 1)
            application_store.delete(tx, application)
            pointing = pool.submit(
                asyncio.run,
                numbers.update(pg, project, number_sid, {"voice_application_sid": sid}),
            )
            wait_until_blocked(pg)
        with pytest.raises(errors.ApplicationNotFound):
            pointing.result()
    assert asyncio.run(numbers.fetch(pg, project, number_sid)).voice_application_sid is None
