"""PostgreSQL for the server's requests: asyncpg, on the event loop.

A unit of work is a plain function of a Transaction, written once for both back ends (see
database.py). On PostgreSQL the server runs it in a greenlet on the event loop, as SQLAlchemy's
asyncio engine does: each statement awaits asyncpg there while the function reads as if it
blocked. The command line, migrations and imports keep psycopg in their own threads; only
requests come this way.

Why not psycopg in worker threads, as before: the thread hop, SQLAlchemy's pool and psycopg
cost the server 0.24 ms of CPU for a fetch's one indexed read, where SQLite's whole fetch costs
0.036 ms. Here the same read costs about 40 µs: asyncpg's protocol is written in Cython and it
prepares each statement once per connection, then binds and runs it in one round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import asyncpg
import sqlalchemy as sa
from greenlet import GreenletExit, getcurrent, greenlet
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.sql.elements import ClauseElement

from numbersmith.store.database import DuplicateKey, Row, Transaction, insert_sql
from numbersmith.store.faults import DatabaseUnavailable, asyncpg_fault

if TYPE_CHECKING:
    from numbersmith.store.database import Database

T = TypeVar("T")
log = logging.getLogger("numbersmith")

#: Connections in the pool: enough for the requests that wait on the database at once, few
#: enough that several server processes stay within PostgreSQL's max_connections (100).
POOL_SIZE = 16
#: Statements prepared per connection. The server uses a few dozen; the page and search
#: queries come in one variant per combination of filters.
_PREPARED_PER_CONNECTION = 1024


class Statement(NamedTuple):
    """A statement compiled for asyncpg: its SQL (``$1``, ``$2``…), the names of its
    parameters in that order, and the values of those it fixes itself (a literal LIMIT)."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]
    #: An INSERT, UPDATE or DELETE (perhaps read through RETURNING).
    writes: bool

    def arguments(self, params: dict[str, Any]) -> list[Any]:
        fixed = self.fixed
        return [params[name] if name in params else fixed[name] for name in self.names]


class Statements:
    """Statements compiled once for asyncpg's dialect, which binds by position."""

    def __init__(self) -> None:
        self._dialect = PGDialect_asyncpg(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]
        self._compiled: dict[ClauseElement, Statement] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], str] = {}

    def __getitem__(self, statement: ClauseElement) -> Statement:
        try:
            return self._compiled[statement]
        except KeyError:
            compiled = statement.compile(dialect=self._dialect)
            params = compiled.params or {}
            fixed = {name: value for name, value in params.items() if value is not None}
            names = tuple(compiled.positiontup or ())  # type: ignore[attr-defined]  # SQLCompiler's
            self._compiled[statement] = Statement(
                str(compiled), names, fixed, writes=bool(getattr(statement, "is_dml", False))
            )
            return self._compiled[statement]

    def insert(self, table: sa.Table, columns: tuple[str, ...]) -> str:
        """An INSERT of one row of ``columns``, its values bound by position."""
        key = (table.name, columns)
        try:
            return self._inserts[key]
        except KeyError:
            markers = [f"${position}" for position in range(1, len(columns) + 1)]
            sql = insert_sql(self._dialect, table, columns, markers)
            self._inserts[key] = sql
            return sql


def _touched(status: str) -> int:
    """The rows a command touched, from its status: ``UPDATE 3``, ``INSERT 0 1``."""
    count = status.rpartition(" ")[2]
    return int(count) if count.isdigit() else 0


