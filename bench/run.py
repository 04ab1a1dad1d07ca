"""Load numbersmith with wrk and compare it with the yardstick (bench/yardstick.py).

For each backend (a temporary SQLite file, a throwaway PostgreSQL database) it starts
``numbersmith serve --workers 1`` (or ``--workers N``) with fixed credentials and measures, in
this order:

    fetch            GET one number
    list @ 1,000     GET IncomingPhoneNumbers.json?PageSize=50, 1,000 numbers in the project
    list @ 100,000   the same, after bulk-seeding up to 100,000 numbers
    create           POST AreaCode=..., cycling over several US area codes

Creates run last because they add numbers. Every scenario is checked once by hand for the status
it must answer, warmed up, then loaded with wrk; any error answer or socket error fails the run.
The yardstick is loaded before and after each backend, and its best run is the reference.

    .venv/bin/python bench/run.py [--duration 10] [--backends sqlite,postgresql] [--workers 1]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

from numbersmith import numbering
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import DEFAULT_SETTINGS
from numbersmith.store import Database
from numbersmith.store.schema import incoming_phone_numbers as numbers_table
from support import server as servers
from support.databases import postgres_database

# Fixed credentials, so that a run is reproducible and its URLs can be pasted into curl.
PROJECT_ID = "0b5e7d1c-3f2a-4c6b-9e8d-7a1f0c2b4d6e"
API_TOKEN = "PT" + "b" * 64
AUTHORIZATION = "Basic " + base64.b64encode(f"{PROJECT_ID}:{API_TOKEN}".encode()).decode()

# The prefix the Twilio and SignalWire SDKs send (SignalWire also documents /api/laml/2010-04-01).
COLLECTION = f"/2010-04-01/Accounts/{PROJECT_ID}/IncomingPhoneNumbers"
PAGE_SIZE = 50
SMALL, LARGE = 1_000, 100_000

# Real, busy US area codes: numbers are seeded in them and bought from them.
AREA_CODES = ("310", "212", "415", "646", "718", "917", "213", "312", "617", "206")

BACKENDS = ("sqlite", "postgresql")

# wrk calls done() once at the end; one machine-readable line is easier to trust than parsing
# its human summary. Latencies are in microseconds; errors.status counts answers of 400 or more.
DONE_HOOK = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,'
    .. '"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- What to load --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    expected_status: int
    bodies: tuple[str, ...] = ()  # form bodies, sent in turn
    page_size: int | None = None  # records a list page must hold

    def lua(self) -> str:
        lines = [
            f'wrk.method = "{self.method}"',
            f'wrk.headers["Authorization"] = "{AUTHORIZATION}"',
        ]
        if self.bodies:
            lines.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
            quoted = ", ".join(f'"{body}"' for body in self.bodies)
            # A request() function costs wrk some speed, so only scenarios that vary use one.
            lines += [
                f"local bodies = {{{quoted}}}",
                "local sent = 0",
                "request = function()",
                "  sent = sent + 1",
                "  return wrk.format(nil, nil, nil, bodies[sent % #bodies + 1])",
                "end",
            ]
        return "\n".join(lines) + "\n" + DONE_HOOK


def fetch(sid: str) -> Scenario:
    return Scenario("fetch", "GET", f"{COLLECTION}/{sid}.json", 200)


def listing(count: int) -> Scenario:
    path = f"{COLLECTION}.json?PageSize={PAGE_SIZE}"
    return Scenario(f"list, {count:,} numbers", "GET", path, 200, page_size=PAGE_SIZE)


CREATE = Scenario(
    "create by area code",
    "POST",
    f"{COLLECTION}.json",
    201,
    bodies=tuple(f"AreaCode={code}" for code in AREA_CODES),
)

YARDSTICK = Scenario(
    "yardstick (raw ASGI, 1.3 KB JSON)", "GET", f"{COLLECTION}/yardstick.json", 200
)


# --- Measuring -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Load:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int  # answers of 400 or more, as wrk counts them
    socket_errors: dict[str, int]
    cpu_ms_per_request: float = 0.0  # the server process's CPU time, user + system

    @property
    def problems(self) -> str:
        found = [f"{self.non_2xx} HTTP errors"] if self.non_2xx else []
        found += [f"{count} {kind}" for kind, count in self.socket_errors.items() if count]
        return ", ".join(found)


@dataclasses.dataclass(frozen=True)
class Row:
    scenario: str
    backend: str
    load: Load | None
    failure: str = ""


@dataclasses.dataclass(frozen=True)
class Settings:
    duration: int
    warmup: int
    connections: int
    threads: int
    #: Server worker processes (``numbersmith serve --workers``).
    workers: int = 1


def check(base_url: str, scenario: Scenario) -> None:
    """Send the scenario's request once and insist on its status (and a full page), so a load of
    errors or of empty pages cannot pass for a fast server."""
    body = scenario.bodies[0].encode() if scenario.bodies else None
    request = urllib.request.Request(base_url + scenario.path, data=body, method=scenario.method)
    request.add_header("Authorization", AUTHORIZATION)
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    if status != scenario.expected_status:
        raise RuntimeError(
            f"{scenario.method} {scenario.path} answered {status}, not "
            f"{scenario.expected_status}: {payload[:300]!r}"
        )
    if scenario.page_size is not None:
        records = len(json.loads(payload)["incoming_phone_numbers"])
        if records != scenario.page_size:
            raise RuntimeError(f"the page holds {records} numbers, not {scenario.page_size}")


def wrk(base_url: str, scenario: Scenario, seconds: int, settings: Settings, workdir: Path) -> Load:
    script = workdir / "scenario.lua"
    script.write_text(scenario.lua())
    command = [
        "wrk",
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={script}",
        base_url + scenario.path,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((line for line in finished.stdout.splitlines() if line.startswith("RESULT ")), None)
    if finished.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}"
        )
    result = json.loads(line.removeprefix("RESULT "))
    return Load(
        requests=result["requests"],
        requests_per_second=result["requests"] / (result["duration_us"] / 1e6),
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        non_2xx=result["status"],
        socket_errors={kind: result[kind] for kind in ("connect", "read", "write", "timeout")},
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process and its worker processes have used so far."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(
    base_url: str, pid: int, scenario: Scenario, backend: str, settings: Settings, workdir: Path
) -> Row:
    try:
        check(base_url, scenario)
        if settings.warmup:
            # Warm caches, prepared statements and per-area-code tables before measuring.
            wrk(base_url, scenario, settings.warmup, settings, workdir)
        cpu_before = cpu_seconds(pid)
        load = wrk(base_url, scenario, settings.duration, settings, workdir)
        # Requests/s moves with whatever else the machine runs; CPU time per request does not,
        # so it tells a slow server from a busy machine.
        cpu_per_request = (cpu_seconds(pid) - cpu_before) / max(load.requests, 1)
        load = dataclasses.replace(load, cpu_ms_per_request=cpu_per_request * 1000)
    except RuntimeError as error:
        log(f"  {scenario.name}: FAILED: {error}")
        return Row(scenario.name, backend, None, str(error))
    log(
        f"  {scenario.name}: {load.requests_per_second:,.0f} req/s, p50 {load.p50_ms:.2f} ms, "
        f"p99 {load.p99_ms:.2f} ms, {load.cpu_ms_per_request:.3f} ms CPU/request"
        + (f" ({load.problems})" if load.problems else "")
    )
    return Row(scenario.name, backend, load, load.problems)


# --- Servers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def yardstick(log_path: Path) -> Iterator[tuple[str, int]]:
    """The yardstick, served the way ``numbersmith serve`` serves the API."""
    port = servers.free_port()
    # The server options `numbersmith serve --workers 1` gives uvicorn.run (see cli.py).
    options = "--workers=1 --loop=uvloop --http=httptools --no-access-log --log-level=warning"
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "uvicorn", "yardstick:app"]
    command += [f"--app-dir={BENCH}", "--host=127.0.0.1", f"--port={port}", *options.split()]
    with open(log_path, "ab") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_ready(base_url, process)
        yield base_url, process.pid
    finally:
        servers.stop(process)


@contextlib.contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh database: a SQLite file in ``workdir`` or a PostgreSQL database; removed after."""
    if backend == "sqlite":
        path = workdir / "numbersmith.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
    else:
        with postgres_database() as url:
            yield url


