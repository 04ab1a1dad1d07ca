"""A numbersmith server for a test suite: one started for it (a real ``numbersmith serve``
process on a free port, with a SQLite database in a temporary directory), or one already
running, attached to by its URL and admin token. Either way, each test asks it for a project of
its own.

Standard library only, as ``project``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from numbersmith.testing.project import OWN_API, NumbersmithError, Project, call

#: Attempts at starting on a free port: another process may take the port between our finding
#: it free and the server binding it.
_START_ATTEMPTS = 5


class ServerFailed(RuntimeError):
    """The server could not be started; the message ends with its log."""


@dataclass
class Server:
    """A numbersmith server that creates projects for tests (with its admin token)."""

    base_url: str
    admin_token: str
    #: The process, when this suite started the server; None when attached to one.
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    #: Where a started server keeps its database and log.
    directory: Path | None = None

    def new_project(self, name: str = "test") -> Project:
        """A new project of the server, with an API token holding every scope."""
        try:
            created = call(
                self.base_url,
                "POST",
                f"{OWN_API}/Projects",
                form=[("FriendlyName", name[:255] or "test")],
                authorization=f"Bearer {self.admin_token}",
            )
        except NumbersmithError as error:
            if error.status == 401:
                raise NumbersmithError(
                    401,
                    {
                        "code": error.code,
                        "message": f"{self.base_url} refused the admin token: give the one the "
                        "server was started with (NUMBERSMITH_ADMIN_TOKEN)",
                    },
                ) from None
            raise
        return Project(
            self.base_url, created["project_id"], created["api_token"], created["signing_key"]
        )

    @property
    def log(self) -> str:
        """What a started server has written so far (empty when attached)."""
        if self.directory is None:
            return ""
        return (self.directory / "server.log").read_text(errors="replace")

    def stop(self) -> None:
        """Stop a started server (SIGTERM: in-flight requests finish) and delete its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


def attach(base_url: str, admin_token: str) -> Server:
    """The server running at ``base_url``, whose NUMBERSMITH_ADMIN_TOKEN is ``admin_token``."""
    return Server(base_url.rstrip("/"), admin_token)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start(
    *,
    database_url: str | None = None,
    seed: str | os.PathLike[str] | None = None,
    supply: str | None = None,
    environment: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Server:
    """Start ``numbersmith serve`` with the Python running this, and wait until it answers.

    ``database_url`` defaults to a SQLite file in a temporary directory, deleted by ``stop``.
    ``seed`` is a seed file (``serve --seed``), ``supply`` synthetic or inventory, and
    ``environment`` adds variables to the server's (NUMBERSMITH_WEBHOOK_ALLOW, say).
    """
    directory = Path(tempfile.mkdtemp(prefix="numbersmith-"))
    admin_token = secrets.token_urlsafe(32)
    env = dict(os.environ)
    env.update(environment or {})
    env["NUMBERSMITH_DATABASE_URL"] = database_url or f"sqlite:///{directory / 'numbersmith.db'}"
    env["NUMBERSMITH_ADMIN_TOKEN"] = admin_token
    options = []
    if seed is not None:
        options += ["--seed", str(seed)]
    if supply is not None:
        options += ["--supply", supply]
    log_path = directory / "server.log"
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        with open(log_path, "wb") as log:  # each attempt's log alone
            process = subprocess.Popen(
                [sys.executable, "-m", "numbersmith", "serve", "--port", str(port), *options],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                # Ctrl-C at the terminal stops the tests, which then stop the server.
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", admin_token, process, directory)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if _ready(server.base_url):
                return server
            time.sleep(0.05)
        if process.poll() is None:  # no answer in time
            log_text = server.log
            server.stop()
            raise ServerFailed(f"numbersmith did not answer within {timeout:g} s:\n{log_text}")
        if "address already in use" not in server.log.lower():
            log_text = server.log
            shutil.rmtree(directory, ignore_errors=True)
            raise ServerFailed(f"numbersmith exited with {process.returncode}:\n{log_text}")
    log_text = server.log
    shutil.rmtree(directory, ignore_errors=True)
    raise ServerFailed(f"numbersmith found no free port in {_START_ATTEMPTS} attempts:\n{log_text}")


@contextlib.contextmanager
def server(
    *,
    database_url: str | None = None,
    seed: str | os.PathLike[str] | None = None,
    supply: str | None = None,
    environment: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """A numbersmith server started for the block, stopped after it (see ``start``)::

    with numbersmith.testing.server() as s:
        project = s.new_project()
    """
    running = start(database_url=database_url, seed=seed, supply=supply, environment=environment)
    try:
        yield running
    finally:
        running.stop()
