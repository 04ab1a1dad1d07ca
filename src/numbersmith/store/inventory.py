"""Queries on the operator's inventory of numbers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from numbersmith.numbering import TOLL_FREE_AREA_CODES
from numbersmith.store.database import Transaction
from numbersmith.store.schema import INVENTORY_FREE
from numbersmith.store.schema import inventory_numbers as t

#: Largest pick key; picks are uniform in [0, PICK_RANGE).
PICK_RANGE = 2**31 - 1

_DETAIL_COLUMNS = (
    t.c.phone_number,
    t.c.iso_country,
    t.c.origin,
    t.c.region,
    t.c.locality,
    t.c.rate_center,
    t.c.lata,
    t.c.capability_voice,
    t.c.capability_sms,
    t.c.capability_mms,
    t.c.capability_fax,
)


@dataclass(slots=True)  # not frozen: a search builds fifty, and frozen ones cost far more to build
class InventoryNumber:
    """What the operator told us about one of their numbers."""

    phone_number: str
    iso_country: str
    origin: str
    region: str | None
    locality: str | None
    rate_center: str | None
    lata: str | None
    capability_voice: bool
    capability_sms: bool
    capability_mms: bool
    capability_fax: bool


def _free_in_area_code(from_pick: bool) -> sa.Select:
    statement = sa.select(t.c.phone_number).where(
        t.c.area_code == sa.bindparam("area_code"), INVENTORY_FREE
    )
    if from_pick:
        statement = statement.where(t.c.pick >= sa.bindparam("pick"))
    # On PostgreSQL, buyers skip rows another buyer is taking instead of queueing behind them.
    return statement.order_by(t.c.pick).limit(1).with_for_update(skip_locked=True)


_FREE_FROM_PICK = _free_in_area_code(True)
_FREE_FROM_START = _free_in_area_code(False)
_TAKE = (
    t.update()
    .where(t.c.phone_number == sa.bindparam("number"), INVENTORY_FREE)
    .values(owned=sa.true())
)
_GIVE_BACK = t.update().where(t.c.phone_number == sa.bindparam("number")).values(owned=sa.false())
_DETAILS = sa.select(*_DETAIL_COLUMNS).where(t.c.phone_number == sa.bindparam("number"))


def take_free(tx: Transaction, area_code: str, pick: int) -> InventoryNumber | None:
    """Mark the free number of ``area_code`` at or after ``pick`` (wrapping) owned; return it."""
    row = tx.one(_FREE_FROM_PICK, area_code=area_code, pick=pick) or tx.one(
        _FREE_FROM_START, area_code=area_code
    )
    if row is None:
        return None
    return take(tx, row[0])


def take(tx: Transaction, phone_number: str) -> InventoryNumber | None:
    """Mark ``phone_number`` owned if it is in the inventory and free; return its details."""
    if tx.execute(_TAKE, number=phone_number) == 0:
        return None
    row = tx.one(_DETAILS, number=phone_number)
    return InventoryNumber(*row) if row else None


def give_back(tx: Transaction, phone_number: str) -> None:
    """The number is free again (nothing happens if it is not in the inventory)."""
    tx.execute(_GIVE_BACK, number=phone_number)


def _insert_ignoring_existing(dialect_name: str) -> Any:
    insert = postgresql.insert(t) if dialect_name == "postgresql" else sqlite.insert(t)
    return insert.values({c.name: sa.bindparam(c.name) for c in t.columns}).on_conflict_do_nothing(
        index_elements=[t.c.phone_number]
    )


_ADD = {name: _insert_ignoring_existing(name) for name in ("sqlite", "postgresql")}


def add(tx: Transaction, rows: Sequence[dict[str, Any]]) -> int:
    """Add rows (every column of inventory_numbers); numbers already there are left as they
    are. Returns how many were added."""
    return tx.execute_many(_ADD[tx.dialect_name], rows) if rows else 0


def _stats_statement(by_area_code: bool) -> sa.Select:
    owned = sa.func.sum(sa.case((t.c.owned, 1), else_=0))
    columns = [sa.func.count(), owned]
    if by_area_code:
        return sa.select(t.c.area_code, *columns).group_by(t.c.area_code).order_by(t.c.area_code)
    return sa.select(sa.literal_column("'all'"), *columns)


_STATS = {flag: _stats_statement(flag) for flag in (False, True)}


def stats(tx: Transaction, by_area_code: bool = False) -> list[tuple[str, int, int]]:
    """(area code or 'all', total, owned) rows."""
    return [(row[0], int(row[1]), int(row[2] or 0)) for row in tx.all(_STATS[by_area_code])]


_IS_OWNED = sa.select(t.c.phone_number).where(
    t.c.phone_number == sa.bindparam("number"), t.c.owned == sa.true()
)
_REMOVE = t.delete().where(t.c.phone_number == sa.bindparam("number"))


def remove(tx: Transaction, phone_numbers: Sequence[str]) -> int:
    """Delete these numbers from the inventory; returns how many were there."""
    removed = 0
    for number in phone_numbers:
        removed += tx.execute(_REMOVE, number=number)
    return removed


def owned_of(tx: Transaction, phone_numbers: Sequence[str]) -> set[str]:
    """Those of ``phone_numbers`` in the inventory that someone owns."""
    return {number for number in phone_numbers if tx.one(_IS_OWNED, number=number)}


@dataclass(frozen=True, slots=True)
class Search:
    """Filters of a search of free inventory; ``pattern`` is a LIKE pattern over E.164 text,
    ``locality`` compared without regard to case, ``capabilities`` named by column suffix."""

    country: str
    toll_free: bool
    area_code: str | None = None
    pattern: str | None = None
    region: str | None = None
    locality: str | None = None
    capabilities: tuple[str, ...] = ()


@functools.cache
def _search_statement(
    area_code: bool,
    pattern: bool,
    region: bool,
    locality: bool,
    capabilities: tuple[str, ...],
    toll_free: bool,
    from_pick: bool,
) -> sa.Select:
    statement = sa.select(*_DETAIL_COLUMNS).where(
        INVENTORY_FREE, t.c.iso_country == sa.bindparam("country")
    )
    if area_code:
        statement = statement.where(t.c.area_code == sa.bindparam("area_code"))
    else:
        # Written into the SQL (they are constants): statements here are compiled once.
        toll_free_codes = t.c.area_code.in_(
            [sa.literal_column(f"'{code}'") for code in sorted(TOLL_FREE_AREA_CODES)]
        )
        statement = statement.where(toll_free_codes if toll_free else sa.not_(toll_free_codes))
    if pattern:
        statement = statement.where(t.c.phone_number.like(sa.bindparam("pattern")))
    if region:
        statement = statement.where(t.c.region == sa.bindparam("region"))
    if locality:
        statement = statement.where(sa.func.lower(t.c.locality) == sa.bindparam("locality"))
    for capability in capabilities:
        statement = statement.where(t.c[f"capability_{capability}"] == sa.true())
    if from_pick:
        statement = statement.where(t.c.pick >= sa.bindparam("pick"))
    return statement.order_by(t.c.pick).limit(sa.bindparam("limit"))


def search(tx: Transaction, query: Search, *, limit: int, pick: int) -> list[InventoryNumber]:
    """Up to ``limit`` free numbers matching ``query``, in pick order from ``pick`` (wrapping)."""
    shape = (
        query.area_code is not None,
        query.pattern is not None,
        query.region is not None,
        query.locality is not None,
        query.capabilities,
        query.toll_free,
    )
    params: dict[str, Any] = {"country": query.country, "limit": limit}
    for name in ("area_code", "pattern", "region"):
        if getattr(query, name) is not None:
            params[name] = getattr(query, name)
    if query.locality is not None:
        params["locality"] = query.locality.lower()
    found = [
        InventoryNumber(*row)
        for row in tx.all(_search_statement(*shape, from_pick=True), **params, pick=pick)
    ]
    if len(found) < limit:
        seen = {number.phone_number for number in found}
        params["limit"] = limit
        for row in tx.all(_search_statement(*shape, from_pick=False), **params):
            if len(found) >= limit:
                break
            if row[0] not in seen:
                found.append(InventoryNumber(*row))
    return found