class RequestPool:
    """asyncpg's pool for one event loop, and the units of work run on it."""

    def __init__(self, database: Database, url: sa.URL, connect_timeout: float) -> None:
        self._database = database
        # asyncpg takes libpq's URL, without SQLAlchemy's driver suffix, and would pass a
        # connect_timeout on to the server as a setting, which it refuses: it is given apart.
        dsn = url.set(drivername="postgresql").difference_update_query(["connect_timeout"])
        self._dsn = dsn.render_as_string(hide_password=False)
        self._connect_timeout = connect_timeout
        self.statements = Statements()
        # One pool per event loop, as asyncpg's connections belong to the loop that opened
        # them: the server has one, tests and the command line may run several in turn.
        self._pools: dict[asyncio.AbstractEventLoop, asyncpg.Pool] = {}
        self._kept: dict[asyncio.AbstractEventLoop, _Kept] = {}
        self._opening: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._integrity_error = asyncpg.IntegrityConstraintViolationError

    async def _open(self, loop: asyncio.AbstractEventLoop) -> asyncpg.Pool:
        """The running loop's pool, opened on first use: a server started while PostgreSQL
        is down answers 503 until it is up."""
        for gone in [other for other in self._pools if other.is_closed()]:
            self._opening.pop(gone, None)
            self._kept.pop(gone, None)
            with contextlib.suppress(Exception):
                self._pools.pop(gone).terminate()
        async with self._opening.setdefault(loop, asyncio.Lock()):
            if loop not in self._pools:
                self._pools[loop] = await asyncpg.create_pool(
                    self._dsn,
                    min_size=0,
                    max_size=POOL_SIZE,
                    timeout=self._connect_timeout,
                    statement_cache_size=_PREPARED_PER_CONNECTION,
                    reset=_roll_back_if_open,
                    # Idle connections stay open: closing them after a while costs every unit
                    # a timer set and cancelled, 5 of the pool's 20 µs a unit.
                    max_inactive_connection_lifetime=0,
                )
                self._kept[loop] = _Kept()
        return self._pools[loop]

    async def run(self, work: Callable[[Any], T], write: bool, atomic: bool) -> T:
        """Run ``work`` in one transaction (a write) or statement by statement (a read, or a
        write that is not ``atomic``: see Database.run).

        A pooled connection dies unseen when PostgreSQL restarts: the request that finds it
        would fail although the server is back. Then every connection of the pool is replaced,
        and the unit runs once more on a new one, if the failure came before the COMMIT was
        sent: until then nothing can have been committed, so running it again is safe, for a
        purchase too. A connection lost during the COMMIT leaves the outcome unknown, and the
        unit is never run again.
        """
        loop = asyncio.get_running_loop()
        try:
            pool = self._pools.get(loop) or await self._open(loop)
        except Exception as exc:
            raise self._unavailable(exc, write) from exc
        kept = self._kept[loop]
        # At most POOL_SIZE units hold a connection, kept or from the pool: the pool then never
        # makes one wait for a connection that sits among the kept.
        await kept.slots.acquire()
        try:
            return await self._run_holding(pool, kept, work, write, atomic)
        finally:
            kept.slots.release()

    async def _run_holding(
        self, pool: asyncpg.Pool, kept: _Kept, work: Callable[[Any], T], write: bool, atomic: bool
    ) -> T:
        database = self._database
        transaction = write and atomic
        for attempt in (1, 2):
            committing = False
            try:
                connection = kept.take() or await pool.acquire()
            except Exception as exc:
                raise self._unavailable(exc, write) from exc
            tx = RequestTransaction(connection, database)
            try:
                if transaction:
                    await connection.execute("BEGIN")
                # A read runs each statement on its own: no BEGIN or COMMIT, two round trips
                # fewer. Reads of several statements expect no common snapshot (a number
                # released between a page's two reads is simply not listed).
                result = await _in_greenlet(work, tx)
                if transaction:
                    committing = True
                    await connection.execute("COMMIT")
            except BaseException as exc:
                fault = asyncpg_fault(exc, writing=write)
                if fault is not None and fault.connection_lost:
                    # Not reset for reuse: its protocol may be stuck mid-way. asyncpg has
                    # closed it already if the server did.
                    with contextlib.suppress(asyncpg.InterfaceError):
                        connection.terminate()
                # Back to the pool, which rolls back what the unit left open, or replaces the
                # connection if it broke.
                with contextlib.suppress(Exception):
                    await pool.release(connection)
                if fault is None:
                    if isinstance(exc, self._integrity_error):
                        raise DuplicateKey(str(exc)) from exc
                    raise
                if tx.wrote and not transaction:
                    # A write sent on its own commits on its own: if the connection was lost
                    # after it was sent, it may have.
                    committing = fault.connection_lost
                if fault.connection_lost:
                    await self._replace_connections(pool, kept)
                    if attempt == 1 and not committing:
                        log.warning("replaced pooled database connections: %s", fault.cause)
                        continue
                database.outage.began(fault)
                raise DatabaseUnavailable(fault, outcome_unknown=committing) from exc
            if kept.closed or connection.is_in_transaction():
                await pool.release(connection)
            else:
                kept.idle.append(connection)
            if database.outage.fault is not None:
                database.outage.ended(wrote=write)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _replace_connections(self, pool: asyncpg.Pool, kept: _Kept) -> None:
        """Have every connection replaced before its next use: the pool's on their next
        acquire, the kept ones by handing them back to it now."""
        await pool.expire_connections()
        await kept.hand_back(pool)

    def _unavailable(self, exc: BaseException, writing: bool) -> BaseException:
        fault = asyncpg_fault(exc, writing=writing)
        if fault is None:
            return exc
        self._database.outage.began(fault)
        return DatabaseUnavailable(fault)

    async def close(self) -> None:
        """Close the running loop's pool, letting its units of work finish; terminate the rest."""
        loop = asyncio.get_running_loop()
        pool = self._pools.pop(loop, None)
        kept = self._kept.pop(loop, None)
        if pool is not None:
            # The pool's close waits for every connection to come back: the kept ones, and
            # those of units still running, which keep none from now on.
            if kept is not None:
                kept.closed = True
                await kept.hand_back(pool)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pool.close(), self._connect_timeout)
        self.terminate()

    def terminate(self) -> None:
        """Close every pool's connections at once, from any thread (their loops may be gone)."""
        pools, self._pools = self._pools, {}
        self._opening.clear()
        self._kept.clear()
        for pool in pools.values():
            with contextlib.suppress(Exception):
                pool.terminate()


