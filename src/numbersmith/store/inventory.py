"""Queries on the operator's inventory of numbers, and the profiles the numbers share."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from numbersmith.numbering import area_code_space, keypad
from numbersmith.store import blocks
from numbersmith.store.database import Transaction
from numbersmith.store.schema import INVENTORY_FREE, incoming_phone_numbers
from numbersmith.store.schema import inventory_numbers as t
from numbersmith.store.schema import inventory_profiles as p

#: Largest pick key; picks are uniform in [0, PICK_RANGE).
PICK_RANGE = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Profile:
    """What the operator told us about some of their numbers. Field order mirrors the table."""

    origin: str
    region: str | None
    locality: str | None
    rate_center: str | None
    lata: str | None
    capability_voice: bool
    capability_sms: bool
    capability_mms: bool
    capability_fax: bool

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> Profile:
        # SQLite hands booleans back as integers.
        return cls(*row[:5], *(bool(flag) for flag in row[5:]))


PROFILE_COLUMNS = tuple(field.name for field in dataclasses.fields(Profile))
_PROFILE = [p.c[name] for name in PROFILE_COLUMNS]


@dataclass(frozen=True, slots=True)
class InventoryNumber:
    phone_number: str
    iso_country: str
    profile: Profile


# --- Profiles ---------------------------------------------------------------------------------

_FIND_PROFILE = (
    sa.select(p.c.id)
    .where(*(column.is_not_distinct_from(sa.bindparam(column.name)) for column in _PROFILE))
    .order_by(p.c.id)
    .limit(1)
)
_ADD_PROFILE = (
    p.insert().values({name: sa.bindparam(name) for name in PROFILE_COLUMNS}).returning(p.c.id)
)
_PROFILE_BY_ID = sa.select(*_PROFILE).where(p.c.id == sa.bindparam("id"))


def profile_id(tx: Transaction, profile: Profile) -> int:
    """The id of a profile with these values, added if there is none yet.

    Two imports at once may both add one; either id serves, since both say the same thing.
    """
    values = dataclasses.asdict(profile)
    found = tx.one(_FIND_PROFILE, **values)
    if found is not None:
        return int(found[0])
    added = tx.one(_ADD_PROFILE, **values)
    assert added is not None
    return int(added[0])


def profiles(tx: Transaction, ids: Iterable[int]) -> dict[int, Profile]:
    """The profiles with these ids (those that exist)."""
    found = {}
    for profile in ids:
        row = tx.one(_PROFILE_BY_ID, id=profile)
        if row is not None:
            found[profile] = Profile.of_row(row)
    return found


# --- Buying and releasing ---------------------------------------------------------------------


def _free_in_area_code(from_pick: bool) -> sa.Select[Any]:
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
_PROFILE_OF = (
    sa.select(t.c.iso_country, *_PROFILE)
    .select_from(t.join(p, p.c.id == t.c.profile_id))
    .where(t.c.phone_number == sa.bindparam("number"))
)


def take_free(tx: Transaction, area_code: str, pick: int) -> InventoryNumber | None:
    """Mark the free number of ``area_code`` at or after ``pick`` (wrapping) owned; return it."""
    row = tx.one(_FREE_FROM_PICK, area_code=area_code, pick=pick) or tx.one(
        _FREE_FROM_START, area_code=area_code
    )
    if row is None:
        return None
    return take(tx, row[0])


def take(tx: Transaction, phone_number: str) -> InventoryNumber | None:
    """Mark ``phone_number`` owned if it is in the inventory and free; return it."""
    if tx.execute(_TAKE, number=phone_number) == 0:
        return None
    row = tx.one(_PROFILE_OF, number=phone_number)
    return InventoryNumber(phone_number, row[0], Profile.of_row(row[1:])) if row else None


def give_back(tx: Transaction, phone_number: str) -> None:
    """The number is free again (nothing happens if it is not in the inventory)."""
    tx.execute(_GIVE_BACK, number=phone_number)


# --- Bulk loading -----------------------------------------------------------------------------
#
# An import stages each batch in a temporary table, then moves it into the inventory with
# INSERT … SELECT, which settles in the same statement whether a project owns a number already.
# A staged number is six values; its details are its profile's, stored once.

_staging = sa.MetaData()

#: The numbers of a batch: (phone_number, area_code, iso_country, toll_free, pick, profile_id).
import_numbers = sa.Table(
    "import_numbers",
    _staging,
    sa.Column("phone_number", sa.String(16)),
    sa.Column("area_code", sa.String(3)),
    sa.Column("iso_country", sa.String(2)),
    sa.Column("toll_free", sa.Boolean),
    sa.Column("pick", sa.Integer),
    sa.Column("profile_id", sa.Integer),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)

_STAGED = import_numbers.alias("staged")
_OWNED_ELSEWHERE = sa.exists().where(
    incoming_phone_numbers.c.phone_number == _STAGED.c.phone_number
)


def _move_staged(dialect_name: str, owned: bool) -> Any:
    """INSERT … SELECT of the staged numbers that a project owns (``owned``) or that none does."""
    columns = [
        "phone_number",
        "area_code",
        "iso_country",
        "toll_free",
        "pick",
        "owned",
        "profile_id",
    ]
    select = sa.select(
        _STAGED.c.phone_number,
        _STAGED.c.area_code,
        _STAGED.c.iso_country,
        _STAGED.c.toll_free,
        _STAGED.c.pick,
        sa.true() if owned else sa.false(),
        _STAGED.c.profile_id,
    ).where(_OWNED_ELSEWHERE if owned else ~_OWNED_ELSEWHERE)
    insert = postgresql.insert(t) if dialect_name == "postgresql" else sqlite.insert(t)
    return insert.from_select(columns, select).on_conflict_do_nothing(
        index_elements=[t.c.phone_number]
    )


_MOVE_STAGED = {
    (name, owned): _move_staged(name, owned)
    for name in ("sqlite", "postgresql")
    for owned in (True, False)
}
#: At the end of a fresh load: numbers a project owns are not free.
_MARK_OWNED = (
    t.update()
    .where(
        t.c.phone_number == incoming_phone_numbers.c.phone_number,
        t.c.owned == sa.false(),
    )
    .values(owned=sa.true())
)
_CREATE_STAGING = sa.schema.CreateTable(import_numbers, if_not_exists=True)
_EMPTY_STAGING = {
    "sqlite": import_numbers.delete(),
    "postgresql": sa.text("TRUNCATE import_numbers"),
}


def add(
    tx: Transaction, numbers: Sequence[tuple[str, str, str, bool, int, int]], *, fresh: bool = False
) -> tuple[int, int]:
    """Add numbers, each ``(phone_number, area_code, iso_country, toll_free, pick, profile_id)``. Numbers already there
    are left as they are; numbers a project owns are added as owned. Returns how many were
    added, and how many of them owned.

    ``fresh``: the transaction began a fresh load (begin_fresh_load) and no number is given
    twice, so none can be there already; end_fresh_load marks those a project owns.
    """
    if not numbers:
        return 0, 0
    # Those already there are in the directory already: recording them again changes nothing.
    blocks.record(tx, numbers)
    if fresh:
        # Nothing to skip, nothing to check: copied straight in, all free until end_fresh_load.
        tx.load(t, [(*number[:5], False, number[5]) for number in numbers])
        return len(numbers), 0
    tx.execute(_CREATE_STAGING)
    tx.load(import_numbers, numbers)
    added_owned = tx.execute(_MOVE_STAGED[tx.dialect_name, True])
    added_free = tx.execute(_MOVE_STAGED[tx.dialect_name, False])
    # Emptied for the next batch of the transaction; PostgreSQL drops it at the end.
    tx.execute(_EMPTY_STAGING[tx.dialect_name])
    return added_owned + added_free, added_owned


_FREE_INDEXES = sorted(
    (index for index in t.indexes if (index.name or "").startswith("ix_inventory_free")),
    key=lambda index: index.name or "",
)
_LOCK = sa.text("LOCK TABLE inventory_numbers IN ACCESS EXCLUSIVE MODE")
_ANY = sa.select(t.c.phone_number).limit(1)


def begin_fresh_load(tx: Transaction) -> bool:
    """Prepare an empty inventory on PostgreSQL for a load of many numbers in this transaction:
    lock it and drop the indexes of free numbers, to be built once by end_fresh_load. Returns
    False, changing nothing, when the inventory is not empty or the backend is not PostgreSQL.

    Keeping those indexes up to date costs PostgreSQL more than the load itself: inserting a
    million staged rows took 14 s with them in place (17 s with pick keys drawn at random),
    against 5 s without them and 2.5 s to build them afterwards. Until the transaction ends,
    anyone else using the inventory waits.
    """
    if not tx.is_postgresql:
        return False  # SQLite would hold its one write lock, stalling every writer, throughout
    blocks.lock(tx)  # first: see blocks.lock
    tx.execute(_LOCK)
    if tx.one(_ANY) is not None:
        return False
    for index in _FREE_INDEXES:
        tx.execute(sa.schema.DropIndex(index))
    return True


def end_fresh_load(tx: Transaction) -> int:
    """Mark the numbers a project owns owned, then build the indexes begin_fresh_load dropped.
    Returns how many were marked."""
    owned = tx.execute(_MARK_OWNED)
    for index in _FREE_INDEXES:
        tx.execute(sa.schema.CreateIndex(index))
    return owned


# --- Counting and removing --------------------------------------------------------------------


def _stats_statement(by_area_code: bool) -> sa.Select[Any]:
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
    blocks.forget(tx, phone_numbers)  # first: see blocks.lock
    removed = 0
    for number in phone_numbers:
        removed += tx.execute(_REMOVE, number=number)
    return removed


def owned_of(tx: Transaction, phone_numbers: Sequence[str]) -> set[str]:
    """Those of ``phone_numbers`` in the inventory that someone owns."""
    return {number for number in phone_numbers if tx.one(_IS_OWNED, number=number)}


# --- Searching --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Search:
    """Filters of a search of free inventory: ``contains`` is a keypad pattern in digits and
    ``*`` (numbering.keypad), ``locality`` compared without regard to case, ``capabilities``
    named by column suffix.

    ``country`` is checked only without an area code, which settles it.
    """

    country: str
    toll_free: bool
    area_code: str | None = None
    contains: str | None = None
    region: str | None = None
    locality: str | None = None
    capabilities: tuple[str, ...] = ()

    def pattern(self, dialect_name: str) -> str | None:
        """The pattern over E.164 text that ``contains`` amounts to: for GLOB on SQLite, for
        LIKE elsewhere (see _matches)."""
        if self.contains is None:
            return None
        one, any_ = ("?", "*") if dialect_name == "sqlite" else ("_", "%")
        digits = self.contains.replace(keypad.WILDCARD, one)
        # A pattern as long as the national number matches all of it; a shorter one, anywhere.
        if len(self.contains) == keypad.NATIONAL_LENGTH:
            return "+1" + digits
        return f"+1{any_}{digits}{any_}"

    @property
    def profile_filters(self) -> tuple[bool, bool, tuple[str, ...]]:
        return self.region is not None, self.locality is not None, self.capabilities

    def scope_parameters(self) -> dict[str, Any]:
        """The bind parameter of the scope searched: the area code, or else the country."""
        if self.area_code is not None:
            return {"area_code": self.area_code}
        return {"country": self.country}

    def profile_parameters(self) -> dict[str, Any]:
        """The bind parameters of the profile filters (see _of_profile)."""
        params: dict[str, Any] = {}
        if self.region is not None:
            params["region"] = self.region
        if self.locality is not None:
            params["locality"] = self.locality.lower()
        return params


def _of_profile(region: bool, locality: bool, capabilities: tuple[str, ...]) -> list[Any]:
    """Conditions on a number's profile, through its id (a column of the free-number indexes)."""
    conditions = []
    if region:
        conditions.append(p.c.region == sa.bindparam("region"))
    if locality:
        conditions.append(sa.func.lower(p.c.locality) == sa.bindparam("locality"))
    for capability in capabilities:
        conditions.append(p.c[f"capability_{capability}"] == sa.true())
    if not conditions:
        return []
    return [t.c.profile_id.in_(sa.select(p.c.id).where(*conditions))]


