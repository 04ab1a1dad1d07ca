"""Inventory supply under load: allocation when nearly full, and search throughput.

1. Allocation: 100,000 numbers of one area code in inventory. The mean time of a purchase by
   area code (sequential requests on one connection) with none owned, then with 99% owned, in
   the same run. The bar: the second at most twice the first.
2. Search: 1,000,000 numbers in inventory (thousand-blocks in ten area codes). Throughput of
   ``Local?AreaCode=…`` and ``Local?Contains=…`` against the throughput of a fetch, measured
   in the same run with wrk (before the searches and after; the better counts). The bars: at
   least 0.5× and 0.25× of fetch.
3. Search in a sparse inventory: 1,000,000 numbers scattered over twenty area codes (50,000
   each, drawn at random from every valid exchange: a handful per thousand-block), as years of
   sales or a carrier's scattered numbers leave it. ``Local?AreaCode=310&Contains=5*5`` against
   a fetch, as above. The bar: at least 0.25× of fetch.

    .venv/bin/python bench/inventory.py [--duration 10] [--backends sqlite,postgresql]
                                        [--measures allocation,dense,sparse]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # the wrk harness shared with bench/run.py
from run import API_TOKEN, AUTHORIZATION, PROJECT_ID, Scenario, log, servers

from numbersmith.numbering import area_code_space
from numbersmith.provisioning import inventory
from numbersmith.store import Database
from numbersmith.store import inventory as inventory_store
from numbersmith.store.schema import inventory_numbers

AREA_CODES = ("310", "212", "415", "646", "718", "917", "213", "312", "617", "206")
SPARSE_AREA_CODES = (
    *AREA_CODES,
    "202",
    "305",
    "404",
    "512",
    "602",
    "702",
    "713",
    "303",
    "503",
    "614",
)
MEASURES = ("allocation", "dense", "sparse")
SEARCH = f"/api/laml/2010-04-01/Accounts/{PROJECT_ID}/AvailablePhoneNumbers/US/Local.json"
PURCHASE = f"/api/laml/2010-04-01/Accounts/{PROJECT_ID}/IncomingPhoneNumbers.json"


def stock(database_url: str, numbers: list[str]) -> None:
    """Import the numbers, as ``numbersmith inventory import`` would."""
    started = time.perf_counter()
    db = Database(database_url)
    try:
        records = ((line, {"phone_number": number}) for line, number in enumerate(numbers, 2))
        report = inventory.import_rows(db, records)
        assert report.added == len(numbers), report
        with db.engine.begin() as connection:
            run.settle(db, connection, inventory_numbers.name)
    finally:
        db.dispose()
    log(f"  stocked {len(numbers):,} numbers in {time.perf_counter() - started:.1f} s")


def thousand_blocks(area_codes: tuple[str, ...], count: int) -> list[str]:
    """``count`` numbers in whole thousand-blocks, spread over the area codes' exchanges."""
    numbers: list[str] = []
    blocks_each = -(-count // 1000 // len(area_codes))
    for area_code in area_codes:
        space = area_code_space(area_code)
        assert space is not None
        for block in range(blocks_each):
            exchange = space.exchanges[block % len(space.exchanges)]
            thousand = block // len(space.exchanges)
            numbers += [f"+1{area_code}{exchange}{thousand}{line:03d}" for line in range(1000)]
    return numbers[:count]


def scattered(area_codes: tuple[str, ...], each: int, seed: int = 12) -> list[str]:
    """``each`` numbers of every area code, drawn at random from all the valid numbers of its
    exchanges: about six per thousand-block for 50,000 in an area code of 790 exchanges."""
    rng = random.Random(seed)
    numbers: list[str] = []
    for area_code in area_codes:
        space = area_code_space(area_code)
        assert space is not None
        exchanges = space.exchanges
        for drawn in sorted(rng.sample(range(len(exchanges) * 10_000), each)):
            exchange, line = divmod(drawn, 10_000)
            numbers.append(f"+1{area_code}{exchanges[exchange]}{line:04d}")
    return numbers


def mark_owned(database_url: str, fraction: float) -> None:
    """Mark a random ``fraction`` of the inventory owned, as purchases would have."""
    db = Database(database_url)
    try:
        with db.engine.begin() as connection:
            threshold = int(inventory_store.PICK_RANGE * fraction)
            connection.execute(
                inventory_numbers.update()
                .where(inventory_numbers.c.pick < threshold)
                .values(owned=True)
            )
        if not db.is_sqlite:
            # Purchases made one by one leave autovacuum time to clear the index entries they
            # retire; one bulk update does not, so clear them as a database in service would.
            autocommit = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            with autocommit as connection:
                connection.exec_driver_sql("VACUUM ANALYZE inventory_numbers")
    finally:
        db.dispose()


def purchase(base_url: str) -> dict:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Authorization": AUTHORIZATION, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", PURCHASE, body="AreaCode=212", headers=headers)
    body = json.loads(connection.getresponse().read())
    connection.close()
    return body


