"""Time ``numbersmith inventory import`` end to end on a million-number file.

Writes a CSV of carrier thousand-blocks spread over several area codes (phone_number,
rate_center, lata; region and locality left for the import to fill in from libphonenumber), then
for each backend (a temporary SQLite file, a throwaway PostgreSQL database) makes a fresh
database, has a project buy some of the file's numbers first (they must be imported as owned),
and runs the command twice: the import, then the same file again (every number skipped).

    .venv/bin/python bench/inventory_import.py [--rows 1000000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from run import (
    INSERT_NUMBER,
    add_backends_option,
    chosen_backends,
    database,
    owned_number_row,
)

from numbersmith import numbering
from numbersmith.provisioning import accounts
from numbersmith.provisioning.clock import now
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import inventory_numbers

AREA_CODES = ("310", "212", "415", "646", "718", "917", "213", "312", "617", "416")
BLOCK = 1_000
NUMBERSMITH = ROOT / ".venv" / "bin" / "numbersmith"
#: The bar an import of a million numbers must clear on this project's two-core machine.
TARGET_SECONDS = 20.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def blocks(rows: int, rng: random.Random) -> list[str]:
    """``rows // BLOCK`` distinct thousand-blocks (their first number), area codes in turn, as a
    carrier's export lists them: block after block, each in ascending order."""
    spaces = [numbering.area_code_space(code) for code in AREA_CODES]
    chosen: list[str] = []
    taken: set[str] = set()
    while len(chosen) < rows // BLOCK:
        space = spaces[len(chosen) % len(spaces)]
        assert space is not None
        first = f"+1{space.area_code}{rng.choice(space.exchanges)}{rng.randrange(10)}000"
        if first not in taken:
            taken.add(first)
            chosen.append(first)
    return chosen


def write_csv(path: Path, firsts: list[str]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["phone_number", "rate_center", "lata"])
        for first in firsts:
            rate_center, lata = f"RC {first[2:8]}", f"{first[2:5]}0"
            base = int(first[2:])
            writer.writerows((f"+1{base + line}", rate_center, lata) for line in range(BLOCK))


def buy_first(database_url: str, numbers: list[str]) -> None:
    """A project owns these numbers before they are imported."""
    db = Database(database_url)
    try:
        upgrade(db)
        project_id = accounts.create_project(db, "bench").project_id
        moment = now()
        rows = [
            owned_number_row(
                f"{index:08x}-0000-4000-8000-{index:012x}", project_id, e164, "US", moment
            )
            for index, e164 in enumerate(numbers)
        ]
        db.run_sync(lambda tx: tx.execute_many(INSERT_NUMBER, rows), write=True)
    finally:
        db.dispose()


def counts(database_url: str) -> tuple[int, int]:
    """(numbers in the inventory, of which owned)."""
    db = Database(database_url)
    try:
        with db.engine.connect() as connection:
            t = inventory_numbers
            total = connection.scalar(sa.select(sa.func.count()).select_from(t))
            owned = connection.scalar(sa.select(sa.func.count()).where(t.c.owned == sa.true()))
            return int(total or 0), int(owned or 0)
    finally:
        db.dispose()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_import(database_url: str, path: Path) -> tuple[float, float, str]:
    """Seconds the command took, the CPU seconds it used, and its summary line."""
    environment = {**os.environ, "NUMBERSMITH_DATABASE_URL": database_url}
    cpu = _children_cpu()
    started = time.perf_counter()
    finished = subprocess.run(
        [str(NUMBERSMITH), "inventory", "import", str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if finished.returncode != 0:
        raise SystemExit(f"import failed ({finished.returncode}): {finished.stderr[-2000:]}")
    if finished.stderr:
        raise SystemExit(f"import reported problems: {finished.stderr[-2000:]}")
    return seconds, cpu, finished.stdout.strip().splitlines()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="a multiple of 1,000")
    parser.add_argument("--owned", type=int, default=1_000, help="numbers bought before (1,000)")
    add_backends_option(parser)
    options = parser.parse_args()
    backends = chosen_backends(parser, options)
    if options.rows % BLOCK or options.rows <= 0:
        parser.error(f"--rows must be a positive multiple of {BLOCK:,}")

    load_average = os.getloadavg()[0]
    if load_average > 0.5:
        # Two cores: anything else running shows up directly in the times.
        log(f"warning: load average is {load_average:.2f}; other work will skew the figures")
    rng = random.Random(1)
    results = []
    with tempfile.TemporaryDirectory(prefix="numbersmith-inventory-") as temporary:
        workdir = Path(temporary)
        path = workdir / "inventory.csv"
        started = time.perf_counter()
        firsts = blocks(options.rows, rng)
        write_csv(path, firsts)
        log(
            f"wrote {options.rows:,} numbers in {len(firsts):,} blocks "
            f"({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        # Spread over the whole file, so every batch meets some.
        owned = sorted(
            f"+1{int(first[2:]) + rng.randrange(BLOCK)}"
            for first in rng.sample(firsts, min(options.owned, len(firsts)))
        )
        for backend in backends:
            with database(backend, workdir) as url:
                buy_first(url, owned)
                log(f"{backend}: importing")
                first_run, first_cpu, summary = timed_import(url, path)
                log(f"  {first_run:.1f} s: {summary}")
                total, owned_count = counts(url)
                if (total, owned_count) != (options.rows, len(owned)):
                    raise SystemExit(
                        f"{backend}: {total:,} numbers, {owned_count:,} owned; expected "
                        f"{options.rows:,} and {len(owned):,}"
                    )
                log(f"{backend}: importing the same file again")
                again, again_cpu, summary = timed_import(url, path)
                log(f"  {again:.1f} s: {summary}")
                results.append((backend, first_run, first_cpu, again, again_cpu))

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\n{options.rows:,} numbers, {os.cpu_count()} CPUs, target {TARGET_SECONDS:.0f} s\n")
    print("| backend | import | its CPU | import again | its CPU |")
    print("|---|---:|---:|---:|---:|")
    for backend, first_run, first_cpu, again, again_cpu in results:
        print(
            f"| {backend} | {first_run:.1f} s | {first_cpu:.1f} s "
            f"| {again:.1f} s | {again_cpu:.1f} s |"
        )
    print(f"\npeak memory of an import: {peak:.0f} MB")
    slow = [backend for backend, first_run, *_ in results if first_run > TARGET_SECONDS]
    scale = options.rows / 1_000_000
    if slow and scale >= 1:
        print(f"\nSLOWER THAN {TARGET_SECONDS:.0f} s: {', '.join(slow)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
