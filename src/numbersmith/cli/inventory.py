"""``numbersmith inventory``: the operator's stock of numbers."""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO

import click

from numbersmith.cli.common import database
from numbersmith.provisioning import inventory as inventory_cases
from numbersmith.store import Database


@click.group()
def inventory() -> None:
    """Manage the inventory: the numbers that can be searched and bought in inventory supply."""


@contextlib.contextmanager
def _progress(
    label: str, length: Callable[[], int | None]
) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, fed how far the work has got; only for a person watching."""
    total = length() if sys.stderr.isatty() else None
    if total is None:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda done: bar.update(done - bar.pos)


def _bulkdatabase() -> Database:
    """The database, for writing many rows: SQLite's log is moved into the database file as the
    rows come, by a thread of its own, instead of growing by a gigabyte a million numbers."""
    db = database()
    db.start_background_checkpoints()
    return db


def _data_lines(path: str) -> int | None:
    """Lines after the header, for the progress bar: a fast count of newlines."""
    if path == "-":
        return None
    lines = 0
    last = b"\n"
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n") - 1


def _open_text(path: str) -> IO[str]:
    if path == "-":
        return click.open_file("-")  # standard input, left open when the import closes it
    # utf-8-sig: spreadsheets save CSV with a byte-order mark.
    return open(path, encoding="utf-8-sig", newline="")


def _unreadable(path: str, exc: Exception) -> click.ClickException:
    return click.ClickException(f"{path}: cannot be read: {exc}")


def _report_owned(added_owned: int) -> None:
    if added_owned:
        click.echo(f"{added_owned} of the added numbers a project owns: added as owned")


@inventory.command("import")
@click.argument("path", metavar="FILE")
@click.option(
    "--batch-size",
    default=inventory_cases.BATCH_SIZE,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Rows per transaction.",
)
def inventory_import(path: str, batch_size: int) -> None:
    """Import numbers from a CSV file ("-" for stdin).

    The header names the columns: phone_number (required: +13103386745 or 3103386745), and
    optionally region, locality, rate_center, lata, origin (signalwire or hosted) and voice,
    sms, mms, fax (true/false, yes/no, 1/0; true when empty). A region or locality left out is
    filled in from libphonenumber. Numbers already in the inventory are skipped, so importing a
    file again completes an interrupted import. A number a project owns is imported as owned.

    Bad rows are listed on stderr and the rest imported. Exits 1 if the file cannot be read.
    """
    try:
        file = _open_text(path)
        records, unknown = inventory_cases.csv_records(file)
    except inventory_cases.InvalidFile as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _unreadable(path, exc) from None
    if unknown:
        click.echo(f"ignoring unknown columns: {', '.join(unknown)}", err=True)
    db = _bulkdatabase()
    try:
        with file, _progress("Importing", lambda: _data_lines(path)) as progress:
            report = inventory_cases.import_rows(
                db, records, batch_size=batch_size, progress=progress
            )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(
            f"{path}: cannot be read: {exc}. The rows before the failure are imported; "
            "importing the file again completes the import."
        ) from None
    finally:
        db.dispose()
    for bad in report.bad:
        click.echo(f"line {bad.line}: {bad.reason}", err=True)
    for repeat in report.repeats:
        click.echo(
            f"line {repeat.line}: {repeat.phone_number} repeats line {repeat.first_line}, skipped",
            err=True,
        )
    click.echo(
        f"added {report.added}, skipped {report.skipped} ({report.already_there} already in "
        f"the inventory, {len(report.repeats)} repeated in the file), bad {len(report.bad)}"
    )
    _report_owned(report.added_owned)


_CAPABILITIES = ("voice", "sms", "mms", "fax")


@inventory.command("add-range")
@click.argument("first")
@click.argument("last")
@click.option("--region", help="State or province code.  [default: from libphonenumber]")
@click.option("--locality", help="City.  [default: from libphonenumber]")
@click.option("--rate-center")
@click.option("--lata")
@click.option(
    "--origin",
    type=click.Choice(inventory_cases.ORIGINS),
    default=inventory_cases.DEFAULT_ORIGIN,
    show_default=True,
)
@click.option("--voice/--no-voice", default=True, show_default=True)
@click.option("--sms/--no-sms", default=True, show_default=True)
@click.option("--mms/--no-mms", default=True, show_default=True)
@click.option("--fax/--no-fax", default=True, show_default=True)
def inventory_add_range(first: str, last: str, **options: str | bool | None) -> None:
    """Add every number from FIRST to LAST, both included: a block such as +13103380000
    +13103380999. Both must be in one area code; numbers outside the supply (N11 and 555
    exchanges, unassigned exchanges) are listed and left out. Numbers already in the inventory
    are skipped; a number a project owns is added as owned."""
    # The same rules as a row of an import file, so the details are given as its text.
    details: dict[str, str | None] = {}
    for name, value in options.items():
        if name in _CAPABILITIES:
            details[name] = "true" if value else "false"
        else:
            details[name] = value if isinstance(value, str) else None
    db = _bulkdatabase()
    try:
        with _progress("Adding", lambda: _range_length(first, last)) as progress:
            report = inventory_cases.add_range(db, first, last, details, progress=progress)
    except (inventory_cases.InvalidRange, inventory_cases.InvalidRecord) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    for run_first, run_last in report.not_suppliable:
        click.echo(f"not a number we supply, left out: {run_first} to {run_last}", err=True)
    click.echo(
        f"added {report.added}, skipped {report.already_there} already in the inventory, "
        f"left out {report.not_suppliable_count} not supplied"
    )
    _report_owned(report.added_owned)


def _range_length(first: str, last: str) -> int | None:
    try:
        return len(inventory_cases.NumberRange.of(first, last))
    except inventory_cases.InvalidRange:
        return None  # the use case says why


@inventory.command("stats")
@click.option("--area-code", "by_area_code", is_flag=True, help="A line per area code.")
def inventory_stats(by_area_code: bool) -> None:
    """Count the numbers of the inventory: in all, owned (bought) and free."""
    db = database()
    try:
        counts = inventory_cases.stats(db, by_area_code)
    finally:
        db.dispose()
    if by_area_code:
        total = sum(count.total for count in counts)
        owned = sum(count.owned for count in counts)
        counts.append(inventory_cases.Count(None, total, owned))
    click.echo(f"{'area code':<10}{'total':>12}{'owned':>12}{'free':>12}")
    for count in counts:
        label = count.area_code or "all"
        click.echo(f"{label:<10}{count.total:>12}{count.owned:>12}{count.free:>12}")


@inventory.command("remove")
@click.argument("numbers", nargs=-1, metavar="[NUMBER]...")
@click.option(
    "--file",
    "path",
    metavar="FILE",
    help="Numbers one per line, or a CSV file with a phone_number column.",
)
@click.option(
    "--range",
    "bounds",
    nargs=2,
    metavar="FIRST LAST",
    help="Every number from FIRST to LAST, in one area code.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Remove numbers a project owns too: the project keeps each, and once "
    "released it is not for sale.",
)
def inventory_remove(
    numbers: tuple[str, ...], path: str | None, bounds: tuple[str, str] | None, force: bool
) -> None:
    """Take numbers out of the inventory, so they can no longer be bought.

    Numbers a project owns are kept and listed, and the command exits 1, unless --force.
    """
    if sum((bool(numbers), path is not None, bool(bounds))) != 1:
        raise click.UsageError("give one of NUMBER..., --file FILE or --range FIRST LAST")
    chosen: Sequence[str] | inventory_cases.NumberRange
    if bounds:
        try:
            chosen = inventory_cases.NumberRange.of(*bounds)
        except inventory_cases.InvalidRange as exc:
            raise click.ClickException(str(exc)) from None
    elif path is not None:
        try:
            chosen = _spelled(_numbers_in_file(path))
        except (OSError, UnicodeDecodeError, csv.Error, inventory_cases.InvalidFile) as exc:
            raise _unreadable(path, exc) from None
    else:
        chosen = _spelled(numbers)
    db = database()
    try:
        with _progress("Removing", lambda: len(chosen)) as progress:
            removal = inventory_cases.remove(db, chosen, force=force, progress=progress)
    finally:
        db.dispose()
    click.echo(f"removed {removal.removed}, not in the inventory {removal.missing}")
    if removal.owned and force:
        click.echo(f"{len(removal.owned)} of the removed numbers a project owns")
    elif removal.owned:
        for number in removal.owned:
            click.echo(f"kept {number}: a project owns it", err=True)
        raise click.ClickException(
            f"kept {len(removal.owned)} numbers a project owns; --force removes them too"
        )


def _numbers_in_file(path: str) -> list[str]:
    """The numbers of a file: one per line, or the phone_number column of an import file."""
    with _open_text(path) as file:
        lines = file.read().splitlines()
    if lines and "phone_number" in lines[0].lower():
        records, _ = inventory_cases.csv_records(lines)
        return [record.get("phone_number") or "" for _, record in records]
    return [line for line in lines if line.strip()]


def _spelled(given: Sequence[str]) -> list[str]:
    chosen = []
    for text in given:
        e164 = inventory_cases.spelled_e164(text)
        if e164 is None:
            raise click.ClickException(f"{text.strip()!r} is not a North American phone number")
        chosen.append(e164)
    return chosen