def mean_purchase_ms(base_url: str, count: int) -> float:
    """Mean time of ``count`` purchases by area code, one after another on one connection."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Authorization": AUTHORIZATION, "Content-Type": "application/x-www-form-urlencoded"}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("POST", PURCHASE, body="AreaCode=310", headers=headers)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        if response.status != 201:
            raise RuntimeError(f"purchase answered {response.status}")
    connection.close()
    return statistics.fmean(times) * 1000


def allocation(backend: str, workdir: Path, purchases: int) -> tuple[float, float]:
    with run.database(backend, workdir) as url, serving(url, workdir, backend) as server:
        base_url = server.base_url
        stock(url, thousand_blocks(("310",), 100_000))
        mean_purchase_ms(base_url, 50)  # warm up
        empty = mean_purchase_ms(base_url, purchases)
        mark_owned(url, 0.99)
        full = mean_purchase_ms(base_url, purchases)
    log(
        f"  {backend}: purchase {empty:.2f} ms empty, {full:.2f} ms at 99% owned ({full / empty:.2f}x)"
    )
    return empty, full


class serving:
    """A numbersmith server in inventory supply on ``url``."""

    def __init__(self, url: str, workdir: Path, backend: str) -> None:
        self.url, self.log_path = url, workdir / f"inventory-{backend}-{uuid.uuid4().hex[:6]}.log"

    def __enter__(self) -> servers.Server:
        os.environ["NUMBERSMITH_SUPPLY"] = "inventory"
        self.server = servers.start(
            self.url, project_id=PROJECT_ID, api_token=API_TOKEN, log_path=self.log_path
        )
        return self.server

    def __exit__(self, *exc: object) -> None:
        servers.stop(self.server.process)


def search(
    backend: str, workdir: Path, settings: run.Settings, numbers: list[str], queries: list[str]
) -> dict[str, float]:
    """Requests a second of each search (named by its query), and of the better of two fetches."""
    with run.database(backend, workdir) as url, serving(url, workdir, backend) as server:
        stock(url, numbers)
        sid = purchase(server.base_url)["sid"]
        fetch = Scenario("fetch", "GET", f"{PURCHASE.removesuffix('.json')}/{sid}.json", 200)
        # Fetch is loaded first and last, and the better of the two is the reference: a
        # moment when the machine (or the freshly stocked database) was slow would
        # otherwise flatter every ratio.
        searches = [Scenario(query, "GET", f"{SEARCH}?{query}", 200) for query in queries]
        results: dict[str, float] = {}
        for scenario in [fetch, *searches, fetch]:
            row = run.measure(
                server.base_url, server.process.pid, scenario, backend, settings, workdir
            )
            rps = row.load.requests_per_second if row.load else 0.0
            results[scenario.name] = max(rps, results.get(scenario.name, 0.0))
    return results


DENSE_QUERIES = ["AreaCode=310", "Contains=*00", "AreaCode=415&Contains=9*9"]
SPARSE_QUERIES = ["AreaCode=310&Contains=5*5"]


def search_lines(backend: str, inventory: str, results: dict[str, float]) -> list[str]:
    fetch = results.pop("fetch")
    lines = [f"| {backend} | fetch, the better of two runs ({inventory}) | {fetch:,.0f} req/s | |"]
    for query, rps in results.items():
        bar = "≥ 0.5×" if "Contains" not in query else "≥ 0.25×"
        lines.append(
            f"| {backend} | search {query}, 1,000,000 in inventory ({inventory})"
            f" | {rps:,.0f} req/s = {rps / fetch:.2f}× fetch | {bar} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--purchases", type=int, default=300)
    parser.add_argument(
        "--measures",
        default=",".join(MEASURES),
        help="comma-separated, from: " + ", ".join(MEASURES),
    )
    options = parser.parse_args()
    measures = options.measures.split(",")
    settings = run.Settings(duration=options.duration, warmup=2, connections=32, threads=1)
    lines = ["| backend | measure | value | bar |", "|---|---|---:|---|"]
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        for backend in options.backends.split(","):
            if "allocation" in measures:
                empty, full = allocation(backend, workdir, options.purchases)
                lines.append(
                    f"| {backend} | purchase by area code, 99% owned ÷ none owned | {full / empty:.2f}× ({empty:.2f} → {full:.2f} ms) | ≤ 2× |"
                )
            if "dense" in measures:
                dense = thousand_blocks(AREA_CODES, 1_000_000)
                found = search(backend, workdir, settings, dense, DENSE_QUERIES)
                lines += search_lines(backend, "blocks", found)
            if "sparse" in measures:
                sparse = scattered(SPARSE_AREA_CODES, 50_000)
                found = search(backend, workdir, settings, sparse, SPARSE_QUERIES)
                lines += search_lines(backend, "sparse", found)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