def _matches(dialect_name: str) -> Any:
    """The phone number matches the bound ``pattern`` (Search.pattern).

    GLOB on SQLite: LIKE there folds the case of every character it compares, and a sparse
    inventory's scan compares thousands of numbers a search; GLOB took a fifth less time.
    """
    pattern: sa.BindParameter[str] = sa.bindparam("pattern")
    if dialect_name == "sqlite":
        return t.c.phone_number.op("GLOB")(pattern)
    return t.c.phone_number.like(pattern)


@functools.cache
def _scan_statement(
    dialect_name: str,
    area_code: bool,
    pattern: bool,
    profile_filters: tuple[bool, bool, tuple[str, ...]],
    toll_free: bool,
    from_pick: bool,
) -> sa.Select[Any]:
    # Every condition reads a column of the free-number indexes, so a scan reads an index and
    # nothing else.
    statement = sa.select(t.c.phone_number, t.c.profile_id).where(
        INVENTORY_FREE, *_of_profile(*profile_filters)
    )
    if area_code:
        statement = statement.where(t.c.area_code == sa.bindparam("area_code"))
    else:
        statement = statement.where(
            t.c.iso_country == sa.bindparam("country"),
            t.c.toll_free == (sa.true() if toll_free else sa.false()),
        )
    if pattern:
        statement = statement.where(_matches(dialect_name))
    if from_pick:
        statement = statement.where(t.c.pick >= sa.bindparam("pick"))
    return statement.order_by(t.c.pick).limit(sa.bindparam("limit"))


