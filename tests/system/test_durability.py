"""A purchase the server confirmed survives the server being killed with SIGKILL.

Buyers keep purchasing while the server's process group is killed mid-stream. After a restart
on the same database, every number that was answered 201 must still be there, exactly as the
201 body described it, and must not be for sale again. Requests in flight at the kill got no
answer, so nothing is asserted about them.
"""

from __future__ import annotations

import itertools
import random
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.databases import postgres_database
from support.server import Server, start, stop

BUYERS = 4
KILL_AFTER = 60  # confirmed purchases
AREA_CODES = ("212", "646", "415")
#: A valid exchange of 310 (the documentation's own example is +13103386745), for exact buys.
EXACT_PREFIX = "+1310338"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'numbersmith.db'}"
    else:
        with postgres_database() as url:
            yield url


class Buyers:
    """Threads that buy numbers until the server stops answering; they keep every 201 body."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.confirmed: list[dict[str, Any]] = []
        self.refusals: list[tuple[dict[str, str], int, Any]] = []
        self.lock = threading.Lock()
        self.enough = threading.Event()
        self.threads = [threading.Thread(target=self.buy, args=(n,)) for n in range(BUYERS)]

    @property
    def path(self) -> str:
        return f"/2010-04-01/Accounts/{self.server.project_id}/IncomingPhoneNumbers.json"

    def purchases(self, buyer: int) -> Iterator[dict[str, str]]:
        rng = random.Random(buyer)
        for n in itertools.count():
            if n % 3 == 2:
                form = {"PhoneNumber": f"{EXACT_PREFIX}{rng.randrange(10_000):04d}"}
            else:
                form = {"AreaCode": AREA_CODES[n % len(AREA_CODES)]}
            if n % 2:
                # Settings of the buyer's choosing must survive too, not only the defaults.
                form |= {
                    "FriendlyName": f"buyer {buyer} #{n}",
                    "VoiceUrl": f"https://example.com/voice/{buyer}/{n}",
                    "SmsMethod": "GET",
                    "VoiceReceiveMode": "fax",
                }
            yield form

    def buy(self, buyer: int) -> None:
        auth = (self.server.project_id, self.server.api_token)
        with httpx.Client(base_url=self.server.base_url, auth=auth, timeout=30) as http:
            for form in self.purchases(buyer):
                try:
                    response = http.post(self.path, data=form)
                except httpx.TransportError:
                    return  # the server is gone
                with self.lock:
                    if response.status_code == 201:
                        self.confirmed.append(response.json())
                        if len(self.confirmed) >= KILL_AFTER:
                            self.enough.set()
                    else:
                        self.refusals.append((form, response.status_code, error_code(response)))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()


def error_code(response: httpx.Response) -> Any:
    try:
        return response.json().get("code")
    except ValueError:
        return response.text


def restart(server: Server) -> Server:
    return start(server.database_url, project_id=server.project_id, api_token=server.api_token)


def test_confirmed_purchases_survive_sigkill(database_url: str) -> None:
    server = start(database_url)
    buyers = Buyers(server)
    try:
        buyers.start()
        assert buyers.enough.wait(timeout=120), f"only {len(buyers.confirmed)} purchases confirmed"
    finally:
        stop(server.process, signal.SIGKILL)
        buyers.join()

    # The only acceptable refusal: an exact number another buyer had already taken.
    unexpected = [r for r in buyers.refusals if r[1:] != (400, 21422)]
    assert not unexpected, unexpected

    restarted = restart(server)
    try:
        auth = (server.project_id, server.api_token)
        with httpx.Client(base_url=restarted.base_url, auth=auth, timeout=30) as http:
            for confirmed in buyers.confirmed:
                fetched = http.get(confirmed["uri"])
                assert fetched.status_code == 200, (confirmed["phone_number"], fetched.text)
                assert fetched.json() == confirmed

            for confirmed in buyers.confirmed:
                again = http.post(buyers.path, data={"PhoneNumber": confirmed["phone_number"]})
                assert again.status_code == 400, (confirmed["phone_number"], again.text)
                assert again.json()["code"] == 21422
    finally:
        stop(restarted.process)
