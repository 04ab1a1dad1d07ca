"""Faults of the database, told apart from bugs by the driver's error codes, and PostgreSQL
connections that the server closed replaced without failing the unit of work that finds them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator

import asyncpg
import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from numbersmith.store import Database, DatabaseUnavailable
from numbersmith.store.faults import asyncpg_fault, postgres_fault, sqlite_fault
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import projects
from support.server import free_port


@pytest.fixture
def anyio_backend():
    return "asyncio"


def sqlite_error(*statements: str) -> sqlite3.Error:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE t (x UNIQUE)")
    try:
        for statement in statements:
            connection.execute(statement)
    except sqlite3.Error as error:
        return error
    raise AssertionError("no error")


def test_a_full_or_read_only_sqlite_database_is_a_fault_and_a_bad_statement_is_not():
    full = sqlite_fault(
        sqlite_error(
            "PRAGMA max_page_count = 2",
            "INSERT INTO t VALUES (randomblob(9000))",
        ),
        writing=True,
    )
    assert full is not None and full.reads_work and full.cause.startswith("SQLITE_FULL")
    read_only = sqlite_fault(
        sqlite_error("PRAGMA query_only = ON", "INSERT INTO t VALUES (1)"), writing=True
    )
    assert read_only is not None and read_only.cause.startswith("SQLITE_READONLY")

    assert sqlite_fault(sqlite_error("SELECT * FROM missing"), writing=False) is None
    assert (
        sqlite_fault(
            sqlite_error("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"), writing=True
        )
        is None
    )
    assert sqlite_fault(ValueError("not the driver's"), writing=True) is None


def test_a_postgresql_server_that_refuses_connections_is_a_fault():
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/test", connect_timeout=5)
    fault = postgres_fault(refused.value, writing=True)
    assert fault is not None and not fault.reads_work and fault.connection_lost
    assert postgres_fault(psycopg.errors.UniqueViolation("duplicate"), writing=True) is None
    assert postgres_fault(psycopg.errors.UndefinedTable("no such table"), writing=False) is None


@pytest.mark.anyio
async def test_the_request_drivers_errors_are_told_apart_the_same_way():
    """Requests reach PostgreSQL through asyncpg: its errors mean what psycopg's do."""
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/test", timeout=5)
    fault = asyncpg_fault(refused.value, writing=False)
    assert fault is not None and not fault.reads_work and fault.connection_lost

    shut_down = asyncpg_fault(asyncpg.AdminShutdownError("shutting down"), writing=False)
    assert shut_down is not None and shut_down.connection_lost
    read_only = asyncpg_fault(asyncpg.ReadOnlySQLTransactionError("read-only"), writing=True)
    assert read_only is not None and read_only.reads_work and not read_only.connection_lost
    assert asyncpg_fault(asyncpg.UniqueViolationError("duplicate"), writing=True) is None
    assert asyncpg_fault(asyncpg.UndefinedTableError("no such table"), writing=False) is None
    assert asyncpg_fault(ValueError("not the driver's"), writing=False) is None


@pytest.mark.anyio
async def test_a_database_that_cannot_be_reached_is_unavailable_until_it_can():
    db = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    try:
        with pytest.raises(DatabaseUnavailable) as unavailable:
            await db.ping()
        assert not unavailable.value.fault.reads_work
        assert await db.health() == unavailable.value.fault == db.outage.fault
    finally:
        db.dispose()


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[Database]:
    database = Database(postgres_url)
    upgrade(database)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE projects CASCADE")
    yield database
    database.dispose()


def terminate_connections(db: Database) -> int:
    """What a PostgreSQL restart does to a server's pooled connections: ends their sessions."""
    url = make_url(str(db.url))
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (url.database,),
        ).fetchone()
    return ended[0] if ended else 0


_ADD = projects.insert().values(id=sa.bindparam("id"), name="p", signing_key="k", date_created=0)
_COUNT = sa.select(sa.func.count()).select_from(projects)


@pytest.mark.anyio
async def test_pooled_connections_the_server_ended_are_replaced_without_failing_a_unit(postgres_db):
    db = postgres_db
    # Several units at once, so that the pool holds several connections.
    await asyncio.gather(*(db.run(lambda tx: tx.one(_COUNT)) for _ in range(8)))
    assert terminate_connections(db) >= 2

    # Reads and writes, several at once: each finds a dead connection or a replaced one.
    writes = [db.run(lambda tx, n=n: tx.execute(_ADD, id=f"p{n}"), write=True) for n in range(4)]
    reads = [db.run(lambda tx: tx.one(_COUNT)) for _ in range(4)]
    await asyncio.gather(*writes, *reads)
    assert await db.run(lambda tx: tx.one(_COUNT)) == (4,)  # each write made once
    assert db.outage.fault is None


@pytest.mark.anyio
async def test_a_batch_that_runs_out_of_room_fails_whole_and_leaves_nothing(tmp_path):
    """Out of room in the middle of a statement, SQLite rolls back the whole transaction, and
    with it the units of the batch that had already succeeded: they must not be answered as if
    committed, and the units after it must not commit on their own."""
    path = tmp_path / "numbersmith.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    try:
        # SQLite's page limit on the server's own connection: what it writes next must fit in
        # the pages the file has.
        (pages,) = db.run_sync(lambda tx: tx.one(sa.text("PRAGMA page_count")))
        db.run_sync(lambda tx: tx.one(sa.text(f"PRAGMA max_page_count = {pages + 1}")))

        def add(project_id: str, name: str = "p"):
            return lambda tx: tx.execute(
                projects.insert().values(id=project_id, name=name, signing_key="k", date_created=0)
            )

        outcomes = await asyncio.gather(
            db.run(add("before"), write=True),
            db.run(add("too-big", name="x" * 200_000), write=True),
            db.run(add("after"), write=True),
            return_exceptions=True,
        )
        assert all(isinstance(outcome, DatabaseUnavailable) for outcome in outcomes), outcomes
        fault = db.outage.fault
        assert fault is not None and fault.reads_work and fault.disk_full
        stored = sa.select(projects.c.id).order_by(projects.c.id)
        assert db.run_sync(lambda tx: tx.all(stored)) == []

        db.run_sync(lambda tx: tx.one(sa.text("PRAGMA max_page_count = 1000000")))
        assert await db.run(add("later"), write=True) == 1
        assert [row[0] for row in db.run_sync(lambda tx: tx.all(stored))] == ["later"]
    finally:
        db.dispose()
