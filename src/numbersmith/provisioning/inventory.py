"""Use cases of the operator's inventory: import numbers, add a block, count, remove.

In inventory supply only these numbers can be searched and bought. An import is a stream of
records (the rows of a CSV file) checked one by one: bad records are reported with their line
and the rest are stored in batches, each batch one transaction (on PostgreSQL, a first load into
an empty inventory is one transaction as a whole; see _Loader). Numbers already in the
inventory are left as they are, so running an import again (after a crash, or with a file that
grew) completes it without doubling anything.

A number a project already owns (bought before it was imported) is imported as owned, so it is
never offered again.
"""

from __future__ import annotations

import csv
import functools
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from numbersmith.numbering import (
    TOLL_FREE_AREA_CODES,
    AreaCodeSpace,
    InvalidNumber,
    NumberNotSupplied,
    area_code_space,
    geography,
    parse_e164,
)
from numbersmith.store import Database, Transaction
from numbersmith.store import inventory as inventory_store
from numbersmith.store.inventory import PROFILE_COLUMNS, Profile

#: The columns of an import file. Only ``phone_number`` is required; the country is the number's.
COLUMNS = (
    "phone_number",
    "region",
    "locality",
    "rate_center",
    "lata",
    "origin",
    "voice",
    "sms",
    "mms",
    "fax",
)
ORIGINS = ("signalwire", "hosted")
DEFAULT_ORIGIN = "signalwire"

#: The widths of the stored columns, in characters.
MAX_LENGTHS: Mapping[str, int] = {"region": 8, "locality": 64, "rate_center": 64, "lata": 8}

#: Rows per transaction. On SQLite each commit writes every page the batch touched to the log:
#: larger batches write fewer pages twice. A batch holds SQLite's write lock for under a
#: second; a server on the same database stalls that long at worst.
BATCH_SIZE = 50_000

#: The most numbers one range may cover: a hundred exchanges. One area code spans ten million
#: at most anyway; this catches a mistyped end before it adds millions of numbers.
MAX_RANGE = 1_000_000

_CAPABILITIES = {
    "voice": "capability_voice",
    "sms": "capability_sms",
    "mms": "capability_mms",
    "fax": "capability_fax",
}
_DETAIL_COLUMNS = COLUMNS[1:]
#: Where a record keeps the fields past the header's last column (csv.DictReader's restkey).
_SURPLUS: Any = None
_BOOLEANS = {
    "": True,
    "true": True,
    "1": True,
    "yes": True,
    "false": False,
    "0": False,
    "no": False,
}
_PUNCTUATION = str.maketrans("", "", " -.()\t")

Record = Mapping[str, str | None]
#: Called after each batch with how far the work has got: the line reached in an import file,
#: the count of numbers covered by a range or a removal.
Progress = Callable[[int], None]


class InvalidRecord(ValueError):
    """A record of an import cannot be stored; the message says why, for the operator."""


class InvalidFile(ValueError):
    """The import file has no header, or its header has no ``phone_number`` column."""


class InvalidRange(ValueError):
    """A range of numbers that cannot be added or removed as one block; the message says why."""


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Repeat:
    """A number the file had already given on an earlier line; the first one counts."""

    line: int
    phone_number: str
    first_line: int


@dataclass(slots=True)
class ImportReport:
    added: int = 0
    #: Of those added, how many a project already owned; they were added as owned.
    added_owned: int = 0
    already_there: int = 0
    repeats: list[Repeat] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.already_there + len(self.repeats)


@dataclass(slots=True)
class RangeReport:
    added: int = 0
    added_owned: int = 0
    already_there: int = 0
    #: Runs of the range outside the area code's supply (N11 and 555 exchanges, exchanges below
    #: 200, exchanges libphonenumber does not list), as (first, last) pairs.
    not_suppliable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def not_suppliable_count(self) -> int:
        return sum(_national(last) - _national(first) + 1 for first, last in self.not_suppliable)