@functools.cache
def _ask_statement(
    dialect: str, profile_filters: tuple[bool, bool, tuple[str, ...]]
) -> sa.Select[Any]:
    """Which of some numbers (the list parameter ``numbers``, see blocks.among) are in the
    inventory, free, and fit the profile filters."""
    statement = sa.select(t.c.phone_number, t.c.profile_id).where(
        INVENTORY_FREE, *_of_profile(*profile_filters)
    )
    return blocks.among(statement, t.c.phone_number, "numbers", dialect)


def search(tx: Transaction, query: Search, *, limit: int, pick: int) -> list[tuple[str, int]]:
    """Up to ``limit`` free numbers matching ``query``, in pick order from ``pick`` (wrapping),
    as (phone_number, profile_id) pairs.

    A search with a pattern goes by the blocks the inventory holds (store.blocks). When the
    blocks hold few lines each, or most of the numbers they give turn out sold or unfit, it
    reads instead the exchanges whose every number matches, if the search names an area code
    (see _in_deciding_exchanges), and then scans the free numbers for what is still missing.
    """
    if query.contains is None:
        return _scan(tx, query, limit, pick)
    by_blocks = _search_blocks(tx, query, limit, pick)
    if by_blocks is not None:
        return by_blocks
    found = _in_deciding_exchanges(tx, query, limit, pick) if query.area_code else []
    if len(found) >= limit:
        return found
    seen = {number for number, _ in found}
    scanned = [row for row in _scan(tx, query, limit, pick) if row[0] not in seen]
    return found + scanned[: limit - len(found)]


