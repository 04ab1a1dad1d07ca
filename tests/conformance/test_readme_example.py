"""The README's example of testing a webhook app runs, as written, against a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "test_webhook_app.py"


def test_the_readme_shows_the_example_file():
    readme = (ROOT / "README.md").read_text()
    assert EXAMPLE.read_text().strip() in readme


def test_the_example_passes_against_a_real_server(numbersmith: server.Server):
    project = server.create_project(numbersmith.database_url, "example")
    environment = dict(
        os.environ,
        NUMBERSMITH_URL=numbersmith.base_url,
        PROJECT_ID=project["project_id"],
        API_TOKEN=project["api_token"],
        SIGNING_KEY=project["signing_key"],
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE)],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
