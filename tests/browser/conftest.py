"""Fixtures of the browser tests: a real server process, a real headless Chromium (Debian's
chromium-headless-shell, never a downloaded browser) driven through Playwright, and a page
that fails its test if anything on it logs a JavaScript error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from support import server as servers

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
#: Where Debian's chromium-headless-shell package puts the browser (NUMBERSMITH_CHROMIUM wins).
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
#: As root there is no sandbox to drop into; the machine has no network beyond this one, so
#: nothing in the background may try to reach out.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
    "--no-pings",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("NUMBERSMITH_CHROMIUM"), *CHROMIUM_PATHS):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium-headless-shell")
    if found:
        return found
    pytest.fail("chromium-headless-shell is not installed: `make test` installs it (apt-get)")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package-scoped: while Playwright's synchronous API is open, the main thread has an event
    # loop running, and the tests that follow (asyncio.run) must not find it there.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class Errors:
    """JavaScript errors any page of a test logged, and the failed responses of its scripts."""

    messages: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page at 1024 px wide; the test fails if any page it visits logs a JavaScript error."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    errors = Errors()
    opened = context.new_page()

    def watch(watched: Page) -> None:
        watched.on("pageerror", lambda error: errors.messages.append(f"{watched.url}: {error}"))
        watched.on(
            "console",
            lambda message: (
                errors.messages.append(f"{watched.url}: {message.text}")
                if message.type == "error" and not _expected_refusal(message.text)
                else None
            ),
        )

    watch(opened)
    context.on("page", watch)
    yield opened
    context.close()
    assert errors.messages == [], "JavaScript errors: " + "; ".join(errors.messages)


def _expected_refusal(text: str) -> bool:
    """Chromium logs every 4xx/5xx page load as a console error; the tests that load one on
    purpose (404, 403, 400 pages) check what it shows. Script errors are never this."""
    return text.startswith("Failed to load resource: the server responded with a status of 4")


@dataclass
class Running:
    base_url: str
    project_id: str
    api_token: str
    database_url: str

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, auth=(self.project_id, self.api_token), timeout=30
        )

    @property
    def numbers_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.project_id}/IncomingPhoneNumbers.json"

    def cli(self, *arguments: str) -> str:
        done = subprocess.run(
            [str(servers.NUMBERSMITH), *arguments],
            env=dict(os.environ, NUMBERSMITH_DATABASE_URL=self.database_url),
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def new_token(self, *scopes: str) -> str:
        arguments = [item for scope in scopes for item in ("--scope", scope)]
        out = self.cli("token", "create", "--project", self.project_id, *arguments, "--json")
        return json.loads(out)["token"]


def _running(database_url: str, tmp_path: Path, **options: object) -> Iterator[Running]:
    with servers.running(database_url, log_path=tmp_path / "server.log", **options) as started:
        yield Running(started.base_url, started.project_id, started.api_token, database_url)
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log, log


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Running]:
    yield from _running(f"sqlite:///{tmp_path / 'numbersmith.db'}", tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    """A server on each back end in turn."""
    if request.param == "sqlite":
        yield from _running(f"sqlite:///{tmp_path / 'numbersmith.db'}", tmp_path)
    else:
        with servers.postgres_database() as url:
            yield from _running(url, tmp_path)


def sign_in(page: Page, server: Running, token: str | None = None) -> None:
    page.goto(server.base_url + "/dashboard")
    page.get_by_label("Project id").fill(server.project_id)
    page.get_by_label("API token").fill(token or server.api_token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/numbers")


def screenshot(page: Page, name: str, folder: Path, height: int = 600) -> None:
    """A picture of the page: into docs/screenshots (the README's) with
    NUMBERSMITH_SCREENSHOTS=1 (`make screenshots`), else into the test's own folder, so that a
    test run leaves the work tree as it was."""
    if os.environ.get("NUMBERSMITH_SCREENSHOTS") == "1":
        folder = SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    # A window 600 px high: enough to show the page, small enough for the README.
    size = page.viewport_size
    page.set_viewport_size({"width": 1024, "height": height})
    page.screenshot(path=str(folder / f"{name}.png"))
    if size is not None:
        page.set_viewport_size(size)


def assert_controls_labelled(page: Page) -> None:
    """Every visible form control has a <label for> (or, for a button, its text or label)."""
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.id && document.querySelector(`label[for="${el.id}"]`)))
            .map(el => el.outerHTML)"""
    )
    assert unlabelled == []
