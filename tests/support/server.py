"""Start a real numbersmith server process for a test, using only the standard library.

Conformance suites run in the SDKs' own environments (which do not have numbersmith installed),
so this module must not import anything outside the standard library. The server runs from the
project's main environment, ``.venv``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBERSMITH = ROOT / ".venv" / "bin" / "numbersmith"
PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Server:
    base_url: str
    project_id: str
    api_token: str
    process: subprocess.Popen
    database_url: str
    flavor: str = "signalwire"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(base_url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not become ready")


def start(
    database_url: str,
    *,
    project_id: str | None = None,
    api_token: str | None = None,
    workers: int = 1,
    port: int | None = None,
    log_path: Path | None = None,
    supply: str | None = None,
    admin_token: str | None = None,
    flavor: str = "signalwire",
) -> Server:
    """Start ``numbersmith serve`` with fixed credentials (of the flavour's form) and wait for
    /healthz; with ``admin_token``, it creates projects over HTTP (POST
    /api/numbersmith/v1/Projects)."""
    if flavor == "twilio":
        project_id = project_id or "AC" + uuid.uuid4().hex
        api_token = api_token or uuid.uuid4().hex
    project_id = project_id or str(uuid.uuid4())
    api_token = api_token or "PT" + uuid.uuid4().hex + uuid.uuid4().hex
    port = port or free_port()
    env = dict(
        os.environ,
        NUMBERSMITH_DATABASE_URL=database_url,
        NUMBERSMITH_PROJECT_ID=project_id,
        NUMBERSMITH_API_TOKEN=api_token,
        NUMBERSMITH_FLAVOR=flavor,
    )
    # Webhooks of test servers go to this machine's receivers and nowhere else, whatever URL a
    # test (or a fuzzer) gives a number.
    env.setdefault("NUMBERSMITH_WEBHOOK_ALLOW", "127.0.0.0/8,::1")
    if supply is not None:
        env["NUMBERSMITH_SUPPLY"] = supply
    if admin_token is not None:
        env["NUMBERSMITH_ADMIN_TOKEN"] = admin_token
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - the server keeps it
    process = subprocess.Popen(
        [str(NUMBERSMITH), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base_url, process)
    except Exception:
        stop(process)
        raise
    return Server(base_url, project_id, api_token, process, database_url, flavor)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the server's whole process group and wait for it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def running(database_url: str, **options) -> Iterator[Server]:
    server = start(database_url, **options)
    try:
        yield server
    finally:
        stop(server.process)


def create_project(database_url: str, name: str = "test") -> dict[str, str]:
    """``numbersmith project create --json`` on that database: project_id, api_token and
    signing_key of a new project (and in Twilio's flavour test_project_id, test_api_token)."""
    env = dict(os.environ, NUMBERSMITH_DATABASE_URL=database_url)
    env.pop("NUMBERSMITH_FLAVOR", None)  # the database's
    done = subprocess.run(
        [str(NUMBERSMITH), "project", "create", "--name", name, "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def add_range(database_url: str, first: str, last: str) -> None:
    """``numbersmith inventory add-range`` on that database."""
    subprocess.run(
        [str(NUMBERSMITH), "inventory", "add-range", first, last],
        env=dict(os.environ, NUMBERSMITH_DATABASE_URL=database_url),
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database (support.databases), made and dropped through the project's
    environment: an SDK's environment has no database driver."""

    def call(function: str, *arguments: str) -> str:
        script = (
            "import sys; sys.path.insert(0, sys.argv[1]); from support import databases; "
            f"print(databases.{function}(*sys.argv[2:]) or '')"
        )
        done = subprocess.run(
            [str(PYTHON), "-c", script, str(ROOT / "tests"), *arguments],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    url = call("create_database")
    try:
        yield url
    finally:
        call("drop_database", url)