@functools.lru_cache(maxsize=1024)
def _deciding_exchanges(area_code: str, contains: str) -> tuple[str, ...]:
    """The exchanges of ``area_code`` in which every number matches ``contains``: the pattern
    lies within the area code and the exchange, whatever the line."""
    space = area_code_space(area_code)
    exchanges = space.exchanges if space is not None else ()
    return tuple(e for e in exchanges if keypad.matches(contains, area_code + e))


@functools.cache
def _in_exchange_statement(profile_filters: tuple[bool, bool, tuple[str, ...]]) -> sa.Select[Any]:
    """The free numbers of one exchange (``low`` to ``high``, its first and last number), in
    order, that fit the profile filters: a range of the table's own key."""
    return (
        sa.select(t.c.phone_number, t.c.profile_id)
        .where(
            t.c.phone_number.between(sa.bindparam("low"), sa.bindparam("high")),
            INVENTORY_FREE,
            *_of_profile(*profile_filters),
        )
        .order_by(t.c.phone_number)
        .limit(sa.bindparam("limit"))
    )


#: Exchanges a search reads before it scans: an inventory may hold none of those that decide.
_MOST_EXCHANGES = 4


def _in_deciding_exchanges(
    tx: Transaction, query: Search, limit: int, pick: int
) -> list[tuple[str, int]]:
    """Up to ``limit`` free numbers of the exchanges that decide the pattern by themselves, from
    an exchange and a line chosen by ``pick`` (each exchange read from that line, wrapping).

    Every number they read is a match: in a sparse inventory, where a scan read 2,700 numbers
    for fifty matches of ``5*5``, an exchange such as 515 gives fifty in fifty reads.
    """
    assert query.area_code is not None and query.contains is not None
    exchanges = _deciding_exchanges(query.area_code, query.contains)
    found: list[tuple[str, int]] = []
    if exchanges:
        statement = _in_exchange_statement(query.profile_filters)
        params = query.profile_parameters()
        first, line = divmod(pick, 10_000)
        first %= len(exchanges)
        chosen = itertools.islice(
            itertools.chain(exchanges[first:], exchanges[:first]), _MOST_EXCHANGES
        )
        for exchange in chosen:
            prefix = f"+1{query.area_code}{exchange}"
            for low, high in ((line, 9_999), (0, line - 1)):
                if low > high or len(found) >= limit:
                    continue
                rows = tx.all(
                    statement,
                    **params,
                    low=f"{prefix}{low:04d}",
                    high=f"{prefix}{high:04d}",
                    limit=limit - len(found),
                )
                found += [(row[0], row[1]) for row in rows]
            if len(found) >= limit:
                break
    return found