@dataclass(frozen=True, slots=True)
class NumberRange:
    """A block of consecutive numbers in one area code, from national number ``low`` to
    ``high``, both included."""

    low: int
    high: int

    @classmethod
    def of(cls, first: str, last: str) -> NumberRange:
        """The range from ``first`` to ``last`` (usual spellings). Raises InvalidRange."""
        ends = []
        for text in (first, last):
            e164 = spelled_e164(text)
            if e164 is None:
                raise InvalidRange(f"{text.strip()!r} is not a North American phone number")
            ends.append(e164)
        if ends[0][2:5] != ends[1][2:5]:
            raise InvalidRange(f"{ends[0]} and {ends[1]} are in different area codes")
        numbers = cls(_national(ends[0]), _national(ends[1]))
        if numbers.high < numbers.low:
            raise InvalidRange(f"{ends[1]} comes before {ends[0]}")
        if len(numbers) > MAX_RANGE:
            raise InvalidRange(f"{len(numbers):,} numbers: a range may hold {MAX_RANGE:,} at most")
        return numbers

    @property
    def area_code(self) -> str:
        return str(self.low)[:3]

    def __len__(self) -> int:
        return self.high - self.low + 1

    def __iter__(self) -> Iterator[str]:
        return (f"+1{national}" for national in range(self.low, self.high + 1))


@dataclass(frozen=True, slots=True)
class Count:
    """Numbers of the inventory: of one area code, or of all (``area_code`` None)."""

    area_code: str | None
    total: int
    owned: int

    @property
    def free(self) -> int:
        return self.total - self.owned


@dataclass(slots=True)
class Removal:
    removed: int = 0
    #: Numbers a project owns: kept, or removed all the same when forced.
    owned: list[str] = field(default_factory=list)
    #: Numbers that were not in the inventory.
    missing: int = 0


# --- Reading records (pure) -------------------------------------------------------------------


