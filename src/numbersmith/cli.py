"""``numbersmith serve | project | token | application | reset | simulate | inventory``."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import ipaddress
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TextIO

import click
import uvicorn

from numbersmith.config import Settings
from numbersmith.flavors import NAMES as FLAVORS
from numbersmith.provisioning import accounts
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.provisioning import inventory as inventory_cases
from numbersmith.provisioning import reset as reset_cases
from numbersmith.provisioning import seed as seeding
from numbersmith.provisioning import seed_file
from numbersmith.provisioning.errors import InvalidFriendlyName
from numbersmith.provisioning.supply import SUPPLIES, supply_named
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.traffic import transcript
from numbersmith.traffic.delivery import Allowlist, Courier
from numbersmith.traffic.interpreter import CallerScript
from numbersmith.traffic.simulation import Exchange, Simulator, TrafficError


def _database() -> Database:
    db = Database(Settings.from_environment().database_url)
    upgrade(db)
    return db


def _settled(db: Database) -> None:
    """Fix the database's flavour (see provisioning.flavor); refuse the other one, saying why."""
    try:
        database_flavor.settle(db, Settings.from_environment().flavor)
    except database_flavor.FlavorMismatch as exc:
        db.dispose()
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """numbersmith: a self-hosted, SignalWire/Twilio-compatible phone-number service."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--access-log/--no-access-log", default=False, show_default=True)
@click.option(
    "--supply",
    type=click.Choice(SUPPLIES),
    default=None,
    help="Where numbers come from [default: $NUMBERSMITH_SUPPLY or synthetic]",
)
@click.option(
    "--flavor",
    type=click.Choice(FLAVORS),
    default=None,
    help="The vendor to look like [default: $NUMBERSMITH_FLAVOR, else the database's; "
    "signalwire for a new one]",
)
@click.option(
    "--seed",
    "seed_path",
    metavar="FILE",
    help="Load projects, applications, numbers and inventory ranges from a YAML or JSON file "
    "before serving; loading it again changes nothing.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    supply: str | None,
    flavor: str | None,
    seed_path: str | None,
) -> None:
    """Migrate the database, then serve the API."""
    if supply is not None:
        # Workers read their settings from the environment.
        os.environ["NUMBERSMITH_SUPPLY"] = supply
    if flavor is not None:
        os.environ["NUMBERSMITH_FLAVOR"] = flavor
    settings = Settings.from_environment()
    try:
        supply_named(settings.supply)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NUMBERSMITH_SUPPLY") from None
    seed = _read_seed(seed_path) if seed_path is not None else None
    db = _database()
    _settled(db)
    served = database_flavor.current(db)
    if seed is not None:
        _apply_seed(db, seed, seed_path or "", settings.supply)
    if settings.project_id and settings.api_token:
        if not served.account_sid_form.fullmatch(settings.project_id):
            click.echo(
                f"Warning: NUMBERSMITH_PROJECT_ID is not an account sid of the {served.name} "
                f"flavour ({served.account_sid_form.pattern}): some clients will refuse it.",
                err=True,
            )
        credentials = accounts.ensure_project(db, settings.project_id, settings.api_token)
        _announce(credentials, "from NUMBERSMITH_PROJECT_ID / NUMBERSMITH_API_TOKEN")
    elif seed is not None and seed.projects:
        projects = ", ".join(project.project_id for project in seed.projects)
        click.echo(f"Projects of the seed (credentials as the file gives them): {projects}", err=True)
    elif (credentials := accounts.ensure_first_project(db)) is not None:
        _announce(credentials, "new database: these credentials are shown only once")
    else:
        click.echo(
            "Existing database. Create a token with: "
            "numbersmith token create --project PROJECT_ID --scope numbers",
            err=True,
        )
    db.dispose()
    if settings.webhook_allow is None and not _is_loopback(host):
        click.echo(
            f"Warning: serving on {host} with NUMBERSMITH_WEBHOOK_ALLOW unset: anyone who can "
            "reach this server can make it send webhook requests to any address it can reach, "
            "inside your network too. Set NUMBERSMITH_WEBHOOK_ALLOW to the networks or hosts "
            "your webhooks live on.",
            err=True,
        )
    click.echo(
        f"Serving on http://{host}:{port} ({settings.database_url}, {settings.supply} supply, "
        f"{served.name} flavour)",
        err=True,
    )
    uvicorn.run(
        "numbersmith.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=access_log,
        log_level="info",
        timeout_graceful_shutdown=30,
        # No client addresses are used, so forwarded headers need no parsing on every request.
        proxy_headers=False,
    )


def _read_seed(path: str) -> seeding.Seed:
    try:
        return seed_file.read(path)
    except seeding.SeedError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read: {exc}") from None


def _apply_seed(db: Database, seed: seeding.Seed, path: str, supply: str) -> None:
    try:
        report = seeding.apply(db, seed, supply_named(supply))
    except seeding.SeedError as exc:
        db.dispose()
        raise click.ClickException(f"{path}: {exc}") from None
    click.echo(
        f"Seed {path}: added {report.added}, changed {report.changed} to match it, "
        f"{report.inventory_added} numbers added to the inventory",
        err=True,
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _announce(credentials: accounts.Credentials, note: str) -> None:
    test = ""
    if credentials.test_project_id is not None:
        test = (
            f"Test account sid: {credentials.test_project_id}\n"
            f"Test auth token:  {credentials.test_api_token}\n"
        )
    click.echo(
        f"Project id:  {credentials.project_id}\n"
        f"API token:   {credentials.api_token}\n"
        f"Signing key: {credentials.signing_key}\n"
        f"{test}({note})",
        err=True,
    )


@main.group()
def project() -> None:
    """Manage projects (accounts)."""


@project.command("create")
@click.option("--name", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def project_create(name: str, as_json: bool) -> None:
    """Create a project with an API token holding every scope (and, in Twilio's flavour, test
    credentials)."""
    db = _database()
    _settled(db)
    credentials = accounts.create_project(db, name)
    if as_json:
        shown = {
            "project_id": credentials.project_id,
            "api_token": credentials.api_token,
            "signing_key": credentials.signing_key,
        }
        if credentials.test_project_id is not None:
            shown["test_project_id"] = credentials.test_project_id
            shown["test_api_token"] = credentials.test_api_token or ""
        click.echo(json.dumps(shown))
    else:
        _announce(credentials, f"project {name!r}")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(accounts.SCOPES))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def token_create(project_id: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create an API token with the given scopes."""
    try:
        value, granted = accounts.create_token(_database(), project_id, scopes)
    except accounts.UnknownProject:
        raise click.ClickException(f"no project {project_id}") from None
    if as_json:
        click.echo(json.dumps({"token": value, "scopes": granted}))
    else:
        click.echo(value)


