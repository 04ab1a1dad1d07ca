"""Many buyers, several server processes, one PostgreSQL database: no number is sold twice.

Three servers (one of them with three workers) share a database and the same credentials.
Buyers spread over them purchase numbers in one area code while groups of buyers race for the
same exact numbers. Every purchase answered 201 must be a different number, each raced number
must go to exactly one buyer, and the list must show exactly the numbers that were sold.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from support.databases import postgres_database
from support.server import Server, start, stop

AREA_CODE = "646"
AREA_CODE_BUYERS = 24
PURCHASES_PER_BUYER = 30
#: Numbers that RACERS buyers try to buy at the same moment (a valid exchange of 310).
RACED_NUMBERS = [f"+1310338{line:04d}" for line in range(1000, 1010)]
RACERS = 9


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def code(self) -> Any:
        return self.body.get("code") if isinstance(self.body, dict) else None


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    with postgres_database() as url:
        # Started one after another: the first one migrates the database and creates the project.
        first = start(url)
        same = {"project_id": first.project_id, "api_token": first.api_token}
        started = [first]
        try:
            started.append(start(url, **same))
            started.append(start(url, workers=3, **same))
            yield started
        finally:
            for server in started:
                stop(server.process)


def client(server: Server) -> httpx.Client:
    auth = (server.project_id, server.api_token)
    return httpx.Client(base_url=server.base_url, auth=auth, timeout=60)


def purchase(http: httpx.Client, server: Server, form: dict[str, str]) -> Answer:
    path = f"/2010-04-01/Accounts/{server.project_id}/IncomingPhoneNumbers.json"
    response = http.post(path, data=form)
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return Answer(response.status_code, body)


def buy_in_area_code(server: Server, start_together: threading.Barrier) -> list[Answer]:
    with client(server) as http:
        start_together.wait()
        form = {"AreaCode": AREA_CODE}
        return [purchase(http, server, form) for _ in range(PURCHASES_PER_BUYER)]


def race_for(server: Server, number: str, start_together: threading.Barrier) -> Answer:
    with client(server) as http:
        start_together.wait()
        return purchase(http, server, {"PhoneNumber": number})


def listed_numbers(server: Server) -> list[dict[str, Any]]:
    """Every number of the project, following next_page_uri as the SDKs do."""
    auth = (server.project_id, server.api_token)
    found = []
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=60) as http:
        uri = f"/2010-04-01/Accounts/{server.project_id}/IncomingPhoneNumbers.json?PageSize=100"
        while uri is not None:
            page = http.get(uri)
            assert page.status_code == 200, page.text
            found += page.json()["incoming_phone_numbers"]
            uri = page.json()["next_page_uri"]
    return found


def test_no_number_is_sold_twice(servers: list[Server]) -> None:
    def server_for(n: int) -> Server:
        return servers[n % len(servers)]

    with ThreadPoolExecutor(max_workers=AREA_CODE_BUYERS + RACERS) as pool:
        together = threading.Barrier(AREA_CODE_BUYERS + RACERS, timeout=60)
        area_code_buys = [
            pool.submit(buy_in_area_code, server_for(n), together) for n in range(AREA_CODE_BUYERS)
        ]
        races = {}
        for number in RACED_NUMBERS:
            # The racers for the first number are released together with the area-code buyers.
            barrier = together if not races else threading.Barrier(RACERS, timeout=60)
            races[number] = [
                pool.submit(race_for, server_for(n), number, barrier) for n in range(RACERS)
            ]
        area_code_answers = [answer for buyer in area_code_buys for answer in buyer.result()]
        race_answers = {number: [f.result() for f in futures] for number, futures in races.items()}

    every_answer = area_code_answers + [a for answers in race_answers.values() for a in answers]
    server_errors = [answer for answer in every_answer if answer.status >= 500]
    assert not server_errors, server_errors[:5]

    # The area code has millions of free numbers: every purchase in it succeeds.
    refused = [answer for answer in area_code_answers if answer.status != 201]
    assert not refused, refused[:5]
    assert all(a.body["phone_number"].startswith("+1" + AREA_CODE) for a in area_code_answers)

    for number, answers in race_answers.items():
        winners = [answer for answer in answers if answer.status == 201]
        assert len(winners) == 1, (number, answers)
        assert winners[0].body["phone_number"] == number
        losers = [answer for answer in answers if answer.status != 201]
        assert all(a.status == 400 and a.code == 21422 for a in losers), (number, losers)

    sold = [a.body for a in every_answer if a.status == 201]
    assert len(sold) == AREA_CODE_BUYERS * PURCHASES_PER_BUYER + len(RACED_NUMBERS)
    sold_twice = [n for n, times in Counter(s["phone_number"] for s in sold).items() if times > 1]
    assert not sold_twice, sold_twice

    expected = {(s["sid"], s["phone_number"]) for s in sold}
    for server in servers:
        listed = listed_numbers(server)
        assert len(listed) == len({number["sid"] for number in listed}), "a number is listed twice"
        assert {(n["sid"], n["phone_number"]) for n in listed} == expected
