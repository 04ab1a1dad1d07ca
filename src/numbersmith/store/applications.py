"""Queries on applications, and on the numbers that name them."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from numbersmith.provisioning.model import APPLICATION_CONFIGURATION, Application
from numbersmith.store.database import Transaction
from numbersmith.store.schema import applications as t
from numbersmith.store.schema import incoming_phone_numbers as numbers

_COLUMNS = [t.c[field.name] for field in dataclasses.fields(Application)]
_INSERTED = tuple(column.name for column in _COLUMNS if column.name != "id")

_BY_SID = sa.select(*_COLUMNS).where(
    t.c.sid == sa.bindparam("sid"), t.c.project_id == sa.bindparam("project_id")
)
# An application being changed or deleted is locked for the whole unit of work; one that a
# number is about to name is share-locked, so that it cannot be deleted until the number is
# saved (PostgreSQL; SQLite writers are serial). Both lock the application before any number,
# so the two never wait on each other in a circle.
_BY_SID_FOR_UPDATE = _BY_SID.with_for_update()
_EXISTS_FOR_SHARE = (
    sa.select(t.c.id)
    .where(t.c.sid == sa.bindparam("sid"), t.c.project_id == sa.bindparam("project_id"))
    .with_for_update(read=True)
)
_UPDATE = (
    t.update()
    .where(t.c.id == sa.bindparam("row_id"))
    .values({name: sa.bindparam(name) for name in (*APPLICATION_CONFIGURATION, "date_updated")})
)
_DELETE = t.delete().where(t.c.id == sa.bindparam("row_id"))
_SID_TAKEN = sa.select(t.c.id).where(t.c.sid == sa.bindparam("sid"))
_NAMED = (
    sa.select(*_COLUMNS)
    .where(t.c.project_id == sa.bindparam("project_id"), t.c.friendly_name == sa.bindparam("name"))
    .order_by(t.c.id)
    .limit(1)
    .with_for_update()
)


def _naming(column: sa.Column[Any]) -> sa.Case[Any]:
    """The column, cleared where it names the application being deleted."""
    return sa.case((column == sa.bindparam("sid"), sa.null()), else_=column)


# One statement for both settings. Each number's date_updated moves strictly forward, as an
# update's does, so the rendering of its old version is never served again. Not indexed: it
# reads the project's numbers, and deleting an application is rare next to buying numbers.
_FORGET = (
    numbers.update()
    .where(
        numbers.c.project_id == sa.bindparam("project_id"),
        sa.or_(
            numbers.c.voice_application_sid == sa.bindparam("sid"),
            numbers.c.sms_application_sid == sa.bindparam("sid"),
        ),
    )
    .values(
        voice_application_sid=_naming(numbers.c.voice_application_sid),
        sms_application_sid=_naming(numbers.c.sms_application_sid),
        date_updated=sa.case(
            (numbers.c.date_updated < sa.bindparam("now"), sa.bindparam("now")),
            else_=numbers.c.date_updated + 1,
        ),
    )
)


_LOOKUP = [column.name for column in _COLUMNS].index("voice_caller_id_lookup")


def _application(row: Sequence[Any]) -> Application:
    values = list(row)
    values[_LOOKUP] = bool(values[_LOOKUP])  # SQLite gives booleans back as 0 and 1
    return Application(*values)


def insert(tx: Transaction, application: Application) -> None:
    tx.insert(t, _INSERTED, [getattr(application, name) for name in _INSERTED])


def get(
    tx: Transaction, project_id: str, sid: str, *, for_update: bool = False
) -> Application | None:
    row = tx.one(_BY_SID_FOR_UPDATE if for_update else _BY_SID, sid=sid, project_id=project_id)
    return _application(row) if row else None


def sid_taken(tx: Transaction, sid: str) -> bool:
    """Whether any project has an application ``sid``."""
    return tx.one(_SID_TAKEN, sid=sid) is not None


def named(tx: Transaction, project_id: str, name: str) -> Application | None:
    """The project's oldest application named ``name``, locked for a change, if any."""
    row = tx.one(_NAMED, project_id=project_id, name=name)
    return _application(row) if row else None


def hold(tx: Transaction, project_id: str, sid: str) -> bool:
    """Whether the project has the application; if so it cannot be deleted until ``tx`` ends."""
    return tx.one(_EXISTS_FOR_SHARE, sid=sid, project_id=project_id) is not None


def save_settings(tx: Transaction, application: Application) -> None:
    values = {name: getattr(application, name) for name in APPLICATION_CONFIGURATION}
    tx.execute(_UPDATE, row_id=application.id, date_updated=application.date_updated, **values)


def delete(tx: Transaction, application: Application) -> None:
    tx.execute(_DELETE, row_id=application.id)


def forget(tx: Transaction, project_id: str, sid: str, now: int) -> int:
    """Clear ``sid`` from the project's numbers that name it, for calls or for messages; return
    how many numbers changed."""
    return tx.execute(_FORGET, project_id=project_id, sid=sid, now=now)


@functools.cache
def _page_statement(by_name: bool, direction: str | None) -> sa.Select[Any]:
    """A page's query: ``direction`` is None (first page), "after" or "before"."""
    statement = sa.select(*_COLUMNS).where(t.c.project_id == sa.bindparam("project_id"))
    if by_name:
        statement = statement.where(t.c.friendly_name == sa.bindparam("friendly_name"))
    if direction == "before":  # towards newer applications, for the previous page
        statement = statement.where(t.c.id > sa.bindparam("cursor")).order_by(t.c.id.asc())
    else:
        if direction == "after":
            statement = statement.where(t.c.id < sa.bindparam("cursor"))
        statement = statement.order_by(t.c.id.desc())
    return statement.limit(sa.bindparam("limit"))


def page(
    tx: Transaction,
    project_id: str,
    friendly_name: str | None,
    *,
    limit: int,
    after: int | None = None,
    before: int | None = None,
) -> list[Application]:
    """Up to ``limit`` applications, newest first, older than ``after`` or newer than
    ``before`` (row ids), with exactly ``friendly_name`` if given."""
    direction = "after" if after is not None else "before" if before is not None else None
    params: dict[str, object] = {"project_id": project_id, "limit": limit}
    if friendly_name is not None:
        params["friendly_name"] = friendly_name
    if direction:
        params["cursor"] = after if after is not None else before
    rows = tx.all(_page_statement(friendly_name is not None, direction), **params)
    found = [_application(row) for row in rows]
    if direction == "before":
        found.reverse()
    return found
