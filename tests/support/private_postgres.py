"""A PostgreSQL server of a test's own, which the test may stop and start at will.

The shared server at NUMBERSMITH_TEST_POSTGRES_URL serves every other test, so a test that takes
PostgreSQL away from a numbersmith server starts its own: ``initdb`` into a temporary directory,
``pg_ctl`` on a free port. PostgreSQL refuses to run as root, so under root (as in CI
containers) its commands run as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from support.server import free_port


def _binaries() -> Path | None:
    """The directory of initdb and pg_ctl: on the PATH, or Debian's versioned directories."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: p.split("/")[4])
    return Path(versions[-1]).parent if versions else None


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1:``port``."""

    def __init__(self, binaries: Path, root: Path, port: int, run_as: str | None) -> None:
        self.binaries = binaries
        self.root = root
        self.port = port
        self.run_as = run_as
        self.data = root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.binaries / program), *arguments]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def initialise(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session (what an operator's restart does),
        ``immediate`` kills the server without a clean shutdown (a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private PostgreSQL server; raises LookupError when PostgreSQL is not installed."""
    binaries = _binaries()
    if binaries is None:
        raise LookupError("initdb and pg_ctl are not installed")
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="numbersmith-postgres-"))
    if run_as is not None:
        shutil.chown(root, run_as)
    server = PrivatePostgres(binaries, root, free_port(), run_as)
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        if server.is_running():
            with contextlib.suppress(subprocess.CalledProcessError):
                server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