@token.command("revoke")
@click.argument("value", metavar="TOKEN")
def token_revoke(value: str) -> None:
    """Revoke an API token; it stops working at once."""
    if not accounts.revoke_token(_database(), value):
        raise click.ClickException("no such token")
    click.echo("revoked", err=True)


@main.group()
def application() -> None:
    """Manage applications (targets of VoiceApplicationSid / SmsApplicationSid)."""


@application.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--name", required=True)
def application_create(project_id: str, name: str) -> None:
    """Create an application; print its sid."""
    try:
        click.echo(accounts.create_application(_database(), project_id, name))
    except accounts.UnknownProject:
        raise click.ClickException(f"no project {project_id}") from None
    except InvalidFriendlyName:
        raise click.ClickException("--name must be 1 to 64 characters long") from None


@main.command()
@click.option("--project", "project_id", help="The project to reset.")
@click.option("--all", "everything", is_flag=True, help="Delete every project and all it holds.")
@click.option("--yes", is_flag=True, help="Do not ask before --all.")
def reset(project_id: str | None, everything: bool, yes: bool) -> None:
    """Start over: --project ID releases the project's numbers (back to the supply), deletes its
    applications and forgets its journal, keeping the project and its tokens. --all deletes
    every project with its tokens, numbers, applications and journal (the inventory stays,
    every number of it free); it asks first, unless --yes."""
    if (project_id is None) == (not everything):
        raise click.UsageError("give one of --project ID or --all")
    db = _database()
    try:
        if project_id is not None:
            try:
                wiped = reset_cases.reset_project_now(db, project_id)
            except accounts.UnknownProject:
                raise click.ClickException(f"no project {project_id}") from None
            click.echo(
                f"reset {project_id}: released {wiped.numbers} numbers, deleted "
                f"{wiped.applications} applications, forgot {wiped.exchanges} exchanges"
            )
            return
        if not yes:
            click.confirm(
                "Delete every project, with its tokens, numbers, applications and journal?",
                abort=True,
                err=True,
            )
        wiped = reset_cases.reset_everything(db)
        click.echo(
            f"deleted {wiped.projects} projects, {wiped.numbers} numbers, "
            f"{wiped.applications} applications and {wiped.exchanges} exchanges"
        )
    finally:
        db.dispose()


