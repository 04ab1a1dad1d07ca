"""The database seam: one object that owns the engine and runs units of work.

Statements are built with SQLAlchemy Core (so the schema has one description and the SQL suits
each dialect), compiled once, and executed on the DBAPI connection. SQLAlchemy's per-execution
bookkeeping costs about 70 µs on this machine, several times an indexed SQLite lookup, and every
request pays it on the hot path.

SQLite units of work run inline on the event loop: they take microseconds and SQLite serialises
writers anyway, so a thread hop would only add latency. On PostgreSQL the server's units of work
run on the event loop too, through asyncpg (see postgres.py); those of the command line, the
migrations and imports run on psycopg, blocking, each on its own pooled connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import ClauseElement

from numbersmith.store.faults import (
    DatabaseUnavailable,
    Fault,
    Outage,
    postgres_fault,
    sqlite_fault,
)

T = TypeVar("T")
_POOL_SIZE = 16
#: Seconds to wait for PostgreSQL to accept a connection: a server gone from the network would
#: otherwise hold a request for as long as TCP keeps trying (two minutes on Linux).
_CONNECT_TIMEOUT = 5
#: Free space a SQLite database's disk needs again before a fault of a full disk is over.
_ROOM_AFTER_FULL_DISK = 1 << 20
log = logging.getLogger("numbersmith")

Row = tuple[Any, ...]


class DuplicateKey(Exception):
    """A unit of work tried to insert a row whose unique key already exists; it was rolled back."""


def normalise_url(url: str) -> sa.URL:
    """Accept the URLs operators write (``postgresql://…``) and pick the driver we ship."""
    parsed = make_url(url)
    if parsed.get_backend_name() in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    return parsed


class Transaction:
    """The statements of one unit of work, run on one DBAPI connection."""

    __slots__ = ("_connection", "_database")

    def __init__(self, connection: Any, database: Database) -> None:
        self._connection = connection
        self._database = database

    def _cursor(self, statement: ClauseElement, params: dict[str, Any]) -> Any:
        sql, fixed = self._database.compiled(statement)
        cursor = self._connection.cursor()
        cursor.execute(sql, {**fixed, **params} if fixed else params)
        return cursor

    def one(self, statement: ClauseElement, **params: Any) -> Row | None:
        row: Row | None = self._cursor(statement, params).fetchone()
        return row

    def all(self, statement: ClauseElement, **params: Any) -> Sequence[Row]:
        rows: Sequence[Row] = self._cursor(statement, params).fetchall()
        return rows

    def execute(self, statement: ClauseElement, **params: Any) -> int:
        """Run a write; return the number of rows it touched."""
        touched: int = self._cursor(statement, params).rowcount
        return touched

    def execute_many(self, statement: ClauseElement, rows: Sequence[dict[str, Any]]) -> int:
        """Run a write once per row; return the number of rows it touched in all."""
        sql, fixed = self._database.compiled(statement)
        cursor = self._connection.cursor()
        cursor.executemany(sql, [{**fixed, **row} for row in rows] if fixed else rows)
        touched: int = cursor.rowcount
        return touched

    def load(self, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
        """Append rows, values in the table's column order, by the backend's fastest path.

        PostgreSQL copies them: COPY is several times faster than even batched INSERTs. SQLite
        binds them by position, which costs half what binding a dict by name does.
        """
        if not rows:
            return
        if self.is_postgresql:
            with self._connection.cursor().copy(self._database.copy_statement(table)) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            columns = tuple(column.name for column in table.columns)
            self._connection.executemany(self._database.insert_statement(table, columns), rows)

    def insert(self, table: sa.Table, columns: tuple[str, ...], row: Sequence[Any]) -> None:
        """Insert one row: ``row`` holds the values of ``columns``, in that order.

        Bound by position: SQLite finds a named parameter by searching the statement's list of
        names, and a purchase binding its thirty values by name took twice as long.
        """
        self._connection.execute(self._database.insert_statement(table, columns), row)

    @property
    def dialect_name(self) -> str:
        return self._database.engine.dialect.name

    @property
    def is_postgresql(self) -> bool:
        return self.dialect_name == "postgresql"


class Database:
    """Owns the engines and runs units of work: the server's on the event loop (SQLite inline,
    PostgreSQL through asyncpg), the command line's on the calling thread."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self._prepare_sqlite_file()
            # Named parameters let one params dict serve both drivers.
            # The connection is shared by the event loop and the CLI/test threads, one at a time
            # under self._lock, hence check_same_thread=False.
            self.engine = sa.create_engine(
                self.url, paramstyle="named", connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _configure_sqlite)
            # The driver is in autocommit mode (see _configure_sqlite), so SQLAlchemy's own
            # transactions (migrations above all) begin one explicitly, or each statement would
            # stand alone and a migration cut short would leave its first half applied.
            sa.event.listen(self.engine, "begin", _begin_sqlite)
        else:
            connect_args = {"connect_timeout": _CONNECT_TIMEOUT}
            if "connect_timeout" in self.url.query:
                connect_args = {}  # the operator's own
            self.engine = sa.create_engine(
                self.url, pool_size=_POOL_SIZE, max_overflow=0, connect_args=connect_args
            )
            sa.event.listen(self.engine, "checkin", _leave_autocommit)
            # Imported here, as only PostgreSQL needs it; it imports this module.
            from numbersmith.store.postgres import RequestPool

            timeout = float(self.url.query.get("connect_timeout", _CONNECT_TIMEOUT))  # type: ignore[arg-type]
            self._requests = RequestPool(self, self.url, timeout)
            self.request_statements = self._requests.statements
        self._integrity_error = self.engine.dialect.loaded_dbapi.IntegrityError
        # What a fault can be raised as: the driver's errors, and SQLAlchemy's wrapping of them
        # when its pool opens a connection.
        self._driver_errors = (self.engine.dialect.loaded_dbapi.Error, sa.exc.DBAPIError)
        self._fault_of = sqlite_fault if self.is_sqlite else postgres_fault
        #: The fault the database has now, if any (see health()).
        self.outage = Outage()
        self._compiled: dict[ClauseElement, tuple[str, dict[str, Any]]] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], str] = {}
        self._sqlite_connection: Any = None
        self._sqlite_dbapi: Any = None
        # Re-entrant: an open write batch holds it (see _run_in_batch) while the event loop's own
        # reads go on; other threads wait for the batch's commit.
        self._lock = threading.RLock()
        self._batch: asyncio.Future[None] | None = None
        # Set when SQLite rolled back the open batch's whole transaction (see _run_in_batch).
        self._batch_lost: BaseException | None = None
        self._checkpointer: threading.Thread | None = None
        self._stop_checkpoints = threading.Event()
        self._checkpoint_error = ""

    def _prepare_sqlite_file(self) -> None:
        database = self.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)

    def compiled(self, statement: ClauseElement) -> tuple[str, dict[str, Any]]:
        """The statement's SQL for this dialect, compiled on first use, and the values of the
        parameters it fixes itself (such as a literal LIMIT)."""
        try:
            return self._compiled[statement]
        except KeyError:
            compiled = statement.compile(dialect=self.engine.dialect)
            params = compiled.params or {}  # None for DDL
            fixed = {name: value for name, value in params.items() if value is not None}
            self._compiled[statement] = (str(compiled), fixed)
            return self._compiled[statement]

    def copy_statement(self, table: sa.Table) -> str:
        """The COPY that Transaction.load runs on PostgreSQL: every column, in table order."""
        preparer = self.engine.dialect.identifier_preparer
        columns = ", ".join(preparer.format_column(column) for column in table.columns)
        return f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"

    def insert_statement(self, table: sa.Table, columns: tuple[str, ...]) -> str:
        """An INSERT of one row of ``columns``, its values bound by position."""
        key = (table.name, columns)
        try:
            return self._inserts[key]
        except KeyError:
            marker = "%s" if self.engine.dialect.name == "postgresql" else "?"
            sql = insert_sql(self.engine.dialect, table, columns, [marker] * len(columns))
            self._inserts[key] = sql
            return sql

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self.is_sqlite:
            with self._lock:
                yield self._sqlite()
            return
        proxied = self.engine.raw_connection()
        try:
            yield proxied.driver_connection
        finally:
            proxied.close()  # back to the pool

    def run_sync(self, work: Callable[[Transaction], T], *, write: bool = False) -> T:
        """Run ``work`` in one transaction: committed if it returns, rolled back if it raises.

        Written out rather than through transaction(): SQLite's reads on the event loop come
        through here, and the context manager would cost each of them ~2.5 µs.
        """
        if self.is_sqlite and not write:
            # A read on SQLite, the requests' hot path: its statements run in autocommit mode,
            # or within an open write batch, so there is no transaction to begin or end.
            try:
                with self._lock:
                    return work(Transaction(self._sqlite(), self))
            except self._driver_errors as exc:
                raise self._failed(exc, writing=False)
        if not self.is_sqlite:
            return self._run_on_postgresql(work, write)
        try:
            with self._connection() as connection:
                if not self._begin(connection, write):
                    return work(Transaction(connection, self))
                try:
                    result = work(Transaction(connection, self))
                    connection.commit()
                    return result
                except BaseException as exc:
                    raise self._rolled_back(connection, exc)
        except self._driver_errors as exc:
            raise self._failed(exc, writing=write)

    def _run_on_postgresql(self, work: Callable[[Transaction], T], write: bool) -> T:
        """run_sync on a pooled PostgreSQL connection, replacing it if it turns out dead.

        A pooled connection dies unseen when PostgreSQL restarts: the request that finds it
        would fail although the server is back. Then every connection of its generation is
        recycled, and the unit runs once more on a new one, if the failure came before the
        COMMIT was sent: until then nothing can have been committed, so running it again is
        safe, for a purchase too. A connection lost during the COMMIT leaves the outcome
        unknown, and the unit is never run again. Checking connections before use instead
        (SQLAlchemy's pre-ping) would cost every unit a round trip to the server.
        """
        for attempt in (1, 2):
            try:
                proxied = self.engine.raw_connection()
            except self._driver_errors as exc:
                raise self._failed(exc, writing=write)
            committing = False
            try:
                # The driver's own connection: psycopg's, which the pool always has open.
                connection: Any = proxied.driver_connection
                # A read runs each statement on its own: no COMMIT, one round trip fewer. Reads
                # of several statements expect no common snapshot (a number released between a
                # page's two reads is simply not listed).
                connection.autocommit = not write
                result = work(Transaction(connection, self))
                if write:
                    committing = True
                    connection.commit()
            except BaseException as exc:
                fault = self._fault_of(exc, writing=write)
                if fault is None:
                    raise self._rolled_back(connection, exc)
                if fault.connection_lost:
                    # This connection and the pool's others as old are reopened at checkout.
                    self.engine.pool._invalidate(proxied, exc)
                    if attempt == 1 and not committing:
                        log.warning("replaced pooled database connections: %s", fault.cause)
                        continue
                else:
                    with contextlib.suppress(*self._driver_errors):
                        connection.rollback()
                self.outage.began(fault)
                raise DatabaseUnavailable(fault, outcome_unknown=committing) from exc
            finally:
                proxied.close()
            if self.outage.fault is not None:
                self.outage.ended(wrote=write)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Transaction]:
        """One transaction for the block: committed if it ends normally, rolled back if it
        raises. For long work outside the server, such as an import; requests use run()."""
        with self._connection() as connection:
            if not self._begin(connection, write):
                yield Transaction(connection, self)
                return
            try:
                yield Transaction(connection, self)
                connection.commit()
            except BaseException as exc:
                raise self._rolled_back(connection, exc)

    def _begin(self, connection: Any, write: bool) -> bool:
        """Begin a transaction on the connection; False if one is open already, which is then
        the caller's to read within."""
        if self.is_sqlite and connection.in_transaction:
            # A read on the event loop while a write batch is open: it reads within the
            # batch's transaction, which is the batch's to end.
            assert not write, "writes on the event loop go through run()"
            return False
        if self.is_sqlite and write:
            # Take the write lock up front: a deferred transaction that later upgrades can
            # deadlock against another process and fail instead of waiting.
            connection.execute("BEGIN IMMEDIATE")
        elif not self.is_sqlite:
            # As in _run_on_postgresql: a read runs each statement on its own.
            connection.autocommit = not write
        return True

    def _rolled_back(self, connection: Any, exc: BaseException) -> BaseException:
        """Roll back after ``exc``; what to raise: DuplicateKey for a unique key violated."""
        connection.rollback()
        if isinstance(exc, self._integrity_error):
            duplicate = DuplicateKey(str(exc))
            duplicate.__cause__ = exc
            return duplicate
        return exc

    def _failed(self, exc: BaseException, *, writing: bool) -> BaseException:
        """What to raise for ``exc``: DatabaseUnavailable if a fault caused it (and the fault is
        recorded), else ``exc`` itself."""
        fault = self._fault_of(exc, writing=writing)
        if fault is None:
            return exc
        self.outage.began(fault)
        unavailable = DatabaseUnavailable(fault)
        unavailable.__cause__ = exc
        return unavailable

    async def run(
        self, work: Callable[[Transaction], T], *, write: bool = False, atomic: bool = True
    ) -> T:
        """Run ``work`` in one transaction, without blocking the event loop on the network.

        On SQLite, writes are committed in groups (see _run_in_batch); this returns only once
        the work is committed. ``atomic=False`` says that the unit's one write is its last
        statement and that it holds no lock: on PostgreSQL its statements then run on their
        own, without BEGIN and COMMIT.
        """
        if not self.is_sqlite:
            return await self._requests.run(work, write, atomic)
        if write:
            return await self._run_in_batch(work)
        return self.run_sync(work)

    async def _run_in_batch(self, work: Callable[[Transaction], T]) -> T:
        """Group commit: the writes that reach the database in one turn of the event loop share
        one transaction, each in a savepoint of its own, and one commit at the end of the turn.

        A commit is the most expensive step of a purchase (the pages of four B-trees appended to
        the log); concurrent purchases share it instead of each paying it. A unit that fails
        rolls back its savepoint alone. Nobody is answered before the commit has happened.
        """
        loop = asyncio.get_running_loop()
        batch = self._batch
        if batch is None or batch.get_loop() is not loop:
            # No batch is open, or another event loop's is (one in another thread): that one
            # holds the lock until its commit, which this waits for.
            self._lock.acquire()
            try:
                connection = self._sqlite()
                connection.execute("BEGIN IMMEDIATE")
            except BaseException as exc:
                self._lock.release()
                raise self._failed(exc, writing=True)
            self._batch = batch = loop.create_future()
            loop.call_soon(self._commit_batch)
        # The batch has opened the connection and holds the lock: going through _connection()
        # (a context manager and a re-entrant lock) again cost ~3 µs a unit.
        connection = self._sqlite_dbapi
        connection.execute("SAVEPOINT unit")
        try:
            result = work(Transaction(connection, self))
        except BaseException as exc:
            if isinstance(exc, self._integrity_error):
                failure: BaseException = DuplicateKey(str(exc))
                failure.__cause__ = exc
            else:
                failure = self._failed(exc, writing=True)
            if connection.in_transaction:
                connection.execute("ROLLBACK TO unit")
                connection.execute("RELEASE unit")
            else:
                # SQLite rolled back the whole transaction (it may, on a full disk or an I/O
                # error), and with it the units before this one: the batch fails. The units
                # after this one in the turn write into a new transaction, rolled back too,
                # lest their savepoints' RELEASE commit them one by one.
                self._batch_lost = failure
                connection.execute("BEGIN")
            raise failure
        connection.execute("RELEASE unit")
        # The commit was queued when the batch opened, and the loop runs callbacks in the order
        # they were queued, so one turn of the loop later it has run. Waiting a turn rather than
        # on asyncio.shield saves a unit ~4 µs; the shield still covers a commit not yet run.
        await asyncio.sleep(0)
        if not batch.done():
            await asyncio.shield(batch)
        batch.result()  # raises what the commit raised
        return result

    def _commit_batch(self) -> None:
        batch, self._batch = self._batch, None
        lost, self._batch_lost = self._batch_lost, None
        assert batch is not None
        connection = self._sqlite()
        try:
            if lost is not None:
                raise lost
            connection.commit()
        except BaseException as exc:
            # SQLite has rolled back already after most failed commits (a full disk): this
            # rollback must not keep the batch's waiters from their answer by failing too.
            with contextlib.suppress(*self._driver_errors):
                connection.rollback()
            batch.set_exception(exc if exc is lost else self._failed(exc, writing=True))
            batch.add_done_callback(lambda done: done.exception())  # reported to its waiters
        else:
            batch.set_result(None)
        finally:
            self._lock.release()

    def _sqlite(self) -> Any:
        """The process's one SQLite connection, opened on first use. Units of work run one at a
        time on the event loop, and the CLI's threads take turns: call with the lock held."""
        if self._sqlite_dbapi is None:
            # Hold the pool's proxy: dropping it would hand the connection back to the pool,
            # and then to someone else, while we still use it.
            self._sqlite_connection = self.engine.raw_connection()
            self._sqlite_dbapi = self._sqlite_connection.driver_connection
        return self._sqlite_dbapi

    async def ping(self) -> None:
        await self.run(lambda tx: tx.one(_PING))

    async def health(self) -> Fault | None:
        """The fault the database has now; None while it serves reads and writes.

        The database is probed first, for what the fault known (if any) stopped: a read, a
        write too if only writes failed, and on SQLite a write and a checkpoint (what a full
        disk stops first). A probe that succeeds ends the fault as a request would: once it
        has settled (faults.SETTLE_SECONDS), since a write can succeed now and then while the
        disk is full.
        """
        known = self.outage.fault
        if self.is_sqlite and known is not None:
            await anyio.to_thread.run_sync(self._probe_sqlite)
            return self.outage.fault
        try:
            await self.ping()
            if known is not None and known.reads_work:
                await self.run(lambda tx: tx.execute(_WRITE_PROBE), write=True)
        except DatabaseUnavailable:
            pass
        return self.outage.fault

    def _probe_sqlite(self, checkpointer: Any = None) -> None:
        """Write one page, then copy the log into the database; end the fault known if both
        succeed, or record what stops them. Runs off the event loop.

        The write is made on the connection requests use, so that it meets what they would;
        the checkpoint on ``checkpointer`` (the checkpoint thread's connection), or one of the
        pool's. A full disk can let both succeed while purchases fail: the write into space the
        log had already, the checkpoint when the log holds no new pages. So a fault of a full
        disk ends only once the disk has room again as well.
        """
        proxied = None
        try:
            # An open write batch holds the lock until its commit: none is open inside.
            with self._lock:
                connection = self._sqlite()
                connection.execute("BEGIN IMMEDIATE")
                try:
                    (version,) = connection.execute("PRAGMA user_version").fetchone()
                    connection.execute(f"PRAGMA user_version = {int(version)}")
                    connection.execute("COMMIT")
                finally:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
            if checkpointer is None:
                proxied = self.engine.raw_connection()
                checkpointer = proxied.driver_connection
            self._checkpoint(checkpointer)
        except self._driver_errors as exc:
            self._checkpoint_failed(exc)
            return
        finally:
            if proxied is not None:
                proxied.close()
        known = self.outage.fault
        if known is None or not known.disk_full or self._disk_has_room():
            self.outage.ended(wrote=True)

    def _disk_has_room(self) -> bool:
        database = self.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return True
        directory = Path(database).expanduser().resolve().parent
        return shutil.disk_usage(directory).free >= _ROOM_AFTER_FULL_DISK

    def start_background_checkpoints(self, interval: float = 0.25) -> None:
        """Move SQLite's write-ahead log into the database file from a thread of its own.

        Left to itself, SQLite checkpoints inside whichever commit crosses 1,000 log pages: about
        every 200 purchases one request would stall the event loop for ~20 ms of copying and
        fsync. A passive checkpoint never blocks writers, and here it waits off the loop.
        """
        if not self.is_sqlite or self._checkpointer is not None:
            return
        self._stop_checkpoints.clear()
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, args=(interval,), name="sqlite-checkpoints", daemon=True
        )
        self._checkpointer.start()

    def _checkpoint_loop(self, interval: float) -> None:
        """Checkpoint every ``interval`` seconds; while a fault is known, probe instead (which
        checkpoints too), so that the fault is seen to end without waiting for a request."""
        connection = None
        try:
            while not self._stop_checkpoints.wait(interval):
                try:
                    if connection is None:
                        connection = self.engine.raw_connection()
                    if self.outage.fault is None:
                        self._checkpoint(connection.driver_connection)
                    else:
                        self._probe_sqlite(connection.driver_connection)
                except self._driver_errors as exc:
                    self._checkpoint_failed(exc)
        finally:
            if connection is not None:
                connection.close()

    def _checkpoint_failed(self, exc: BaseException) -> None:
        """Record a fault, or log what else stopped a checkpoint: once, not every quarter
        second for as long as it lasts."""
        fault = sqlite_fault(exc, writing=True)
        if fault is not None:
            self.outage.began(fault)
        elif str(exc) != self._checkpoint_error:
            log.warning("checkpoint failed: %s", exc)
        self._checkpoint_error = str(exc)

    def _checkpoint(self, connection: Any) -> None:
        """Copy the log into the database, so that the next write starts the log over.

        SQLite writes from the start of the log again only if every frame in it has been copied
        when a write begins. Under steady writes a passive checkpoint never leaves it so (commits
        land while it copies), and the log grew without end: 1 GB after 30 s of purchases. So
        the frames committed during the first pass are copied while this process's writers wait
        for the lock: 6 ms (8 at most) every quarter second under 8,800 purchases a second, and
        the log stays under 20 MB.
        """
        _, logged, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if logged > 0:
            with self._lock:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._stop_checkpoints.set()
            self._checkpointer.join()
            self._checkpointer = None
        if self._sqlite_connection is not None:
            self._sqlite_connection.close()
            self._sqlite_connection = self._sqlite_dbapi = None
        if not self.is_sqlite:
            self._requests.terminate()
        self.engine.dispose()

    async def close(self) -> None:
        """Close the server's PostgreSQL connections, waiting for their units of work; then
        dispose() what is left."""
        if not self.is_sqlite:
            await self._requests.close()
        self.dispose()


def insert_sql(
    dialect: sa.Dialect, table: sa.Table, columns: Sequence[str], markers: Sequence[str]
) -> str:
    """``INSERT INTO table (columns) VALUES (markers)``, names quoted as ``dialect`` quotes."""
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.format_column(table.c[name]) for name in columns)
    return f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({', '.join(markers)})"


_PING: sa.Select[Any] = sa.select(sa.literal_column("1"))
#: A write that changes nothing, for PostgreSQL: a read-only server refuses it, and one that
#: cannot write its log fails it. The row is Alembic's, present in every migrated database.
_WRITE_PROBE = sa.text("UPDATE alembic_version SET version_num = version_num")

# sqlite3 binds a bool or a None only after looking it up among the adapters and then trying
# the value's __conform__, and a purchase binds seven flags and about ten empty settings.
# Registered, the lookup finds them at once; SQLite stores the same 0 or 1, and NULL.
sqlite3.register_adapter(bool, int)
sqlite3.register_adapter(type(None), lambda nothing: nothing)


def _leave_autocommit(dbapi_connection: Any, _record: Any) -> None:
    """Hand a PostgreSQL connection back to the pool in the driver's default mode, which
    SQLAlchemy's own transactions (migrations) expect: reads switch it to autocommit."""
    if (
        dbapi_connection is not None
        and dbapi_connection.autocommit
        and dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    ):
        dbapi_connection.autocommit = False


def _begin_sqlite(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: transactions are begun explicitly by run_sync.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL with synchronous=NORMAL: a committed transaction survives the process being killed
    # (it is in the WAL file); only an OS crash or power loss can take the last few commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Reads through a memory map and a 64 MiB page cache instead of a read() per page.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA cache_size=-65536")
    # Temporary tables (an import's staged batch, a few MB) in memory, not in a file of their own.
    cursor.execute("PRAGMA temp_store=MEMORY")
    # Checkpoints run in the background (Database.start_background_checkpoints) while serving.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()
