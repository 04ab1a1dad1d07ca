"""The official Node ``twilio`` client (which refuses account ids that do not start with AC)
against a real server in Twilio's flavour: ``node --test`` runs tests/conformance/node/, whose
dependencies ``make test-conformance`` installs from its package-lock.json."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SignalWireClient
from support import server

NODE_SUITE = Path(__file__).resolve().parent / "node"

pytestmark = pytest.mark.skipif(
    SignalWireClient is not None, reason="run once, from the twilio 9 environment"
)


def test_the_node_client_passes_its_suite(twilio_numbersmith: server.Server):
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the Node client's conformance suite"
    assert (NODE_SUITE / "node_modules" / "twilio").is_dir(), (
        "the Node client is not installed: run `make test-conformance` "
        "(npm ci in tests/conformance/node)"
    )
    project = server.create_project(twilio_numbersmith.database_url, "node")
    done = subprocess.run(
        [node, "--test", "--test-reporter=spec", "twilio.test.js"],
        cwd=NODE_SUITE,
        env=dict(
            os.environ,
            NUMBERSMITH_URL=twilio_numbersmith.base_url,
            ACCOUNT_SID=project["project_id"],
            AUTH_TOKEN=project["api_token"],
            TEST_ACCOUNT_SID=project["test_project_id"],
            TEST_AUTH_TOKEN=project["test_api_token"],
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout or "ℹ fail 0" in done.stdout, done.stdout