def spelled_e164(text: str) -> str | None:
    """A NANP number in E.164 form from the usual spellings (``+13103386745``, ``3103386745``,
    ``1-310-338-6745``, ``(310) 338-6745``), or None. Only the form is checked."""
    text = text.strip()
    if len(text) == 12 and text.startswith("+1") and text.isascii() and text[2:].isdigit():
        return text
    digits = text.translate(_PUNCTUATION)
    if digits.startswith("+1"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return "+1" + digits
    return None


def phone_number_of(text: str) -> str:
    """The number ``text`` spells, in E.164 form, if it is one we supply.

    The usual spellings are checked against their area code's space (set lookups):
    libphonenumber takes ~50 µs a number, most of a million-number import. Anything else, and
    anything the space turns down, goes to libphonenumber for the exact reason. Raises
    InvalidNumber or NumberNotSupplied.
    """
    if _supplied_e164(text):
        return text
    e164 = spelled_e164(text)
    if e164 is not None and _supplied_e164(e164):
        return e164
    return parse_e164(e164 or text)


#: Whether each exchange ("+1NPANXX") is supplied, learnt as numbers come.
_SUPPLIED_EXCHANGES: dict[str, bool] = {}


def _supplied_e164(text: str) -> bool:
    """Whether ``text`` is exactly ``+1NPANXXXXXX`` and in the supply: the common case of an
    import file, in one dictionary lookup and a check of the last four digits."""
    supplied = _SUPPLIED_EXCHANGES.get(text[:8])
    if supplied is None:
        exchange = text[:8]
        if not (len(exchange) == 8 and exchange[:2] == "+1" and _ascii_digits(exchange[2:])):
            return False
        space = area_code_space(exchange[2:5])
        supplied = _SUPPLIED_EXCHANGES[exchange] = space is not None and space.contains(
            exchange + "0000"
        )
    return supplied and len(text) == 12 and _ascii_digits(text[8:])


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def details_of(record: Record) -> dict[str, Any]:
    """The stored columns other than the number's own, from the text of a record.

    Empty or missing text columns are unknown (None); capabilities default to true, the origin
    to signalwire. Raises InvalidRecord.
    """
    return dict(_details(detail_values(record)))


@functools.lru_cache(maxsize=1024)
def _details(values: tuple[str | None, ...]) -> Mapping[str, Any]:
    # Cached: the rows of a file mostly repeat a few combinations (a block's rate center, its
    # capabilities), and checking them anew was a third of the time an import spent per row.
    record = dict(zip(_DETAIL_COLUMNS, values, strict=True))
    details: dict[str, Any] = {}
    for name, width in MAX_LENGTHS.items():
        value = (record[name] or "").strip()
        if len(value) > width:
            raise InvalidRecord(f"{name} is longer than {width} characters")
        details[name] = value or None
    if details["region"] is not None:
        # State and province codes are compared as codes ("ca" is California).
        details["region"] = geography.region_code(details["region"]) or details["region"]
    origin = (record["origin"] or "").strip().lower() or DEFAULT_ORIGIN
    if origin not in ORIGINS:
        raise InvalidRecord(f"origin {origin!r} is not one of {', '.join(ORIGINS)}")
    details["origin"] = origin
    for name, column in _CAPABILITIES.items():
        value = (record[name] or "").strip().lower()
        try:
            details[column] = _BOOLEANS[value]
        except KeyError:
            raise InvalidRecord(f"{name} {value!r} is not true or false") from None
    return details


def with_number(details: Mapping[str, Any], e164: str, space: AreaCodeSpace) -> dict[str, Any]:
    """A stored row (all but ``pick`` and ``owned``): the details, completed with what the
    number says of itself. A region or locality left out is filled in from libphonenumber's
    geography, the locality only where it lies in the region given."""
    row = {**details, "phone_number": e164, "area_code": space.area_code}
    row["iso_country"] = space.region
    if row["region"] is None or row["locality"] is None:
        # Descriptions go no finer than the exchange, so the exchange's place is the number's.
        place = geography.exchange_places(space.area_code).get(e164[5:8], geography.UNKNOWN)
        if row["region"] is None:
            row["region"] = place.region
        if row["locality"] is None and place.region == row["region"]:
            row["locality"] = place.locality
    return row


@functools.lru_cache(maxsize=16_384)
def _exchange_row(values: tuple[str | None, ...], exchange: str) -> Mapping[str, Any]:
    """The row shared by the numbers of one exchange (``+1NPANXX``) with the same details."""
    space = area_code_space(exchange[2:5])
    assert space is not None
    return with_number(_details(values), exchange + "0000", space)


def inventory_row(record: Record) -> dict[str, Any]:
    """The stored row (all but ``pick`` and ``owned``) of one record of an import file.

    Raises InvalidRecord with the reason, for the operator.
    """
    e164 = record_number(record)
    row = dict(_exchange_row(detail_values(record), e164[:8]))
    row["phone_number"] = e164
    return row


def detail_values(record: Record) -> tuple[str | None, ...]:
    """The text of a record's columns other than ``phone_number``, in COLUMNS order."""
    return tuple(map(record.get, _DETAIL_COLUMNS))


def record_number(record: Record) -> str:
    """The number a record of an import file gives, in E.164 form; the record's shape is
    checked too. Raises InvalidRecord with the reason, for the operator."""
    text = record.get("phone_number") or ""
    if _supplied_e164(text) and not record.get(_SURPLUS):
        return text  # the common case, first
    try:
        e164 = phone_number_of(text)
    except NumberNotSupplied as exc:
        raise InvalidRecord(
            f"{exc} is not a number we supply (not a US or Canadian geographic or toll-free "
            "number, or a reserved exchange such as N11 or 555)"
        ) from None
    except InvalidNumber:
        if not text.strip():
            raise InvalidRecord("no phone_number") from None
        raise InvalidRecord(f"{text.strip()!r} is not a valid phone number") from None
    if record.get(_SURPLUS):
        raise InvalidRecord("more fields than the header has columns")
    return e164


def csv_records(lines: Iterable[str]) -> tuple[Iterator[tuple[int, Record]], list[str]]:
    """The records of an import file, each with the line it starts on, and the columns of its
    header we do not know (they are ignored).

    Column names are matched without regard to case or surrounding spaces. Raises InvalidFile
    if there is no header or it lacks ``phone_number``; reading the records may raise
    csv.Error, OSError or UnicodeDecodeError for a file that cannot be read.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise InvalidFile("the file is empty: it needs a header line naming its columns")
    names = [name.strip().lower() for name in header]
    if "phone_number" not in names:
        raise InvalidFile(f"the header has no phone_number column (it has: {', '.join(header)})")
    unknown = [name for name in names if name and name not in COLUMNS]
    return _records(reader, names), unknown


def _records(reader: Any, names: list[str]) -> Iterator[tuple[int, Record]]:
    width = len(names)
    line = reader.line_num
    for fields in reader:
        start, line = line + 1, reader.line_num
        if not fields:
            continue  # a blank line
        record: dict[Any, str | None] = dict(zip(names, fields, strict=False))
        if len(fields) > width:
            record[_SURPLUS] = ",".join(fields[width:])
        yield start, record


# --- Use cases --------------------------------------------------------------------------------


def import_rows(
    db: Database,
    rows: Iterable[tuple[int, Record]],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import records, given with their line numbers; see the module's docstring.

    A number given twice counts the first time; later lines are reported as repeats. If this
    raises (a file that stops being readable, a lost database), the batches before stay
    imported (none, for a first load on PostgreSQL: see _Loader), and importing again completes
    the work.
    """
    report = ImportReport()
    first_lines: dict[str, int] = {}  # number → line it was first given on
    pending = 0  # records since the last batch was stored, good or not
    line = 0
    block: tuple[Any, ...] = ()  # the exchange and details of the last good record
    profile = 0
    with _Loader(db, report, progress) as loader:
        for line, record in rows:
            pending += 1
            try:
                e164 = record_number(record)
                values = detail_values(record)
                if (e164[:8], values) != block:
                    # A new block: files list a block's numbers together, with equal details,
                    # and comparing with the last is far cheaper than hashing every record's.
                    exchange = e164[:8]
                    profile = loader.profile_of((values, exchange), _exchange_row, values, exchange)
                    block = (exchange, values)
            except InvalidRecord as exc:
                report.bad.append(BadRow(line, str(exc)))
            else:
                first_line = first_lines.setdefault(e164, line)
                if first_line != line:
                    report.repeats.append(Repeat(line, e164, first_line))
                else:
                    loader.add(e164, profile)
            if pending >= batch_size:
                loader.store(line)
                pending = 0
        loader.store(line)
    return report


def add_range(
    db: Database,
    first: str,
    last: str,
    details: Record | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> RangeReport:
    """Add every suppliable number from ``first`` to ``last``, both included (a carrier's
    thousand-block, say), with the same details: the columns of an import file other than
    ``phone_number``, as text. Both ends must be in one supplied area code; numbers of the
    range outside its supply are reported, not added.

    Raises InvalidRange, or InvalidRecord for bad details.
    """
    numbers = NumberRange.of(first, last)
    space = area_code_space(numbers.area_code)
    if space is None:
        raise InvalidRange(f"area code {numbers.area_code} is not one we supply")
    low, high = numbers.low, numbers.high
    checked = details_of(details or {})
    report = RangeReport()
    with _Loader(db, report, progress) as loader:
        for exchange_low, exchange_high in _exchanges(low, high):
            first_number = f"+1{exchange_low}"
            if not space.contains(first_number):  # a space holds or lacks whole exchanges
                _add_run(report.not_suppliable, first_number, f"+1{exchange_high}")
                continue
            profile = loader.profile_of(first_number, with_number, checked, first_number, space)
            for national in range(exchange_low, exchange_high + 1):
                loader.add(f"+1{national}", profile)
                if len(loader) >= batch_size:
                    loader.store(national - low + 1)
        loader.store(high - low + 1)
    return report


def stats(db: Database, by_area_code: bool = False) -> list[Count]:
    """How many numbers the inventory holds and how many of them are owned: in all, or per area
    code (ascending)."""
    rows = db.run_sync(lambda tx: inventory_store.stats(tx, by_area_code))
    return [Count(label if by_area_code else None, total, owned) for label, total, owned in rows]


def remove(
    db: Database,
    phone_numbers: Iterable[str],
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Removal:
    """Take numbers (E.164) out of the inventory, so they can no longer be bought.

    Numbers a project owns are kept and reported, unless ``force``: then they are removed all
    the same (the project keeps its number; once released, it is not for sale again).
    """
    removal = Removal()
    done = 0
    for given in _batches(phone_numbers, batch_size):
        batch = list(dict.fromkeys(given))  # a number named twice is removed once

        def work(tx: Transaction, batch: Sequence[str] = batch) -> tuple[int, set[str]]:
            owned = inventory_store.owned_of(tx, batch)
            doomed = batch if force else [number for number in batch if number not in owned]
            return inventory_store.remove(tx, doomed), owned

        removed, owned = db.run_sync(work, write=True)
        removal.removed += removed
        removal.owned.extend(number for number in batch if number in owned)
        removal.missing += len(batch) - removed - (0 if force else len(owned))
        done += len(given)
        if progress is not None:
            progress(done)
    return removal


# --- Helpers ----------------------------------------------------------------------------------


def _national(e164: str) -> int:
    return int(e164[2:])


def _exchanges(low: int, high: int) -> Iterator[tuple[int, int]]:
    """The range cut at exchange boundaries: (first, last) national numbers of each piece."""
    while low <= high:
        end = min(high, low - low % 10_000 + 9_999)
        yield low, end
        low = end + 1


def _add_run(runs: list[tuple[str, str]], first: str, last: str) -> None:
    if runs and _national(runs[-1][1]) + 1 == _national(first):
        runs[-1] = (runs[-1][0], last)
    else:
        runs.append((first, last))


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


#: A pick key is an exchange's base (its 17 high bits) and a line's key (14 low bits): see
#: pick_base. Lines are shuffled by a fixed permutation of 0–9999 (7,919 is prime to 10,000).
_LINE_BITS = 14
_LINE_PICKS = [line * 7_919 % 10_000 for line in range(10_000)]


def pick_base(exchange: str) -> int:
    """Where the pick keys of an exchange's numbers (``+1NPANXX``) start.

    A buyer takes the first free number at or after a random key, so keys must scatter the
    exchanges (by a hash of the exchange); within one, they only shuffle its lines. Keeping an
    exchange's numbers together is what makes loading fast: a carrier's thousand-block lands in
    a few pages of each index instead of all over them (a million-number import took 26 s of CPU
    with keys drawn at random for each number, 17 s with these), and a page of search results
    mostly shows one exchange, as a carrier's own inventory would.
    """
    return (zlib.crc32(exchange.encode()) >> (32 - (31 - _LINE_BITS))) << _LINE_BITS


def pick_key(e164: str, base: int | None = None) -> int:
    """The pick key of a number: its exchange's base (pick_base, unless given) and its line's
    place in the shuffle."""
    return (pick_base(e164[:8]) if base is None else base) | _LINE_PICKS[int(e164[8:])]


class _Loader:
    """Numbers on their way into the inventory, stored a batch at a time (each batch one
    transaction) and counted into a report. Use it as a context manager.

    Numbers that share their details (an exchange's, from one line of details) share a
    profile, so a number costs the same few values to store however much the operator told us.

    A batch is stored in a thread of its own while the next one is read: the database (SQLite
    in C, or the PostgreSQL server) works on one core while Python checks rows on the other.
    A load into an empty PostgreSQL inventory is one transaction instead, which builds the
    free-number indexes at the end (see begin_fresh_load): all of it lands, or none of it.
    """

    def __init__(
        self,
        db: Database,
        report: ImportReport | RangeReport,
        progress: Progress | None,
    ) -> None:
        self._db = db
        self._report = report
        self._progress = progress
        self._profile_keys: dict[Any, int] = {}  # the caller's key → our index of the profile
        self._profiles: list[Profile] = []  # by our index
        #: What the exchange says of the numbers of each profile, by our index: their country,
        #: whether they are toll-free, and where their pick keys start.
        self._exchanges: list[tuple[str, bool, int]] = []
        self._stored_ids: dict[int, int] = {}  # our index → the stored profile's id
        self._numbers: list[tuple[str, str, str, bool, int, int]] = []
        self._storer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inventory-load")
        self._storing: Future[tuple[int, int, int, int]] | None = None
        self._fresh_load = ExitStack()
        self._fresh_tx: Transaction | None = None

    def __enter__(self) -> _Loader:
        tx = self._fresh_load.enter_context(self._db.transaction(write=True))
        if inventory_store.begin_fresh_load(tx):
            self._fresh_tx = tx
        else:
            self._fresh_load.close()
        return self

    def __exit__(self, *failure: Any) -> None:
        try:
            self._collect()
            if self._fresh_tx is not None and failure[0] is None:
                self._report.added_owned += inventory_store.end_fresh_load(self._fresh_tx)
        except BaseException:
            if failure[0] is None:
                failure = sys.exc_info()
            raise
        finally:
            self._storer.shutdown()
            self._fresh_load.__exit__(*failure)  # commits, or rolls back on failure

    def __len__(self) -> int:
        return len(self._numbers)

    def profile_of(
        self, key: Any, row_of: Callable[..., Mapping[str, Any]], *arguments: Any
    ) -> int:
        """Our index of the profile ``key`` names, for numbers of one exchange; ``row_of(
        *arguments)`` gives a stored row of that exchange the first time. Raises what
        ``row_of`` raises."""
        profile = self._profile_keys.get(key)
        if profile is None:
            row = row_of(*arguments)
            profile = self._profile_keys[key] = len(self._profiles)
            self._profiles.append(Profile(**{name: row[name] for name in PROFILE_COLUMNS}))
            exchange = row["phone_number"][:8]
            toll_free = row["area_code"] in TOLL_FREE_AREA_CODES
            self._exchanges.append((row["iso_country"], toll_free, pick_base(exchange)))
        return profile

    def add(self, phone_number: str, profile: int) -> None:
        """Add a number of the exchange the profile was made for."""
        country, toll_free, base = self._exchanges[profile]
        pick = pick_key(phone_number, base)  # the base was worked out with the profile
        self._numbers.append((phone_number, phone_number[2:5], country, toll_free, pick, profile))

    def store(self, done: int) -> None:
        """Send the numbers added since the last call to be stored; ``done`` is how far the work
        has got with them. Waits for the batch before, so one batch at most is in flight."""
        numbers, self._numbers = self._numbers, []
        self._collect()
        self._storing = self._storer.submit(self._store, numbers, done)

    def _store(
        self, numbers: list[tuple[str, str, str, bool, int, int]], done: int
    ) -> tuple[int, int, int, int]:
        fresh_tx = self._fresh_tx

        def work(tx: Transaction) -> tuple[int, int]:
            if not numbers:
                return 0, 0
            stored_ids = self._stored_ids
            for profile in {profile for *_, profile in numbers} - stored_ids.keys():
                stored_ids[profile] = inventory_store.profile_id(tx, self._profiles[profile])
            rows = [(*number[:5], stored_ids[number[5]]) for number in numbers]
            # A fresh load holds each number once: the import drops repeats, a range has none.
            return inventory_store.add(tx, rows, fresh=tx is fresh_tx)

        added, added_owned = (
            work(fresh_tx) if fresh_tx is not None else self._db.run_sync(work, write=True)
        )
        return added, added_owned, len(numbers), done

    def _collect(self) -> None:
        """Wait for the batch in flight, if any, and count it."""
        storing, self._storing = self._storing, None
        if storing is None:
            return
        added, added_owned, stored, done = storing.result()
        self._report.added += added
        self._report.added_owned += added_owned
        self._report.already_there += stored - added
        if self._progress is not None:
            self._progress(done)
