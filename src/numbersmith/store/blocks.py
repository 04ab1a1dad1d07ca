"""The inventory's directory of thousand-blocks: which lines of each block it holds.

A block is the numbers that share all but their last three digits (``+1415555 0`` holds
``+14155550000`` to ``+14155550999``), the unit carriers assign numbers in. For each block the
inventory holds numbers of, the directory keeps a bit per line. A search for a pattern reads
the blocks, works out which of their lines the pattern can match, and asks the inventory about
those numbers alone, instead of reading every free number of an area code to test each.

The directory records what the inventory holds, sold or not; whether a number is free is asked
of the inventory itself. Adding and removing numbers (store.inventory) keeps it up to date.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from numbersmith.store.database import Transaction
from numbersmith.store.schema import inventory_blocks as b

#: The length of a block's name: "+1" and the first seven digits of its numbers.
BLOCK_LENGTH = 9
_LINE_BYTES = 125  # a bit for each of the lines 000 to 999
#: Blocks read by a search's first query, and by each after: a search often needs only a few
#: blocks, and each read costs about a microsecond.
FIRST_PAGE_SIZE = 8
PAGE_SIZE = 64

#: A number as store.inventory.add receives it: (phone_number, area_code, iso_country,
#: toll_free, pick, profile_id).
Number = tuple[str, str, str, bool, Any, Any]


def among(
    statement: sa.Select[Any], column: sa.Column[Any], name: str, dialect: str
) -> sa.Select[Any]:
    """``statement`` kept to the rows whose ``column`` is one of the values of the list
    parameter ``name`` (pass it through list_parameter): one statement serves any length of
    list. SQLite joins from json_each, looking each value up (40% cheaper than
    ``IN (SELECT … json_each)``); PostgreSQL compares with ``= ANY``."""
    if dialect == "sqlite":
        given = sa.func.json_each(sa.bindparam(name)).table_valued("value")
        return statement.select_from(given.join(column.table, column == given.c.value))
    return statement.where(column == sa.func.any(sa.bindparam(name)))


def list_parameter(tx: Transaction, values: Sequence[str]) -> Any:
    """The value of a list parameter of ``among``: a JSON array for SQLite's json_each, an array
    for PostgreSQL."""
    return list(values) if tx.is_postgresql else orjson.dumps(list(values)).decode()


#: Blocks' picks lie in [0, PICKS).
PICKS = 2**31


def pick_of(block: str) -> int:
    """Where a block stands in the order searches read blocks in: scattered by a hash."""
    return zlib.crc32(block.encode()) >> 1


def _mask(lines: bytes) -> int:
    return int.from_bytes(lines, "little")


def _lines(mask: int) -> bytes:
    return mask.to_bytes(_LINE_BYTES, "little")


# --- Keeping it up to date --------------------------------------------------------------------

_LINES_OF = {
    dialect: among(sa.select(b.c.block, b.c.lines), b.c.block, "blocks", dialect)
    for dialect in ("sqlite", "postgresql")
}


def _upsert(insert: Any) -> Any:
    return insert.on_conflict_do_update(
        index_elements=[b.c.block], set_={"lines": insert.excluded.lines}
    )


_SAVE = {"sqlite": _upsert(sqlite.insert(b)), "postgresql": _upsert(postgresql.insert(b))}
_SET_LINES = (
    b.update().where(b.c.block == sa.bindparam("block")).values(lines=sa.bindparam("lines"))
)
_DROP = b.delete().where(b.c.block == sa.bindparam("gone"))
# Concurrent imports read and rewrite the same blocks' lines; one at a time, none is lost.
# Searches read on meanwhile. (SQLite has one writer at a time anyway.)
_LOCK = sa.text("LOCK TABLE inventory_blocks IN EXCLUSIVE MODE")


def lock(tx: Transaction) -> None:
    """On PostgreSQL, keep other changes of the directory out until the transaction ends.

    Whatever changes both the directory and the inventory's numbers takes this first, so that
    two of them never wait for each other.
    """
    if tx.is_postgresql:
        tx.execute(_LOCK)


def record(tx: Transaction, numbers: Sequence[Number]) -> None:
    """The inventory holds these numbers now: ``(phone_number, area_code, iso_country,
    toll_free, …)``, as store.inventory.add receives them."""
    added = _by_block(number[0] for number in numbers)
    kinds = {number[0][:BLOCK_LENGTH]: (number[2], number[3]) for number in numbers}
    current = _current(tx, added)
    rows = []
    for block, lines in added.items():
        held = current.get(block)
        if held is None or lines | held != held:
            iso_country, toll_free = kinds[block]
            rows.append(
                {
                    "block": block,
                    "area_code": block[2:5],
                    "iso_country": iso_country,
                    "toll_free": toll_free,
                    "pick": pick_of(block),
                    "lines": _lines(lines | (held or 0)),
                }
            )
    if rows:
        tx.execute_many(_SAVE[tx.dialect_name], rows)


def forget(tx: Transaction, phone_numbers: Iterable[str]) -> None:
    """The inventory no longer holds these numbers."""
    removed = _by_block(phone_numbers)
    for block, held in _current(tx, removed).items():
        left = held & ~removed[block]
        if not left:
            tx.execute(_DROP, gone=block)
        elif left != held:
            tx.execute(_SET_LINES, block=block, lines=_lines(left))


def _by_block(phone_numbers: Iterable[str]) -> dict[str, int]:
    """The lines of the numbers, by block, as masks."""
    lines: dict[str, list[str]] = {}
    for phone_number in phone_numbers:
        block = phone_number[:BLOCK_LENGTH]
        try:
            lines[block].append(phone_number[BLOCK_LENGTH:])
        except KeyError:
            lines[block] = [phone_number[BLOCK_LENGTH:]]
    # Shifting and or-ing a 1,000-bit integer per number would cost twice as much.
    return {
        block: sum(1 << line for line in set(map(int, given))) for block, given in lines.items()
    }


def _current(tx: Transaction, blocks: dict[str, int]) -> dict[str, int]:
    """The lines held now of those of ``blocks`` that the directory knows, locking them
    against concurrent change on PostgreSQL."""
    if not blocks:
        return {}
    lock(tx)
    rows = tx.all(_LINES_OF[tx.dialect_name], blocks=list_parameter(tx, list(blocks)))
    return {block: _mask(lines) for block, lines in rows}


# --- Reading it -------------------------------------------------------------------------------


def _page_statement(by_area_code: bool) -> sa.Select[Any]:
    statement = sa.select(b.c.block, b.c.lines, b.c.pick)
    if by_area_code:
        statement = statement.where(b.c.area_code == sa.bindparam("area_code"))
    else:
        statement = statement.where(
            b.c.iso_country == sa.bindparam("country"), b.c.toll_free == sa.bindparam("toll_free")
        )
    # Keyset paging on (pick, block): picks of distinct blocks may be equal.
    return (
        statement.where(
            sa.tuple_(b.c.pick, b.c.block)
            > sa.tuple_(sa.bindparam("after_pick"), sa.bindparam("after_block")),
            b.c.pick <= sa.bindparam("last_pick"),
        )
        .order_by(b.c.pick, b.c.block)
        .limit(sa.bindparam("page_size"))
    )


_PAGES = {flag: _page_statement(flag) for flag in (True, False)}


def held_lines(
    tx: Transaction,
    *,
    area_code: str | None,
    country: str,
    toll_free: bool,
    pick: int,
) -> Iterator[tuple[str, int]]:
    """The blocks of an area code (or, without one, of one kind in a country) with the lines
    held of each as a mask, in pick order from ``pick``, wrapping round.
    Read a page at a time, as the caller goes."""
    scope: dict[str, Any] = (
        {"area_code": area_code}
        if area_code is not None
        else {"country": country, "toll_free": toll_free}
    )
    statement = _PAGES[area_code is not None]
    size = FIRST_PAGE_SIZE
    for low, last in ((pick, PICKS - 1), (-1, pick - 1)):
        after: tuple[int, str] = (low, "")
        while True:
            page = tx.all(
                statement,
                **scope,
                after_pick=after[0],
                after_block=after[1],
                last_pick=last,
                page_size=size,
            )
            for block, lines, _ in page:
                yield block, _mask(lines)
            if len(page) < size:
                break
            after = (page[-1][2], page[-1][0])
            size = PAGE_SIZE
