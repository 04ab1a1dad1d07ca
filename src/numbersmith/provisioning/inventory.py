"""Use cases of the operator's inventory: import numbers, add a block, count, remove.

In inventory supply only these numbers can be searched and bought. An import is a stream of
records (the rows of a CSV file) checked one by one: bad records are reported with their line
and the rest are stored in batches, each batch one transaction. Numbers already in the inventory
are left as they are, so running an import again (after a crash, or with a file that grew)
completes it without doubling anything.

A number a project already owns (bought before it was imported) is imported as owned, so it is
never offered again.
"""

from __future__ import annotations

import csv
import functools
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from numbersmith.numbering import (
    AreaCodeSpace,
    InvalidNumber,
    NumberNotSupplied,
    area_code_space,
    geography,
    parse_e164,
)
from numbersmith.store import Database, Transaction
from numbersmith.store import inventory as inventory_store
from numbersmith.store import numbers as number_store
from numbersmith.store.inventory import PICK_RANGE

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

#: Rows per transaction. On SQLite each commit writes every page the batch touched to the log,
#: and random picks touch most pages of the free-number indexes: inserting a million numbers
#: took 29 s in batches of 20,000 and 22 s in batches of 50,000. A batch holds SQLite's write
#: lock for about a second; a server on the same database stalls that long at worst.
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

#: Owned numbers read per query when looking for those of a batch.
_OWNED_PAGE = 10_000

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


#: The supplied exchanges of each area code ("+1NPA"), learnt as numbers come; empty when the
#: area code is not supplied.
_EXCHANGES: dict[str, frozenset[str]] = {}


def _supplied_e164(text: str) -> bool:
    """Whether ``text`` is exactly ``+1NPANXXXXXX`` and in the supply: the common case of an
    import file, in a few dictionary and set lookups."""
    exchanges = _EXCHANGES.get(text[:5])
    if exchanges is None:
        prefix = text[:5]
        if not (
            prefix[:2] == "+1" and len(prefix) == 5 and prefix.isascii() and prefix[2:].isdigit()
        ):
            return False
        space = area_code_space(prefix[2:])
        exchanges = _EXCHANGES[prefix] = frozenset(space.exchanges if space else ())
    line = text[8:]
    return len(text) == 12 and text[5:8] in exchanges and line.isascii() and line.isdigit()


def details_of(record: Record) -> dict[str, Any]:
    """The stored columns other than the number's own, from the text of a record.

    Empty or missing text columns are unknown (None); capabilities default to true, the origin
    to signalwire. Raises InvalidRecord.
    """
    return dict(_details(tuple(map(record.get, _DETAIL_COLUMNS))))


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
    text = record.get("phone_number") or ""
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
    row = dict(_exchange_row(tuple(map(record.get, _DETAIL_COLUMNS)), e164[:8]))
    row["phone_number"] = e164
    return row


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
        record: dict[Any, str | None] = dict(zip(names, fields))
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
    rng: random.Random | None = None,
) -> ImportReport:
    """Import records, given with their line numbers; see the module's docstring.

    A number given twice counts the first time; later lines are reported as repeats. If this
    raises (a file that stops being readable, a lost database), the batches before stay
    imported, and importing again completes the work.
    """
    random_fraction = (rng or random.Random()).random
    report = ImportReport()
    first_lines: dict[int, int] = {}  # national number → line it was first given on
    batch: list[dict[str, Any]] = []
    pending = 0  # records since the last batch was stored, good or not
    line = 0
    for line, record in rows:
        pending += 1
        try:
            row = inventory_row(record)
        except InvalidRecord as exc:
            report.bad.append(BadRow(line, str(exc)))
        else:
            e164 = row["phone_number"]
            first_line = first_lines.setdefault(int(e164[2:]), line)
            if first_line != line:
                report.repeats.append(Repeat(line, e164, first_line))
            else:
                row["pick"] = int(random_fraction() * PICK_RANGE)  # as _pick, inline
                row["owned"] = False
                batch.append(row)
        if pending >= batch_size:
            _store(db, batch, report, progress, line)
            batch, pending = [], 0
    _store(db, batch, report, progress, line)
    return report


def add_range(
    db: Database,
    first: str,
    last: str,
    details: Record | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    rng: random.Random | None = None,
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
    rng = rng or random.Random()
    report = RangeReport()
    batch: list[dict[str, Any]] = []
    for exchange_low, exchange_high in _exchanges(low, high):
        first_number = f"+1{exchange_low}"
        if not space.contains(first_number):  # a space holds or lacks whole exchanges
            _add_run(report.not_suppliable, first_number, f"+1{exchange_high}")
            continue
        template = with_number(checked, first_number, space)
        for national in range(exchange_low, exchange_high + 1):
            row = {**template, "phone_number": f"+1{national}"}
            row["pick"] = _pick(rng)
            row["owned"] = False
            batch.append(row)
            if len(batch) >= batch_size:
                _store(db, batch, report, progress, national - low + 1)
                batch = []
    _store(db, batch, report, progress, high - low + 1)
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


def _pick(rng: random.Random) -> int:
    # A third of randrange's cost, and as uniform as a pick needs.
    return int(rng.random() * PICK_RANGE)


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


def _store(
    db: Database,
    rows: list[dict[str, Any]],
    report: ImportReport | RangeReport,
    progress: Progress | None,
    done: int,
) -> None:
    """Store a batch and count it in the report; ``done`` is how far the work has got then."""
    if rows:
        added, added_owned = _store_batch(db, rows)
        report.added += added
        report.added_owned += added_owned
        report.already_there += len(rows) - added
    if progress is not None:
        progress(done)


def _store_batch(db: Database, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Store rows in one transaction, numbers a project owns as owned; returns how many were
    added and how many of those as owned."""
    numbers = sorted(row["phone_number"] for row in rows)

    def work(tx: Transaction) -> tuple[int, int]:
        owned = _owned_among(tx, numbers)
        if not owned:
            return inventory_store.add(tx, rows), 0
        for row in rows:
            row["owned"] = row["phone_number"] in owned
        added_owned = inventory_store.add(tx, [row for row in rows if row["owned"]])
        added_free = inventory_store.add(tx, [row for row in rows if not row["owned"]])
        return added_owned + added_free, added_owned

    return db.run_sync(work, write=True)


def _owned_among(tx: Transaction, numbers: Sequence[str]) -> set[str]:
    """Those of ``numbers`` (ascending) that a project owns.

    Reads the owned numbers between the first and the last: one query for a batch from a sorted
    file, where the span is narrow; more, and more rows, for a batch spread over many area codes
    where projects own many numbers.
    """
    wanted = set(numbers)
    found: set[str] = set()
    low, high = numbers[0], numbers[-1]
    while True:
        page = number_store.owned_between(tx, low, high, _OWNED_PAGE)
        found.update(number for number in page if number in wanted)
        if len(page) < _OWNED_PAGE:
            return found
        low = page[-1]  # read again, harmlessly: the next page starts with it
