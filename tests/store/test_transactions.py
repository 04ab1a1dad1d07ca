"""Units of work and SQLAlchemy's own transactions (migrations) share a database's connections.
Both drivers run some work in autocommit mode (SQLite all of it, PostgreSQL reads), and a
transaction must still be one on both."""

import asyncio
import threading

import pytest
import sqlalchemy as sa

from numbersmith.store import Database, DuplicateKey
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import projects

_ADD = projects.insert().values(id="p-1", name="p", signing_key="k", date_created=0)
_COUNT = sa.select(sa.func.count()).select_from(projects)


def test_a_transaction_after_reads_still_rolls_back(db):
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)  # the read's connection is pooled again
    with pytest.raises(RuntimeError), db.engine.begin() as connection:
        connection.execute(_ADD)
        raise RuntimeError("the transaction fails after writing")
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)


def test_a_unit_of_work_after_reads_still_rolls_back(db):
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)

    def fails_after_writing(tx):
        tx.execute(_ADD)
        raise RuntimeError("the unit fails after writing")

    with pytest.raises(RuntimeError):
        db.run_sync(fails_after_writing, write=True)
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)


def test_a_unit_of_the_servers_that_fails_rolls_back_and_the_next_one_runs(db):
    """The server's units (run(), through asyncpg on PostgreSQL) are transactions too."""

    def fails_after_writing(tx):
        tx.execute(_ADD)
        raise RuntimeError("the unit fails after writing")

    async def units():
        with pytest.raises(RuntimeError):
            await db.run(fails_after_writing, write=True)
        assert await db.run(lambda tx: tx.one(_COUNT)) == (0,)
        assert await db.run(lambda tx: tx.execute(_ADD), write=True) == 1
        with pytest.raises(DuplicateKey):
            await db.run(lambda tx: tx.execute(_ADD), write=True)
        assert await db.run(lambda tx: tx.all(_COUNT)) == [(1,)]

    asyncio.run(units())


def test_a_postgresql_url_may_set_its_connect_timeout(postgres_url):
    database = Database(f"{postgres_url}?connect_timeout=3")
    try:
        upgrade(database)
        assert asyncio.run(database.run(lambda tx: tx.one(sa.select(sa.literal(1))))) == (1,)
    finally:
        database.dispose()


def test_units_run_from_several_event_loops_at_once(db):
    """Tests, the command line and embedding applications run their own loops, in turn or in
    threads side by side; each gets connections of its own (PostgreSQL), or waits for the
    other loops' group commits (SQLite)."""
    rounds, each = 100, 4
    add = [
        projects.insert().values(id=f"p-{n}", name="p", signing_key="k", date_created=0)
        for n in range(4 * rounds * each)
    ]

    async def units(first: int, count: int = each) -> None:
        await asyncio.gather(
            *(
                db.run(lambda tx, n=n: tx.execute(add[n]), write=True)
                for n in range(first, first + count)
            )
        )

    asyncio.run(units(0, 2))
    asyncio.run(units(2, 2))
    failures: list[BaseException] = []

    async def rounds_of_units(first: int) -> None:
        for start in range(first, first + rounds * each, each):
            await units(start)

    def loop_in_a_thread(first: int) -> None:
        try:
            asyncio.run(rounds_of_units(first))
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=loop_in_a_thread, args=(n * rounds * each,)) for n in (1, 2, 3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (4 + 3 * rounds * each,)


def test_a_migration_that_fails_leaves_the_schema_as_it_was(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(database, "0006")
        with database.engine.begin() as connection:
            # Stands in the way of the migration's last step: 0007 drops this index.
            connection.exec_driver_sql("DROP INDEX ix_incoming_phone_numbers_project_id_id")
        with pytest.raises(sa.exc.OperationalError):
            upgrade(database)
        indexes = sa.inspect(database.engine).get_indexes("incoming_phone_numbers")
        assert "ix_incoming_phone_numbers_page" not in {index["name"] for index in indexes}
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                ("0006",)
            ]
    finally:
        database.dispose()


_BACKEND_PID = sa.select(sa.func.pg_backend_pid())


def test_connections_the_server_closed_between_units_are_replaced(postgres_url):
    """The server's PostgreSQL connections wait between units of work; PostgreSQL may end them
    meanwhile (a restart, an operator's pg_terminate_backend), and the next unit still runs."""
    database = Database(postgres_url)

    async def units() -> None:
        for seen_closed in (True, False):
            pids = await asyncio.gather(
                *(database.run(lambda tx: tx.one(_BACKEND_PID)) for _ in range(4))
            )
            with database.engine.connect() as connection:
                for (pid,) in set(pids):
                    connection.execute(sa.select(sa.func.pg_terminate_backend(pid)))
            if seen_closed:
                await asyncio.sleep(0.1)  # the loop reads each connection's end
            # Else the first unit finds out by using one, and runs again on a new connection.
            answers = await asyncio.gather(
                *(database.run(lambda tx: tx.one(sa.select(sa.literal(2)))) for _ in range(4))
            )
            assert answers == [(2,)] * 4
        await database.close()

    try:
        asyncio.run(units())
        assert database.outage.fault is None
    finally:
        database.dispose()


def test_more_units_at_once_than_connections_all_run_and_the_pool_closes(postgres_url):
    database = Database(postgres_url)
    slow = sa.select(sa.func.pg_sleep(0.02), sa.literal(1))

    async def units() -> None:
        # Were a unit to wait for a connection kept by no unit, they would wait for ever.
        answers = await asyncio.wait_for(
            asyncio.gather(*(database.run(lambda tx: tx.one(slow)) for _ in range(60))), 30
        )
        assert [answer[1] for answer in answers] == [1] * 60
        # Closing waits for the pool's connections to come back, those kept between units too.
        await asyncio.wait_for(database.close(), 10)

    try:
        asyncio.run(units())
    finally:
        database.dispose()


def test_closing_waits_for_running_units_and_then_closes(postgres_url):
    """A server shutting down lets the units of work under way finish, then closes: units that
    finish after the close began hand their connections back rather than keep them."""
    database = Database(f"{postgres_url}?connect_timeout=600")  # close() waits up to this long
    slow = sa.select(sa.func.pg_sleep(0.2), sa.literal(1))

    async def units() -> None:
        await database.run(lambda tx: tx.one(slow))  # one connection kept
        running = [asyncio.ensure_future(database.run(lambda tx: tx.one(slow))) for _ in range(8)]
        await asyncio.sleep(0.05)
        await asyncio.wait_for(database.close(), 30)
        assert [unit.result()[1] for unit in running] == [1] * 8

    try:
        asyncio.run(units())
    finally:
        database.dispose()
