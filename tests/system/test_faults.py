"""Real faults of the database under a real server: PostgreSQL stopped and started again, and a
SQLite database on a disk that fills up.

Clients keep buying, listing, fetching and searching, and a monitor polls /healthz, while the
fault comes and goes. Every request must get an HTTP answer; during the fault, what cannot be
done is answered 503 in the vendor's JSON shape with Retry-After, and on a full disk reads are
still answered; the server recovers by itself within a second of the fault ending; every
purchase answered 201 is kept; and the log has a line per refused request and a warning when the
fault begins and ends, but no traceback.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import resource
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.private_postgres import PrivatePostgres, private_postgres
from support.server import Server, start, stop

#: How soon after a fault ends the server must answer as before.
RECOVERY_SECONDS = 1.0
ERROR_FIELDS = {"code", "message", "more_info", "status"}


@dataclass(frozen=True)
class Answer:
    kind: str
    sent: float  # time.monotonic() when the request was sent
    answered: float  # and when its answer (or the end of its connection) came
    status: int | None  # None: the connection ended without an HTTP answer
    body: Any = None
    retry_after: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in (200, 201)


class Clients:
    """Threads sending requests of the given kinds back to back, keeping every answer."""

    def __init__(self, server: Server, kinds: list[str]) -> None:
        self.server = server
        self.answers: list[Answer] = []
        self.confirmed: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._send_all, args=(kind, n)) for n, kind in enumerate(kinds)
        ]

    @property
    def numbers_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.server.project_id}/IncomingPhoneNumbers.json"

    def _request(self, http: httpx.Client, kind: str, n: int) -> httpx.Response | None:
        if kind == "buy":
            form = {"AreaCode": ("212", "646", "415")[n % 3]}
            if n % 2:
                form |= {"FriendlyName": f"client {n}", "VoiceUrl": f"https://example.com/{n}"}
            return http.post(self.numbers_path, data=form)
        if kind == "list":
            return http.get(self.numbers_path, params={"PageSize": 20})
        if kind == "fetch":
            with self._lock:
                known = self.confirmed[n % len(self.confirmed)] if self.confirmed else None
            return http.get(known["uri"]) if known else None
        if kind == "search":
            path = (
                f"/2010-04-01/Accounts/{self.server.project_id}/AvailablePhoneNumbers/US/Local.json"
            )
            return http.get(path, params={"AreaCode": "415", "PageSize": 5})
        if kind == "health":
            return http.get("/healthz")
        raise ValueError(kind)

    def _send_all(self, kind: str, thread: int) -> None:
        auth = (self.server.project_id, self.server.api_token)
        with httpx.Client(base_url=self.server.base_url, auth=auth, timeout=30) as http:
            for n in itertools.count(thread * 1_000_000):
                if self._stop.is_set():
                    return
                if kind == "health":
                    time.sleep(0.05)  # a monitor polls; it does not hammer
                sent = time.monotonic()
                try:
                    response = self._request(http, kind, n)
                except httpx.TransportError:
                    answer = Answer(kind, sent, time.monotonic(), None)
                else:
                    if response is None:
                        time.sleep(0.01)
                        continue
                    answer = Answer(
                        kind,
                        sent,
                        time.monotonic(),
                        response.status_code,
                        _body(response),
                        response.headers.get("retry-after"),
                    )
                with self._lock:
                    self.answers.append(answer)
                    if kind == "buy" and answer.status == 201:
                        self.confirmed.append(answer.body)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def wait_for(self, condition: Callable[[list[Answer]], bool], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if condition(self.answers):
                    return
            time.sleep(0.02)
        raise AssertionError(f"not seen in {timeout} s; {len(self.answers)} answers")


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def refused_purchases(since: float) -> Callable[[list[Answer]], bool]:
    def condition(answers: list[Answer]) -> bool:
        return (
            sum(1 for a in answers if a.kind == "buy" and a.status == 503 and a.sent > since) >= 20
        )

    return condition


def assert_answered_as_a_service(answers: list[Answer]) -> None:
    """Every request got an HTTP answer; no fault was answered as a bug of ours (5xx but 503);
    every 503 is the vendor's error shape with code 20503 and a Retry-After."""
    unanswered = [a for a in answers if a.status is None]
    assert not unanswered, f"{len(unanswered)} requests got no HTTP answer: {unanswered[:3]}"
    server_errors = [
        a for a in answers if a.status is not None and a.status >= 500 and a.status != 503
    ]
    assert not server_errors, server_errors[:3]
    for answer in answers:
        if answer.status == 503:
            assert isinstance(answer.body, dict) and set(answer.body) == ERROR_FIELDS, answer
            assert answer.body["code"] == 20503 and answer.body["status"] == 503, answer
            assert answer.retry_after is not None and int(answer.retry_after) >= 1, answer


