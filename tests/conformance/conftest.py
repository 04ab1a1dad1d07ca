"""A real numbersmith server on a fresh SQLite file, and an SDK client pointed at it.

The suite runs once per SDK, each in an environment of its own (signalwire 2.x pins twilio 6, so
it cannot share one with twilio 9): the client is whichever SDK the environment holds.
"""

from __future__ import annotations

import contextlib
import random
import sys
from pathlib import Path

import pytest

try:
    from signalwire.rest import Client as SignalWireClient
except ImportError:  # the twilio 9 environment
    SignalWireClient = None
from twilio.rest import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import server

#: Numbers bought by exact PhoneNumber come from this area code, which no test buys by AreaCode,
#: so a randomly chosen one is never already owned.
EXACT_AREA_CODE = "213"


@pytest.fixture(scope="session")
def numbersmith(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("numbersmith")
    with server.running(
        f"sqlite:///{directory / 'numbersmith.db'}", log_path=directory / "server.log"
    ) as running:
        yield running


@pytest.fixture(scope="session")
def twilio_numbersmith(tmp_path_factory: pytest.TempPathFactory):
    """A real server in Twilio's flavour, on a fresh SQLite file."""
    directory = tmp_path_factory.mktemp("numbersmith-twilio")
    with server.running(
        f"sqlite:///{directory / 'numbersmith.db'}",
        log_path=directory / "server.log",
        flavor="twilio",
    ) as running:
        yield running


def connect(numbersmith: server.Server, api_token: str) -> Client:
    return connect_as(numbersmith, numbersmith.project_id, api_token)


def connect_as(numbersmith: server.Server, project_id: str, api_token: str) -> Client:
    """A client of the SDK under test, authenticated as ``project_id``."""
    if SignalWireClient is not None:
        client = SignalWireClient(
            project_id, api_token, signalwire_space_url="example.signalwire.com"
        )
    else:
        # A non-empty environment stops the client reading TWILIO_* variables, some of which
        # (TWILIO_EDGE, TWILIO_REGION) rewrite the host it talks to.
        client = Client(project_id, api_token, environment={"_": "1"})
    client.api.base_url = numbersmith.base_url
    return client


@pytest.fixture(scope="session")
def client(numbersmith: server.Server) -> Client:
    return connect(numbersmith, numbersmith.api_token)


@pytest.fixture(scope="session")
def client_with_wrong_token(numbersmith: server.Server) -> Client:
    return connect(numbersmith, "PT" + "0" * 64)


@pytest.fixture
def numbers(client: Client):
    return client.incoming_phone_numbers


_handed_out: set[str] = set()


@pytest.fixture
def unowned_number() -> str:
    """A valid E.164 number in EXACT_AREA_CODE that no test has bought yet."""
    while True:
        exchange = random.randrange(200, 1000)
        if exchange % 100 == 11 or exchange == 555:  # N11 service codes and 555 are not for sale
            continue
        number = f"+1{EXACT_AREA_CODE}{exchange}{random.randrange(10_000):04d}"
        if number not in _handed_out:
            _handed_out.add(number)
            return number


def pytest_report_header() -> str:
    from importlib.metadata import version

    sdk = "signalwire" if SignalWireClient is not None else "twilio"
    return f"SDK under test: {sdk} {version(sdk)}"


#: The operator's inventory for the inventory-supply server: one block of fifty numbers.
INVENTORY = [f"+1310556{line:04d}" for line in range(50)]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def operator(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Client:
    """A client of a server in inventory supply, on SQLite and on PostgreSQL."""
    directory = tmp_path_factory.mktemp(f"inventory-{request.param}")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{directory / 'numbersmith.db'}"
        else:
            url = stack.enter_context(server.postgres_database())
        server.add_range(url, INVENTORY[0], INVENTORY[-1])
        running = stack.enter_context(
            server.running(url, supply="inventory", log_path=directory / "server.log")
        )
        yield connect(running, running.api_token)