# --- Seeding -------------------------------------------------------------------------------------

INSERT_NUMBER = numbers_table.insert().values(
    {column.name: sa.bindparam(column.name) for column in numbers_table.c if column.name != "id"}
)


def _spaces() -> list[numbering.AreaCodeSpace]:
    spaces = [numbering.area_code_space(code) for code in AREA_CODES]
    missing = [code for code, space in zip(AREA_CODES, spaces, strict=True) if space is None]
    if missing:
        raise SystemExit(f"not supplied area codes: {', '.join(missing)}")
    return spaces  # type: ignore[return-value]


def _row(index: int, spaces: list[numbering.AreaCodeSpace], moment: int) -> dict:
    """The ``index``-th seeded number: distinct for distinct indexes, valid by construction
    (an ordinal of an area code's space), and spread over all the area codes."""
    space = spaces[index % len(spaces)]
    return owned_number_row(
        f"{index:08x}-5eed-4000-8000-{index:012x}",
        PROJECT_ID,
        space.number(index // len(spaces)),
        space.region,
        moment,
    )


def owned_number_row(sid: str, project_id: str, e164: str, country: str, moment: int) -> dict:
    """A row of incoming_phone_numbers, as a purchase with no settings would store it."""
    return {
        **DEFAULT_SETTINGS,
        "sid": sid,
        "project_id": project_id,
        "phone_number": e164,
        "country_code": country,
        "friendly_name": numbering.friendly_name(e164),
        "origin": "signalwire",
        "beta": False,
        "capability_voice": True,
        "capability_sms": True,
        "capability_mms": True,
        "capability_fax": True,
        "date_created": moment,
        "date_updated": moment,
    }


def settle(db: Database, connection: sa.Connection, table: str) -> None:
    """Finish now what a bulk load leaves the database to do later, possibly in the middle of a
    measurement: on SQLite, move the write-ahead log into the database (the server's background
    checkpoints would copy it, charged to the scenario that runs then); on PostgreSQL, vacuum
    and analyse the table, as autovacuum would within a minute of a bulk insert. Until it has,
    index-only scans (a list page's keys) visit the table for every row: with ANALYZE alone,
    the list at 100,000 numbers on PostgreSQL ran at 0.81-0.83 times the list at 1,000."""
    if db.is_sqlite:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        # VACUUM cannot run inside a transaction, so not in the caller's: in one of its own.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
            autocommit.exec_driver_sql(f"VACUUM ANALYZE {table}")


def seed_sid(index: int) -> str:
    return _row(index, _spaces(), 0)["sid"]


def seed(database_url: str, first: int, total: int, batch: int = 10_000) -> None:
    """Bring the project from ``first`` to ``total`` numbers with bulk inserts through the store
    layer, the way the server writes rows, in a fraction of the time HTTP calls would take."""
    started = time.perf_counter()
    spaces = _spaces()
    db = Database(database_url)
    try:
        for low in range(first, total, batch):
            moment = now()
            rows = [_row(index, spaces, moment) for index in range(low, min(low + batch, total))]
            db.run_sync(lambda tx, rows=rows: tx.execute_many(INSERT_NUMBER, rows), write=True)
        with db.engine.begin() as connection:
            settle(db, connection, numbers_table.name)
            count = connection.scalar(
                sa.select(sa.func.count())
                .select_from(numbers_table)
                .where(numbers_table.c.project_id == PROJECT_ID)
            )
    finally:
        db.dispose()
    if count != total:
        raise RuntimeError(f"seeded {count} numbers, expected {total}")
    log(f"  seeded {total - first:,} numbers in {time.perf_counter() - started:.1f} s")


# --- The run -------------------------------------------------------------------------------------


def run_backend(backend: str, settings: Settings, workdir: Path) -> list[Row]:
    log(f"{backend}:")
    with database(backend, workdir) as url:
        server_log = workdir / f"numbersmith-{backend}.log"
        try:
            server = servers.start(
                url,
                project_id=PROJECT_ID,
                api_token=API_TOKEN,
                workers=settings.workers,
                log_path=server_log,
            )
        except RuntimeError:
            log(server_log.read_text(errors="replace")[-3000:])
            raise

        def load(scenario: Scenario) -> Row:
            return measure(
                server.base_url, server.process.pid, scenario, backend, settings, workdir
            )

        try:
            seed(url, 0, SMALL)
            rows = [load(fetch(seed_sid(SMALL // 2))), load(listing(SMALL))]
            seed(url, SMALL, LARGE)
            rows += [load(listing(LARGE)), load(CREATE)]
        finally:
            servers.stop(server.process)
    return rows


def table(yardstick_row: Row, rows: list[Row]) -> str:
    reference = yardstick_row.load.requests_per_second if yardstick_row.load else None
    lines = [
        "| scenario | backend | req/s | p50 | p99 | × yardstick | CPU/request | failed requests |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in [yardstick_row, *rows]:
        if row.load is None:
            lines.append(f"| {row.scenario} | {row.backend} | – | – | – | – | – | FAILED |")
            continue
        ratio = f"{row.load.requests_per_second / reference:.2f}x" if reference else "–"
        lines.append(
            f"| {row.scenario} | {row.backend} | {row.load.requests_per_second:,.0f} "
            f"| {row.load.p50_ms:.2f} ms | {row.load.p99_ms:.2f} ms | {ratio} "
            f"| {row.load.cpu_ms_per_request:.3f} ms | {row.load.problems or 0} |"
        )
    return "\n".join(lines)


def cpu_busy(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time spent working over the next ``seconds``. A truer
    picture than the load average, which also counts tasks that wait without computing."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    busy_before, total_before = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    return (busy_after - busy_before) / max(total_after - total_before, 1)


def revision() -> str:
    """The commit measured, marked -dirty when the working tree has changes."""
    described = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return described.stdout.strip() or "unknown"


def add_backends_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated, from: " + ", ".join(BACKENDS),
    )


def chosen_backends(parser: argparse.ArgumentParser, options: argparse.Namespace) -> list[str]:
    backends = [name.strip() for name in options.backends.split(",") if name.strip()]
    if not backends or any(name not in BACKENDS for name in backends):
        parser.error(f"--backends takes a comma-separated list of {', '.join(BACKENDS)}")
    return backends


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up first (2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (1)")
    add_backends_option(parser)
    options = parser.parse_args()
    backends = chosen_backends(parser, options)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed")
    settings = Settings(
        options.duration, options.warmup, options.connections, options.threads, options.workers
    )

    started, measured = datetime.now(), revision()
    busy = cpu_busy()
    if busy > 0.1:
        # wrk and the server under test need the machine to themselves to give stable figures.
        log(f"warning: the CPUs are {busy:.0%} busy already; other work will skew the figures")
    with tempfile.TemporaryDirectory(prefix="numbersmith-bench-") as temporary:
        workdir = Path(temporary)
        with yardstick(workdir / "yardstick.log") as (base_url, pid):

            def load_yardstick() -> Row:
                log("yardstick:")
                return measure(base_url, pid, YARDSTICK, "–", settings, workdir)

            # The yardstick is loaded before and after each backend and its best run is the
            # reference: other work on the machine can only lower a run's figure, never raise it.
            yardstick_rows, rows = [load_yardstick()], []
            for backend in backends:
                rows += run_backend(backend, settings, workdir)
                yardstick_rows.append(load_yardstick())

    failures = [row for row in [*yardstick_rows, *rows] if row.failure]
    measured_yardsticks = [row for row in yardstick_rows if row.load is not None]
    best = max(
        measured_yardsticks,
        key=lambda row: row.load.requests_per_second,
        default=yardstick_rows[0],
    )
    best = dataclasses.replace(best, scenario=f"{best.scenario}, best of {len(yardstick_rows)}")
    report = table(best, rows)
    print(report)
    for row in failures:
        print(f"\nFAILED: {row.scenario} on {row.backend}: {row.failure}")

    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    saved = results / f"{started:%Y%m%d-%H%M%S}.md"
    saved.write_text(
        f"# numbersmith benchmark, {started:%Y-%m-%d %H:%M:%S}, {measured}\n\n"
        f"wrk: {settings.threads} thread(s), {settings.connections} connections, "
        f"{settings.duration} s per scenario after {settings.warmup} s of warm-up; "
        f"{settings.workers} uvicorn worker(s) each; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; "
        f"CPUs {busy:.0%} busy just before the start.\n\n"
        + report
        + "\n"
        + "".join(f"\nFAILED: {r.scenario} on {r.backend}: {r.failure}\n" for r in failures)
    )
    log(f"\nsaved to {saved.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
