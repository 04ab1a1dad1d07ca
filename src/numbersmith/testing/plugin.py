"""The pytest plugin (entry point ``pytest11``): a numbersmith server for the session, and a
project of its own for each test that asks for the ``numbersmith`` fixture::

    def test_buys_a_number(numbersmith):
        client = numbersmith.twilio_client()
        number = client.incoming_phone_numbers.create(area_code="415")

The server is started only when a test first asks for it, and stopped at the end of the session
(with pytest-xdist, each worker starts its own). ``--numbersmith-url URL`` or
``NUMBERSMITH_URL`` attach to a running server instead; it must have been started with
NUMBERSMITH_ADMIN_TOKEN, given here as ``--numbersmith-admin-token`` or that same variable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from numbersmith.testing.project import Project
from numbersmith.testing.servers import Server, attach, start


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("numbersmith", "numbersmith: a phone-number server for tests")
    group.addoption(
        "--numbersmith-url",
        default=None,
        help="Use the numbersmith server at this URL instead of starting one "
        "[default: $NUMBERSMITH_URL].",
    )
    group.addoption(
        "--numbersmith-admin-token",
        default=None,
        help="The admin token of that server, which creates a project for each test "
        "[default: $NUMBERSMITH_ADMIN_TOKEN].",
    )


@pytest.fixture(scope="session")
def numbersmith_server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """The session's numbersmith server: started for it, or the one at --numbersmith-url."""
    url = request.config.getoption("numbersmith_url") or os.environ.get("NUMBERSMITH_URL")
    if url:
        token = request.config.getoption("numbersmith_admin_token") or os.environ.get(
            "NUMBERSMITH_ADMIN_TOKEN"
        )
        if not token:
            raise pytest.UsageError(
                f"numbersmith at {url} needs its admin token to create a project for each test: "
                "start it with NUMBERSMITH_ADMIN_TOKEN set, and give the same value here "
                "(NUMBERSMITH_ADMIN_TOKEN or --numbersmith-admin-token)"
            )
        yield attach(url, token)
        return
    started = start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def numbersmith(numbersmith_server: Server, request: pytest.FixtureRequest) -> Project:
    """A project of its own for the test, on the session's server: ``base_url``,
    ``project_id``, ``api_token``, ``signing_key``, ``twilio_client()``,
    ``signalwire_client()``, ``inbound_message()``, ``inbound_call()``, ``deliveries()``."""
    return numbersmith_server.new_project(request.node.nodeid[-255:])