class _Kept:
    """One event loop's connections kept out of asyncpg's pool between units of work.

    A unit that ends cleanly leaves its connection here for the next, rather than releasing it
    to the pool: asyncpg releases through a shielded task and two more turns of the event loop.
    Kept, a fetch cost the server 0.091 ms of CPU; released, 0.114 (bench/run.py, two runs on
    one machine). The pool still opens, resets, expires and replaces connections; a unit
    that fails gives its connection back to it, and the kept ones go back when the pool's
    connections are replaced or closed.
    """

    __slots__ = ("closed", "idle", "slots")

    def __init__(self) -> None:
        self.idle: list[Any] = []
        self.slots = asyncio.Semaphore(POOL_SIZE)
        self.closed = False

    def take(self) -> Any:
        """A kept connection that is still open, if there is one."""
        idle = self.idle
        while idle:
            connection = idle.pop()
            try:
                if not connection.is_closed():
                    return connection
            except asyncpg.InterfaceError:
                pass  # closed while kept: asyncpg has taken it back into the pool
        return None

    async def hand_back(self, pool: asyncpg.Pool) -> None:
        """Release every kept connection to ``pool``, which closes those it has expired."""
        idle, self.idle = self.idle, []
        for connection in idle:
            with contextlib.suppress(Exception):
                await pool.release(connection)


class _Finished:
    """What a unit of work came to, handed back by its greenlet."""

    __slots__ = ("error", "result")

    def __init__(self, result: Any, error: BaseException | None) -> None:
        self.result = result
        self.error = error