def assert_logged_once_per_fault(log: str, answers: list[Answer]) -> None:
    assert "Traceback" not in log
    assert log.count("database fault began") == 1, log[-3000:]
    assert log.count("database fault ended") == 1, log[-3000:]
    refused = sum(1 for a in answers if a.status == 503)
    assert log.count("answered 503") == refused


def listed_sids(server: Server) -> set[str]:
    auth = (server.project_id, server.api_token)
    sids: set[str] = set()
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=60) as http:
        uri: str | None = (
            f"/2010-04-01/Accounts/{server.project_id}/IncomingPhoneNumbers.json?PageSize=1000"
        )
        while uri is not None:
            page = http.get(uri)
            assert page.status_code == 200, page.text
            sids |= {number["sid"] for number in page.json()["incoming_phone_numbers"]}
            uri = page.json()["next_page_uri"]
    return sids


# PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    try:
        with private_postgres() as server:
            yield server
    except LookupError as exc:
        pytest.skip(str(exc))


def test_postgresql_stopped_and_started_under_load(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    log_path = tmp_path / "server.log"
    server = start(postgres.url, log_path=log_path)
    clients = Clients(server, ["buy", "buy", "buy", "list", "fetch", "search", "health"])
    try:
        clients.start()
        clients.wait_for(lambda answers: sum(a.status == 201 for a in answers) >= 40)
        postgres.stop("fast")
        stopped = time.monotonic()
        clients.wait_for(refused_purchases(since=stopped))
        time.sleep(max(0.0, stopped + 2 - time.monotonic()))  # an outage of two seconds at least
        postgres.start()
        back = time.monotonic()
        time.sleep(2 * RECOVERY_SECONDS)
    finally:
        clients.stop()
    try:
        answers = clients.answers
        assert_answered_as_a_service(answers)

        # While PostgreSQL was away, nothing needing it could be done: reads were refused too,
        # and /healthz said why.
        during = [a for a in answers if stopped + 0.5 < a.sent and a.sent < back - 0.5]
        for kind in ("buy", "list", "search", "health"):
            assert any(a.kind == kind and a.status == 503 for a in during), kind
        health = [a for a in during if a.kind == "health"]
        assert all(a.status == 503 and "Database fault" in a.body["message"] for a in health)

        # The first request after PostgreSQL is back succeeds: pooled connections that died
        # with it are replaced without failing the request that finds them. Within a second,
        # /healthz says so too.
        after = [a for a in answers if a.sent > back]
        failed = [a for a in after if not a.succeeded and a.kind != "health"]
        assert not failed, failed[:5]
        recovered = [a for a in after if a.sent > back + RECOVERY_SECONDS]
        assert {a.kind for a in recovered} >= {"buy", "list", "fetch", "search", "health"}
        assert all(a.succeeded for a in recovered), [a for a in recovered if not a.succeeded]

        # Every purchase answered 201 is kept. A purchase whose connection was lost during its
        # commit was answered 503 saying its outcome is unknown; only those may have been made.
        stored = listed_sids(server)
        confirmed = {number["sid"] for number in clients.confirmed}
        assert confirmed <= stored
        unknown = [a for a in answers if a.status == 503 and "may or may not" in a.body["message"]]
        assert len(stored - confirmed) <= len(unknown)
    finally:
        stop(server.process)
    assert_logged_once_per_fault(log_path.read_text(), answers)


def test_connections_pooled_before_a_postgresql_restart_are_replaced(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    log_path = tmp_path / "server.log"
    server = start(postgres.url, log_path=log_path)
    try:
        # Enough requests at once to open many pooled connections, which then sit idle while
        # PostgreSQL restarts: each is dead, and nobody knows yet.
        clients = Clients(server, ["buy", "list", "search"] * 4)
        clients.start()
        clients.wait_for(lambda answers: sum(a.status == 201 for a in answers) >= 40)
        clients.stop()
        postgres.stop("fast")
        postgres.start()

        again = Clients(server, ["buy", "list", "fetch", "search"] * 3)
        again.confirmed = list(clients.confirmed)
        again.start()
        again.wait_for(lambda answers: len(answers) >= 100)
        again.stop()
        assert_answered_as_a_service(again.answers)
        failed = [a for a in again.answers if not a.succeeded]
        assert not failed, failed[:5]
    finally:
        stop(server.process)
    log = log_path.read_text()
    assert "Traceback" not in log
    assert "answered 503" not in log and "database fault" not in log


# SQLite on a full disk -------------------------------------------------------------------------


class SmallFilesystem:
    """A tmpfs of a few megabytes (mounting one needs root), which another program's file fills
    up; freed by deleting that file, as an operator would."""

    def __init__(self, root: Path) -> None:
        self.directory = root / "disk"
        self._ballast = self.directory / "ballast"

    def fill(self, server: Server) -> None:
        chunk = b"\0" * 65536
        with (
            open(self._ballast, "wb", buffering=0) as file,
            contextlib.suppress(OSError),  # ENOSPC: the disk is full
        ):
            while True:
                file.write(chunk)

    def free(self) -> None:
        self._ballast.unlink()


class FileSizeLimit:
    """The operating system refusing to let the server's files grow, as a full disk does: a
    limit on the size of files the server process writes (RLIMIT_FSIZE), set on it from here.
    Needs no privileges: a process may lower its own kind's limits and raise them again."""

    def __init__(self, root: Path) -> None:
        self.directory = root / "disk"
        self._server: Server | None = None

    def fill(self, server: Server) -> None:
        # No file may grow past the database file's size: the database cannot grow at all.
        self._server = server
        size = (self.directory / "numbersmith.db").stat().st_size
        _, hard = resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (size, hard))

    def free(self) -> None:
        assert self._server is not None
        _, hard = resource.prlimit(self._server.process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(self._server.process.pid, resource.RLIMIT_FSIZE, (hard, hard))


@contextlib.contextmanager
def log_through_a_pipe(log_path: Path) -> Iterator[Path]:
    """A named pipe for the server to write its log into, copied to ``log_path`` from here: a
    file size limit on the server must not stop its log."""
    pipe = log_path.with_suffix(".pipe")
    os.mkfifo(pipe)

    def relay() -> None:
        with open(pipe, "rb") as source, open(log_path, "wb") as target:
            while chunk := source.read1(65536):
                target.write(chunk)

    relaying = threading.Thread(target=relay)
    relaying.start()
    try:
        yield pipe
    finally:
        with contextlib.suppress(OSError):  # if the server never opened it, end the relay
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        relaying.join()


@pytest.fixture(params=["small filesystem", "file size limit"])
def disk(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[SmallFilesystem | FileSizeLimit]:
    """Where the database lives, and a way to fill it up and free it again."""
    if request.param == "file size limit":
        limited = FileSizeLimit(tmp_path)
        limited.directory.mkdir()
        yield limited
        return
    small = SmallFilesystem(tmp_path)
    small.directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(small.directory)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.decode().strip()}")
    try:
        yield small
    finally:
        subprocess.run(["umount", "-l", str(small.directory)], check=False)


def test_sqlite_on_a_full_disk(disk: SmallFilesystem | FileSizeLimit, tmp_path: Path) -> None:
    log_path = tmp_path / "server.log"
    database = disk.directory / "numbersmith.db"
    with log_through_a_pipe(log_path) as pipe:
        server = start(f"sqlite:///{database}", log_path=pipe)
        answers = _fill_and_free(server, disk)
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert_logged_once_per_fault(log_path.read_text(), answers)


def _fill_and_free(server: Server, disk: SmallFilesystem | FileSizeLimit) -> list[Answer]:
    clients = Clients(server, ["buy", "buy", "buy", "buy", "list", "fetch", "search", "health"])
    try:
        clients.start()
        clients.wait_for(lambda answers: sum(a.status == 201 for a in answers) >= 200)
        disk.fill(server)
        clients.wait_for(lambda answers: any(a.kind == "buy" and a.status == 503 for a in answers))
        full = min(a.answered for a in clients.answers if a.kind == "buy" and a.status == 503)
        clients.wait_for(refused_purchases(since=full))
        time.sleep(max(0.0, full + 2 - time.monotonic()))  # full for two seconds at least
        disk.free()
        freed = time.monotonic()
        time.sleep(2 * RECOVERY_SECONDS)
    finally:
        clients.stop()
    try:
        answers = clients.answers
        assert_answered_as_a_service(answers)
        assert not [a for a in answers if a.kind == "buy" and a.status not in (201, 503)]

        # While the disk was full: purchases were refused, reads were answered from what is
        # stored, and /healthz said why.
        during = [a for a in answers if full < a.sent < freed]
        reads = [a for a in during if a.kind in ("list", "fetch", "search")]
        assert {a.kind for a in reads} == {"list", "fetch", "search"}
        assert all(a.status == 200 for a in reads), [a for a in reads if a.status != 200][:3]
        health = [a for a in during if a.kind == "health"]
        assert health and all(a.status == 503 for a in health), health
        assert all(a.body["message"].startswith("Database fault") for a in health), health

        # Space freed: the first purchase after it succeeds, and within a second /healthz says
        # so too (the fault is seen to end without a purchase).
        after = [a for a in answers if a.sent > freed]
        failed = [a for a in after if not a.succeeded and a.kind != "health"]
        assert not failed, failed[:5]
        recovered = [a for a in after if a.sent > freed + RECOVERY_SECONDS]
        assert {a.kind for a in recovered} >= {"buy", "list", "fetch", "search", "health"}
        assert all(a.succeeded for a in recovered), [a for a in recovered if not a.succeeded]

        # Exactly the purchases answered 201 are stored: a refused one changed nothing.
        assert listed_sids(server) == {number["sid"] for number in clients.confirmed}
    finally:
        stop(server.process)
    return answers
