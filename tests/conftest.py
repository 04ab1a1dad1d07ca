"""Fixtures shared by the suite: databases on both back ends, and the app over HTTP, whose every
response is held to its flavour's published schema (SignalWire's, or Twilio's)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import metadata
from support.databases import postgres_database
from support.published_schema import published
from support.twilio_schema import twilio_published


@pytest.fixture(autouse=True)
def responses_match_the_published_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every response any test receives through a TestClient is checked against the published
    schema of the server's flavour for its route (SignalWire's, see support/published_schema.py;
    Twilio's, see support/twilio_schema.py): a field too many or too few fails the test that
    received it."""
    send = TestClient.send

    def checked_send(
        client: TestClient, request: httpx.Request, **kwargs: object
    ) -> httpx.Response:
        response = send(client, request, **kwargs)  # type: ignore[arg-type]
        if not kwargs.get("stream"):
            state = getattr(client.app, "state", None)
            if getattr(state, "flavor", "signalwire") == "twilio":
                twilio_published().check(response)
            else:
                published().check(response)
        return response

    monkeypatch.setattr(TestClient, "send", checked_send)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL database for the session, emptied before each test that uses it."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that uses this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'numbersmith.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database)
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            tables = ", ".join(table.name for table in metadata.sorted_tables)
            connection.exec_driver_sql(f"TRUNCATE {tables} CASCADE")
    yield database
    database.dispose()


@dataclass
class Account:
    """A project and a client authenticated as it."""

    project_id: str
    token: str
    signing_key: str
    http: TestClient

    @property
    def numbers_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.project_id}/IncomingPhoneNumbers"


@pytest.fixture
def app_client(db: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=str(db.url)), database=db)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def new_account(db: Database, http: TestClient, name: str = "test") -> Account:
    credentials = accounts.create_project(db, name)
    client = TestClient(http.app, raise_server_exceptions=False)
    client.auth = (credentials.project_id, credentials.api_token)
    return Account(credentials.project_id, credentials.api_token, credentials.signing_key, client)


@pytest.fixture
def account(db: Database, app_client: TestClient) -> Account:
    return new_account(db, app_client)
