"""The README's example of the pytest plugin runs, as written, in this SDK's environment: the
plugin attached to a running server (NUMBERSMITH_URL and its admin token), as a CI job would
use it. numbersmith is not installed here, so the plugin comes from the checkout's source: it
needs only the standard library (the server it starts itself is tested in tests/testing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "test_with_numbersmith.py"
ADMIN_TOKEN = "conformance-admin-token"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("plugin")
    with server.running(
        f"sqlite:///{directory / 'numbersmith.db'}",
        admin_token=ADMIN_TOKEN,
        log_path=directory / "server.log",
    ) as running:
        yield running


def run_pytest(running: server.Server, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "src"),
        NUMBERSMITH_URL=running.base_url,
        NUMBERSMITH_ADMIN_TOKEN=ADMIN_TOKEN,
    )
    # The plugin is named by its module: its entry point ("numbersmith") is found only where
    # an editable install has left the checkout's metadata in src/, and is blocked so that the
    # plugin is not registered twice there.
    return subprocess.run(
        [
            sys.executable,
            *["-m", "pytest", "-q", "-p", "no:cacheprovider"],
            *["-p", "no:numbersmith", "-p", "numbersmith.testing.plugin", *arguments],
        ],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_the_readme_shows_the_plugin_example():
    readme = (ROOT / "README.md").read_text()
    assert EXAMPLE.read_text().strip() in readme


def test_the_plugin_example_passes_attached_to_a_server(admin_server):
    done = run_pytest(admin_server, str(EXAMPLE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_the_signalwire_client_of_the_fixture(admin_server, tmp_path):
    pytest.importorskip("signalwire", reason="the signalwire SDK's environment only")
    test_file = tmp_path / "test_signalwire.py"
    test_file.write_text(
        "def test_buys_a_number(numbersmith):\n"
        "    client = numbersmith.signalwire_client()\n"
        "    number = client.incoming_phone_numbers.create(area_code='415')\n"
        "    assert number.phone_number.startswith('+1415')\n"
        "    assert [n.sid for n in client.incoming_phone_numbers.list()] == [number.sid]\n"
    )
    done = run_pytest(admin_server, str(test_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
