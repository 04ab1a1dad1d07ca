"""Load simulated inbound traffic with wrk, next to the yardstick (bench/yardstick.py).

For each backend it starts ``numbersmith serve --workers 1`` and a webhook (bench/webhook.py, one
worker: the user's application at its fastest) and measures, in this order:

    inbound message      POST InboundMessages to a number whose SmsUrl answers at once with
                         <Response><Message>ok</Message></Response>: the webhook request, the
                         LaML run and the journal write included
    memory               the server's resident memory before and after MESSAGES such messages
    fetch, unloaded      GET one number
    fetch, slow webhooks the same while SLOW simulations at a time wait on a webhook that
                         answers after two seconds

    .venv/bin/python bench/traffic.py [--duration 10] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import aiohttp
from run import (
    API_TOKEN,
    AUTHORIZATION,
    BENCH,
    COLLECTION,
    PROJECT_ID,
    ROOT,
    YARDSTICK,
    Row,
    Scenario,
    Settings,
    add_backends_option,
    chosen_backends,
    cpu_busy,
    database,
    fetch,
    log,
    measure,
    revision,
    servers,
    table,
    wrk,
    yardstick,
)

MESSAGES = 100_000
SLOW = 200
MESSAGES_PATH = f"/api/numbersmith/v1/Accounts/{PROJECT_ID}/InboundMessages.json"


@contextlib.contextmanager
def webhook(log_path: Path) -> Iterator[str]:
    port = servers.free_port()
    options = "--workers=1 --loop=uvloop --http=httptools --no-access-log --log-level=warning"
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "uvicorn", "webhook:app"]
    command += [f"--app-dir={BENCH}", "--host=127.0.0.1", f"--port={port}", *options.split()]
    with open(log_path, "ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=output, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base_url + "/", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield base_url
    finally:
        servers.stop(process)


def buy(base_url: str, **form: str) -> dict:
    request = urllib.request.Request(
        base_url + COLLECTION + ".json",
        data=urllib.parse.urlencode({"AreaCode": "415", **form}).encode(),
        headers={"Authorization": AUTHORIZATION},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def inbound(phone_number: str) -> Scenario:
    body = urllib.parse.urlencode({"To": phone_number, "Body": "hello"})
    return Scenario("inbound message", "POST", MESSAGES_PATH, 201, bodies=(body,))


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory_over(
    base_url: str, pid: int, scenario: Scenario, settings: Settings, workdir: Path
) -> str:
    """Resident memory before and after MESSAGES more simulated messages."""
    before = resident_mb(pid)
    sent = 0
    readings = [before]
    while sent < MESSAGES:
        load = wrk(base_url, scenario, 5, settings, workdir)
        if load.problems:
            return f"FAILED: {load.problems}"
        sent += load.requests
        readings.append(resident_mb(pid))
    return (
        f"{sent:,} messages: resident memory {before:.0f} MB before, "
        f"{readings[len(readings) // 2]:.0f} MB half-way, {readings[-1]:.0f} MB after"
    )


@contextlib.contextmanager
def slow_simulations(base_url: str, phone_number: str) -> Iterator[list[int]]:
    """SLOW simulations at a time, each waiting on the slow webhook, until the block ends."""
    stop = threading.Event()
    answered: list[int] = []

    async def keep_sending() -> None:
        # aiohttp, not httpx: the load generator shares the machine with the server it loads,
        # and httpx spent ten times the CPU a request.
        connector = aiohttp.TCPConnector(limit=SLOW)
        headers = {"Authorization": AUTHORIZATION}
        form = {"To": phone_number, "Body": "slow"}
        async with aiohttp.ClientSession(base_url, connector=connector, headers=headers) as client:

            async def one_after_another() -> None:
                while not stop.is_set():
                    async with client.post(MESSAGES_PATH, data=form) as response:
                        await response.read()
                        answered.append(response.status)

            await asyncio.gather(*(one_after_another() for _ in range(SLOW)))

    thread = threading.Thread(target=lambda: asyncio.run(keep_sending()), daemon=True)
    thread.start()
    time.sleep(3)  # every simulation is waiting on the webhook by now
    try:
        yield answered
    finally:
        stop.set()
        thread.join()


def run_backend(backend: str, settings: Settings, workdir: Path) -> tuple[list[Row], str]:
    log(f"{backend}:")
    with database(backend, workdir) as url, webhook(workdir / "webhook.log") as hook:
        server = servers.start(
            url,
            project_id=PROJECT_ID,
            api_token=API_TOKEN,
            workers=1,
            log_path=workdir / f"numbersmith-{backend}.log",
        )
        try:
            base_url, pid = server.base_url, server.process.pid
            fast = buy(base_url, SmsUrl=hook + "/ok")
            slow = buy(base_url, SmsUrl=hook + "/slow")
            message = inbound(fast["phone_number"])
            rows = [measure(base_url, pid, message, backend, settings, workdir)]
            memory = memory_over(base_url, pid, message, settings, workdir)
            log(f"  memory: {memory}")
            unloaded = measure(base_url, pid, fetch(fast["sid"]), backend, settings, workdir)
            rows.append(dataclasses.replace(unloaded, scenario="fetch, unloaded"))
            with slow_simulations(base_url, slow["phone_number"]) as answered:
                loaded = measure(base_url, pid, fetch(fast["sid"]), backend, settings, workdir)
            rows.append(
                dataclasses.replace(loaded, scenario=f"fetch, {SLOW} slow simulations waiting")
            )
            refused = [status for status in answered if status != 201]
            if refused:
                rows.append(
                    Row("slow simulations", backend, None, f"{len(refused)} not answered 201")
                )
            if unloaded.load and loaded.load:
                ratio = loaded.load.requests_per_second / unloaded.load.requests_per_second
                memory += f"; fetch with slow simulations waiting ÷ unloaded: {ratio:.2f}"
                log(
                    f"  fetch kept {ratio:.2f} of its unloaded rate ({len(answered)} slow simulations answered)"
                )
        finally:
            servers.stop(server.process)
    return rows, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up first (2)")
    parser.add_argument("--connections", type=int, default=32)
    add_backends_option(parser)
    options = parser.parse_args()
    backends = chosen_backends(parser, options)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed")
    settings = Settings(options.duration, options.warmup, options.connections, 1)
    started, measured, busy = datetime.now(), revision(), cpu_busy()
    if busy > 0.1:
        log(f"warning: the CPUs are {busy:.0%} busy already; other work will skew the figures")
    notes, rows = [], []
    with tempfile.TemporaryDirectory(prefix="numbersmith-bench-") as temporary:
        workdir = Path(temporary)
        with yardstick(workdir / "yardstick.log") as (base_url, pid):
            yardsticks = [measure(base_url, pid, YARDSTICK, "–", settings, workdir)]
            for backend in backends:
                measured_rows, note = run_backend(backend, settings, workdir)
                rows += measured_rows
                notes.append(f"{backend}: {note}")
                yardsticks.append(measure(base_url, pid, YARDSTICK, "–", settings, workdir))
    best = max(
        (row for row in yardsticks if row.load),
        key=lambda row: row.load.requests_per_second,
        default=yardsticks[0],
    )
    best = dataclasses.replace(best, scenario=f"{best.scenario}, best of {len(yardsticks)}")
    report = table(best, rows) + "\n\n" + "\n".join(f"- {note}" for note in notes)
    print(report)
    failures = [row for row in rows if row.failure]
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    saved = results / f"traffic-{started:%Y%m%d-%H%M%S}.md"
    saved.write_text(
        f"# numbersmith traffic benchmark, {started:%Y-%m-%d %H:%M:%S}, {measured}\n\n"
        f"wrk: {settings.connections} connections, {settings.duration} s per scenario after "
        f"{settings.warmup} s of warm-up; CPUs {busy:.0%} busy just before the start.\n\n"
        + report
        + "\n"
    )
    log(f"\nsaved to {saved.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
