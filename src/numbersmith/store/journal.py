"""Queries on the journal of simulated traffic: exchanges and the webhook deliveries made for
them. Records are JSON documents written once; the store neither reads nor changes their
contents."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from numbersmith.store.database import Transaction
from numbersmith.store.schema import deliveries, exchanges

_EXCHANGE_COLUMNS = ("sid", "project_id", "kind", "phone_number", "record", "date_created")
_DELIVERY_COLUMNS = ("project_id", "exchange_sid", "phone_number", "record", "date_created")

_EXCHANGE = sa.select(exchanges.c.kind, exchanges.c.record).where(
    exchanges.c.sid == sa.bindparam("sid"), exchanges.c.project_id == sa.bindparam("project_id")
)
_DELIVERIES_OF = (
    sa.select(deliveries.c.record)
    .where(deliveries.c.exchange_sid == sa.bindparam("exchange_sid"))
    .order_by(deliveries.c.id)
)
_PRUNE_EXCHANGES = exchanges.delete().where(exchanges.c.date_created < sa.bindparam("before"))
_PRUNE_DELIVERIES = deliveries.delete().where(deliveries.c.date_created < sa.bindparam("before"))
_WIPE_EXCHANGES = exchanges.delete().where(exchanges.c.project_id == sa.bindparam("project_id"))
_WIPE_DELIVERIES = deliveries.delete().where(deliveries.c.project_id == sa.bindparam("project_id"))


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    phone_number: str | None = None
    exchange_sid: str | None = None


def insert_exchange(
    tx: Transaction,
    *,
    sid: str,
    project_id: str,
    kind: str,
    phone_number: str,
    record: str,
    delivery_records: Sequence[str],
    now: int,
) -> None:
    """Journal an exchange and, in order, the deliveries made for it."""
    tx.insert(exchanges, _EXCHANGE_COLUMNS, (sid, project_id, kind, phone_number, record, now))
    for delivery in delivery_records:
        tx.insert(deliveries, _DELIVERY_COLUMNS, (project_id, sid, phone_number, delivery, now))


def get_exchange(tx: Transaction, project_id: str, sid: str) -> tuple[str, str, list[str]] | None:
    """(kind, record, delivery records in the order made) of the project's exchange, if any."""
    row = tx.one(_EXCHANGE, sid=sid, project_id=project_id)
    if row is None:
        return None
    return row[0], row[1], [found[0] for found in tx.all(_DELIVERIES_OF, exchange_sid=sid)]


@functools.cache
def _page_statement(by_number: bool, by_exchange: bool, direction: str | None) -> sa.Select[Any]:
    statement = sa.select(deliveries.c.id, deliveries.c.record).where(
        deliveries.c.project_id == sa.bindparam("project_id")
    )
    if by_number:
        statement = statement.where(deliveries.c.phone_number == sa.bindparam("phone_number"))
    if by_exchange:
        statement = statement.where(deliveries.c.exchange_sid == sa.bindparam("exchange_sid"))
    if direction == "before":  # newer rows, read oldest first then reversed
        return (
            statement.where(deliveries.c.id > sa.bindparam("cursor"))
            .order_by(deliveries.c.id)
            .limit(sa.bindparam("limit"))
        )
    if direction == "after":
        statement = statement.where(deliveries.c.id < sa.bindparam("cursor"))
    return statement.order_by(deliveries.c.id.desc()).limit(sa.bindparam("limit"))


def page_deliveries(
    tx: Transaction,
    project_id: str,
    filters: DeliveryFilter,
    *,
    limit: int,
    after: int | None = None,
    before: int | None = None,
) -> list[tuple[int, str]]:
    """Up to ``limit`` (id, record) pairs, newest first, older than ``after`` or newer than
    ``before``."""
    direction = "after" if after is not None else "before" if before is not None else None
    params: dict[str, object] = {"project_id": project_id, "limit": limit}
    if filters.phone_number is not None:
        params["phone_number"] = filters.phone_number
    if filters.exchange_sid is not None:
        params["exchange_sid"] = filters.exchange_sid
    if direction is not None:
        params["cursor"] = after if after is not None else before
    statement = _page_statement(
        filters.phone_number is not None, filters.exchange_sid is not None, direction
    )
    rows = [(row[0], row[1]) for row in tx.all(statement, **params)]
    if direction == "before":
        rows.reverse()
    return rows


def prune(tx: Transaction, before: int) -> int:
    """Forget exchanges and deliveries journalled before ``before``; the number of exchanges."""
    tx.execute(_PRUNE_DELIVERIES, before=before)
    return tx.execute(_PRUNE_EXCHANGES, before=before)


def wipe_project(tx: Transaction, project_id: str) -> int:
    """Forget the project's whole journal; the number of exchanges it held."""
    tx.execute(_WIPE_DELIVERIES, project_id=project_id)
    return tx.execute(_WIPE_EXCHANGES, project_id=project_id)
