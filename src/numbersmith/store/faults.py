"""Faults of the database: it cannot be reached, or it cannot store changes.

A fault is not a bug of ours but a dependency's passing trouble (PostgreSQL restarting, a full
disk), so the store raises DatabaseUnavailable for it, which the edge answers with 503 rather
than 500. The classification is by the driver's error code, never by message: everything else
that goes wrong in SQL (a constraint, a syntax error, a missing table) stays a bug.

The Outage records the fault the database has now, so that /healthz can tell it and the log has
one warning when it begins and one when it ends instead of a traceback per request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass

import asyncpg
import psycopg
import sqlalchemy as sa

log = logging.getLogger("numbersmith")

#: A fault ends at the first success at least this long after its last failure. At its edges a
#: fault comes and goes (a PostgreSQL shutting down still finishes the statements under way
#: while refusing connections): without this, the log told of several faults instead of one.
SETTLE_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Fault:
    """What is wrong with the database, as an operator needs to read it."""

    #: The driver's own words, with its code: ``SQLITE_FULL: database or disk is full``.
    cause: str
    #: Only changes fail (a full disk, a read-only database); reads are answered.
    reads_work: bool
    #: The connection itself failed (refused, closed, terminated by the server): it is dead,
    #: and the pool's other connections of its generation probably are too.
    connection_lost: bool = False
    #: The disk (or SQLite's own page limit) has no room for what was to be written.
    disk_full: bool = False


class DatabaseUnavailable(Exception):
    """The database could not do a unit of work because of a fault; nothing was changed,
    unless ``outcome_unknown`` (the connection was lost during the commit)."""

    def __init__(self, fault: Fault, *, outcome_unknown: bool = False) -> None:
        super().__init__(fault.cause)
        self.fault = fault
        self.outcome_unknown = outcome_unknown


# SQLite's primary result codes (the low byte of an extended code) that mean the file cannot
# be read or written now, rather than that a statement is wrong.
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_PROTOCOL = 15
_SQLITE_NOTADB = 26
#: Faults after which the file can still be read.
_SQLITE_WRITE_FAULTS = {_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL}
_SQLITE_READ_FAULTS = {_SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_PROTOCOL, _SQLITE_NOTADB}

# PostgreSQL's SQLSTATE classes of the same: connection exceptions, operator intervention
# (shutdown, restart), insufficient resources, system errors (I/O).
_POSTGRES_CONNECTION_CLASSES = ("08", "57P")
_POSTGRES_WRITE_FAULTS = {"53100", "25006", "58030"}  # disk full, read-only, I/O error
_POSTGRES_FAULT_CLASSES = ("08", "57P", "53", "58")


def sqlite_fault(error: BaseException, *, writing: bool) -> Fault | None:
    """The fault behind a SQLite error, or None if it is not one."""
    if isinstance(error, sa.exc.DBAPIError) and error.orig is not None:
        error = error.orig  # raised by the pool, opening the connection
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in _SQLITE_WRITE_FAULTS:
        # A write that failed leaves reads working; a read that failed says they do not.
        reads_work = writing
    elif primary in _SQLITE_READ_FAULTS:
        reads_work = False
    else:
        return None
    cause = f"{error.sqlite_errorname}: {error}"  # type: ignore[attr-defined]
    return Fault(cause, reads_work=reads_work, disk_full=primary == _SQLITE_FULL)


def postgres_fault(error: BaseException, *, writing: bool) -> Fault | None:
    """The fault behind a PostgreSQL error (the driver's, or SQLAlchemy's wrapping of one when
    the pool connects), or None if it is not one."""
    if isinstance(error, sa.exc.DBAPIError) and error.orig is not None:
        error = error.orig
    if not isinstance(error, psycopg.Error):
        return None
    state = error.sqlstate
    if state is None:
        # Raised by the driver itself: the connection was refused, lost or already closed.
        if not isinstance(error, psycopg.OperationalError):
            return None
        return Fault(_first_line(error), reads_work=False, connection_lost=True)
    return _postgres_state_fault(state, error, writing=writing)


def _postgres_state_fault(state: str, error: BaseException, *, writing: bool) -> Fault | None:
    """The fault PostgreSQL's SQLSTATE ``state`` tells of, or None if it is not one."""
    cause = f"{state} {type(error).__name__}: {_first_line(error)}"
    if state.startswith(_POSTGRES_CONNECTION_CLASSES):
        return Fault(cause, reads_work=False, connection_lost=True)
    if state in _POSTGRES_WRITE_FAULTS:
        return Fault(cause, reads_work=writing, disk_full=state == "53100")
    if state.startswith(_POSTGRES_FAULT_CLASSES):
        return Fault(cause, reads_work=False)
    return None


def asyncpg_fault(error: BaseException, *, writing: bool) -> Fault | None:
    """The fault behind an error of asyncpg (the server's requests' driver), or None."""
    if isinstance(error, asyncpg.PostgresError):
        return _postgres_state_fault(error.sqlstate, error, writing=writing)
    if isinstance(error, (OSError, asyncio.TimeoutError)):
        # Connecting was refused or timed out, or the socket failed under a statement.
        return Fault(_first_line(error), reads_work=False, connection_lost=True)
    if isinstance(error, asyncpg.InternalClientError) or (
        isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error)
    ):
        # asyncpg's words, without a code, for a connection that cannot take a statement: it
        # is closed, or the server's notice that it is shutting down arrived while it was idle
        # and left its protocol mid-way ("another operation is in progress"). Nothing was sent.
        return Fault(_first_line(error), reads_work=False, connection_lost=True)
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Outage:
    """The database's current fault, if any; logs a warning when one begins and when it ends.

    Written by the event loop, the command line's threads and SQLite's checkpoint thread, so
    changes take a lock; reading ``fault`` does not need it.
    """

    def __init__(self) -> None:
        self.fault: Fault | None = None
        self._since = 0.0
        self._last_failure = 0.0
        self._lock = threading.Lock()

    def began(self, fault: Fault) -> None:
        """A unit of work, a probe or a checkpoint failed because of ``fault``.

        While a fault lasts, what later failures add to it is kept (reads failing too, a full
        disk), under the cause of the failure that added it.
        """
        with self._lock:
            self._last_failure = time.monotonic()
            current = self.fault
            if current is not None:
                fault = Fault(
                    fault.cause,
                    reads_work=current.reads_work and fault.reads_work,
                    connection_lost=current.connection_lost or fault.connection_lost,
                    disk_full=current.disk_full or fault.disk_full,
                )
                if (fault.reads_work, fault.disk_full) == (current.reads_work, current.disk_full):
                    return  # nothing new
            else:
                self._since = self._last_failure
            self.fault = fault
        reads = "reads still work" if fault.reads_work else "reads fail too"
        event = "began" if current is None else "changed"
        log.warning("database fault %s (%s): %s", event, reads, fault.cause)

    def ended(self, *, wrote: bool) -> None:
        """A unit of work succeeded: a read ends a fault that stopped reads, a write any fault,
        once the fault has settled (SETTLE_SECONDS).

        Only called while ``fault`` is set, so the success path pays one attribute test.
        """
        with self._lock:
            fault = self.fault
            if fault is None or (fault.reads_work and not wrote):
                return
            now = time.monotonic()
            if now - self._last_failure < SETTLE_SECONDS:
                return
            self.fault = None
            lasted = now - self._since
        log.warning("database fault ended after %.1f s: %s", lasted, fault.cause)