def _scan(tx: Transaction, query: Search, limit: int, pick: int) -> list[tuple[str, int]]:
    """Read the free numbers in pick order from ``pick`` (wrapping), testing each."""
    shape = (
        tx.dialect_name,
        query.area_code is not None,
        query.contains is not None,
        query.profile_filters,
    )
    params = query.scope_parameters() | query.profile_parameters()
    if query.contains is not None:
        params["pattern"] = query.pattern(tx.dialect_name)
    from_pick = _scan_statement(*shape, query.toll_free, from_pick=True)
    found: list[tuple[str, int]] = list(tx.all(from_pick, **params, limit=limit, pick=pick))
    if len(found) < limit:
        seen = {number for number, _ in found}
        from_start = _scan_statement(*shape, query.toll_free, from_pick=False)
        for row in tx.all(from_start, **params, limit=limit):
            if len(found) >= limit:
                break
            if row[0] not in seen:
                found.append((row[0], row[1]))
    return found


#: A search by blocks gives up once it has asked about this many times the numbers wanted and
#: fewer than one in _FEWEST_FREE of them was free and fit: most of what the blocks hold is sold
#: (or unfit), and scanning the free numbers costs less.
_MOST_ASKED = 4
_FEWEST_FREE = 4
#: A search by blocks scans instead when the first blocks it reads hold fewer lines than this
#: on average: a sparse inventory (a handful of numbers per block, as years of sales or a
#: carrier's scattered numbers leave it). Reading a block costs about 3.7 µs in Python and a
#: scan about 0.15 µs a free number in SQLite, each for the same share of matches, so blocks
#: pay only once they hold two dozen lines or so. With 50,000 numbers scattered over an area
#: code (six a block), ``Contains=5*5`` read 190 blocks (1,200 numbers) for 50 matches: 0.84 ms
#: of CPU a search on SQLite, and 0.23 ms scanning.
_FEWEST_LINES = 24
#: Seconds a scope found sparse is searched by scanning without a look at its blocks first.
#: Only imports and years of sales change how full the blocks are, and either way of searching
#: finds the same numbers; the look cost a sparse search a tenth of its time.
_SPARSE_REMEMBERED = 60.0
_sparse_until: dict[tuple[str | None, str, bool], float] = {}


def _search_blocks(
    tx: Transaction, query: Search, limit: int, pick: int
) -> list[tuple[str, int]] | None:
    """Ask about the numbers the inventory holds that match the pattern, block by block in pick
    order from ``pick``; None if giving up for a scan."""
    assert query.contains is not None
    scope = (query.area_code, query.country, query.toll_free)
    if _sparse_until.get(scope, 0.0) > time.monotonic():
        return None
    held = blocks.held_lines(
        tx,
        area_code=query.area_code,
        country=query.country,
        toll_free=query.toll_free,
        pick=pick,
    )
    first = list(itertools.islice(held, blocks.FIRST_PAGE_SIZE))
    if len(first) == blocks.FIRST_PAGE_SIZE and (
        sum(lines.bit_count() for _, lines in first) < _FEWEST_LINES * len(first)
    ):
        if len(_sparse_until) >= 4096:
            _sparse_until.clear()
        _sparse_until[scope] = time.monotonic() + _SPARSE_REMEMBERED
        return None
    candidates = _matching(itertools.chain(first, held), query.contains)
    statement = _ask_statement(tx.dialect_name, query.profile_filters)
    params = query.profile_parameters()
    found: list[tuple[str, int]] = []
    asked = 0
    free_share = 1.0  # of the numbers asked about so far, the share found free and fit
    while len(found) < limit:
        # As many as should give what is missing at the share seen so far, and a couple more:
        # each number asked about costs about a microsecond, each round a few.
        wanted = (limit - len(found)) / max(free_share, 1 / _FEWEST_FREE)
        batch = list(itertools.islice(candidates, int(wanted) + 2))
        if not batch:
            break
        free: dict[str, Any] = dict(
            tx.all(statement, **params, numbers=blocks.list_parameter(tx, batch))
        )
        found += [(number, free[number]) for number in batch if number in free]
        asked += len(batch)
        free_share = len(found) / asked
        if asked >= _MOST_ASKED * limit and len(found) * _FEWEST_FREE < asked:
            return None
    return found[:limit]


def _matching(held: Iterator[tuple[str, int]], contains: str) -> Iterator[str]:
    """The numbers of the held lines that match the pattern, block by block."""
    for block, lines in held:
        # The set bits found in the binary digits, lowest first: cheaper than big-integer
        # arithmetic on the 1,000-bit mask for each one.
        bits = bin(lines & keypad.block_lines(contains, block[2:]))[:1:-1]
        line = bits.find("1")
        while line >= 0:
            yield block + _LINES[line]
            line = bits.find("1", line + 1)


_LINES = [f"{line:03d}" for line in range(1000)]
