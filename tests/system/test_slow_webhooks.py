"""A webhook that takes seconds to answer ties up nothing but its own exchange: while many
simulated messages wait on one, the API goes on answering, on both back ends."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from support.databases import postgres_database
from support.receiver import receiving
from support.server import Server, running

WAITING = 40
DELAY = 2.0


@pytest.fixture(params=["sqlite", "postgresql"])
def numbersmith(request: pytest.FixtureRequest, tmp_path) -> Iterator[Server]:
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'numbersmith.db'}"
        else:
            url = stack.enter_context(postgres_database())
        yield stack.enter_context(running(url, log_path=tmp_path / "server.log"))


def test_slow_webhooks_do_not_hold_up_other_requests(numbersmith):
    auth = (numbersmith.project_id, numbersmith.api_token)
    numbers_path = f"/2010-04-01/Accounts/{numbersmith.project_id}/IncomingPhoneNumbers"
    messages_path = f"/api/numbersmith/v1/Accounts/{numbersmith.project_id}/InboundMessages"
    with (
        receiving() as receiver,
        httpx.Client(base_url=numbersmith.base_url, auth=auth, timeout=60) as http,
    ):
        slow = receiver.answer("/slow", "<Response><Message>late</Message></Response>", delay=DELAY)
        number = http.post(numbers_path, data={"AreaCode": "646", "SmsUrl": slow}).json()
        first_answered = threading.Event()

        def send() -> httpx.Response:
            with httpx.Client(base_url=numbersmith.base_url, auth=auth, timeout=60) as own:
                response = own.post(
                    messages_path, data={"To": number["phone_number"], "Body": "hi"}
                )
            first_answered.set()
            return response

        with ThreadPoolExecutor(WAITING) as pool:
            waiting = [pool.submit(send) for _ in range(WAITING)]
            # Every simulation is now waiting on the slow webhook (or about to). The API answers
            # meanwhile: fetches and purchases all complete before any simulation does.
            while len(receiver.to("/slow")) < WAITING // 2:
                threading.Event().wait(0.01)
            fetched = [http.get(f"{numbers_path}/{number['sid']}") for _ in range(20)]
            bought = http.post(numbers_path, data={"AreaCode": "646"})
            listed = http.get(numbers_path)
            assert not first_answered.is_set()
            answers = [future.result() for future in waiting]

    assert all(response.status_code == 200 for response in fetched)
    assert bought.status_code == 201
    assert listed.status_code == 200
    assert all(answer.status_code == 201 for answer in answers)
    assert {answer.json()["replies"][0]["body"] for answer in answers} == {"late"}