class _Runner(greenlet):  # type: ignore[misc]  # greenlet's stubs type the class loosely
    """A greenlet that runs units of work one after the other.

    Kept and reused: starting a greenlet costs 8 µs here (SQLAlchemy's ``greenlet_spawn`` starts
    one per call), switching into one that waits costs 0.5; a fetch's whole unit of work on
    PostgreSQL costs 50.
    """

    def __init__(self) -> None:
        super().__init__(self._serve)

    def _serve(self, work: Callable[[Any], Any], tx: Any) -> None:
        while True:
            try:
                finished = _Finished(work(tx), None)
            except GreenletExit:
                raise  # the runner itself is being collected
            except BaseException as exc:
                finished = _Finished(None, exc)
            work, tx = self.parent.switch(finished)


#: Runners waiting for a unit, by thread: a greenlet runs only in the thread that made it.
_idle = threading.local()


async def _in_greenlet(work: Callable[[Any], T], tx: Any) -> T:
    """Run ``work(tx)`` in a runner; each coroutine it hands to _wait is awaited here."""
    idle: list[_Runner] = _idle.__dict__.setdefault("runners", [])
    runner = idle.pop() if idle else _Runner()
    step = runner.switch(work, tx)
    while step.__class__ is not _Finished:
        try:
            sent = await step
        except BaseException as exc:
            step = runner.throw(exc)
        else:
            step = runner.switch(sent)
    idle.append(runner)
    if step.error is not None:
        raise step.error
    result: T = step.result
    return result


def _wait(awaitable: Any) -> Any:
    """Await ``awaitable`` from a unit of work: its runner's parent, the event loop's own
    greenlet, awaits it and switches back with what it gave."""
    return getcurrent().parent.switch(awaitable)


async def _roll_back_if_open(connection: asyncpg.Connection) -> None:
    """What a connection needs before its next unit: only a transaction left open by a unit
    that failed. asyncpg's default reset also drops advisory locks, cursors, LISTENs and
    session settings, none of which the server uses, and costs every unit a round trip."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class RequestTransaction(Transaction):
    """The statements of one unit of work, run through asyncpg from the unit's greenlet."""

    __slots__ = ("wrote",)

    def __init__(self, connection: Any, database: Database) -> None:
        super().__init__(connection, database)
        #: Whether a statement that writes has been sent.
        self.wrote = False

    def _bound(self, statement: ClauseElement, params: dict[str, Any]) -> tuple[str, list[Any]]:
        compiled = self._database.request_statements[statement]
        if compiled.writes:
            self.wrote = True
        return compiled.sql, compiled.arguments(params)

    def one(self, statement: ClauseElement, **params: Any) -> Row | None:
        sql, arguments = self._bound(statement, params)
        record = _wait(self._connection.fetchrow(sql, *arguments))
        return tuple(record) if record is not None else None

    def all(self, statement: ClauseElement, **params: Any) -> Sequence[Row]:
        sql, arguments = self._bound(statement, params)
        return [tuple(record) for record in _wait(self._connection.fetch(sql, *arguments))]

    def execute(self, statement: ClauseElement, **params: Any) -> int:
        sql, arguments = self._bound(statement, params)
        status: str = _wait(self._connection.execute(sql, *arguments))
        return _touched(status)

    def execute_many(self, statement: ClauseElement, rows: Sequence[dict[str, Any]]) -> int:
        compiled = self._database.request_statements[statement]
        self.wrote = True
        _wait(self._connection.executemany(compiled.sql, [compiled.arguments(row) for row in rows]))
        return len(rows)  # asyncpg does not count them; every caller's rows each touch one

    def load(self, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.wrote = True
            columns = [column.name for column in table.columns]
            _wait(
                self._connection.copy_records_to_table(
                    table.name, records=[tuple(row) for row in rows], columns=columns
                )
            )

    def insert(self, table: sa.Table, columns: tuple[str, ...], row: Sequence[Any]) -> None:
        sql = self._database.request_statements.insert(table, columns)
        self.wrote = True
        _wait(self._connection.execute(sql, *row))