@main.group()
def simulate() -> None:
    """Send a number a message or a call, as if from outside: its webhooks are requested, the
    LaML that comes back runs, and the exchange is journalled."""


def _simulator_run(work: Callable[[Simulator], Awaitable[Exchange]]) -> Exchange:
    async def run() -> Exchange:
        db = _database()
        settings = Settings.from_environment()
        allow = Allowlist.parse(settings.webhook_allow) if settings.webhook_allow else None
        try:
            kind = database_flavor.current(db, settings.flavor)
        except database_flavor.FlavorMismatch as exc:
            raise click.ClickException(str(exc)) from None
        courier = Courier(flavor=kind.name, allow=allow)
        try:
            return await work(Simulator(db, courier, kind))
        except TrafficError as exc:
            raise click.ClickException(transcript.refusal(exc)) from None
        finally:
            await courier.aclose()
            db.dispose()

    return asyncio.run(run())


def _show(exchange: Exchange, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({**exchange.record, "deliveries": exchange.deliveries}, indent=2))
    else:
        click.echo(transcript.text(exchange.record, exchange.deliveries))


@simulate.command("message")
@click.option("--to", required=True, help="The number that receives it (E.164).")
@click.option("--from", "from_", help="Who sends it (E.164). [default: +12025550123]")
@click.option("--body", default="", help="The text.")
@click.option("--media", multiple=True, help="A media URL; repeat for more.")
@click.option("--json", "as_json", is_flag=True, help="Print the exchange as JSON.")
def simulate_message(
    to: str, from_: str | None, body: str, media: tuple[str, ...], as_json: bool
) -> None:
    """Deliver a message to a number; print what its webhook answered and the replies."""
    exchange = _simulator_run(
        lambda simulator: simulator.message_to(to, from_=from_, body=body, media=media)
    )
    _show(exchange, as_json)


@simulate.command("call")
@click.option("--to", required=True, help="The number called (E.164).")
@click.option("--from", "from_", help="Who calls (E.164). [default: +12025550123]")
@click.option("--digits", multiple=True, help="What to press at each Gather, in turn.")
@click.option("--speech", multiple=True, help="What to say at each speech Gather, in turn.")
@click.option("--dial", multiple=True, help="How each Dial ends (completed[:SECONDS], busy, …).")
@click.option("--json", "as_json", is_flag=True, help="Print the exchange as JSON.")
def simulate_call(
    to: str,
    from_: str | None,
    digits: tuple[str, ...],
    speech: tuple[str, ...],
    dial: tuple[str, ...],
    as_json: bool,
) -> None:
    """Place a call to a number and run it to its end; print the transcript."""
    script = CallerScript(digits=digits, speech=speech, dial=dial)
    exchange = _simulator_run(
        lambda simulator: simulator.call_to(to, from_=from_, script=script)
    )
    _show(exchange, as_json)


@main.group()
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


def _bulk_database() -> Database:
    """The database, for writing many rows: SQLite's log is moved into the database file as the
    rows come, by a thread of its own, instead of growing by a gigabyte a million numbers."""
    db = _database()
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


def _open_text(path: str) -> TextIO:
    if path == "-":
        return click.get_text_stream("stdin")
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
    db = _bulk_database()
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
    db = _bulk_database()
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
    db = _database()
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
    chosen: Sequence[str]
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
    db = _database()
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
