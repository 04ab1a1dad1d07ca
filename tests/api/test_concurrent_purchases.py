"""Purchases arriving together: each is answered on its own merits, and each 201 is durable."""

import asyncio

import httpx
import pytest

from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_concurrent_purchases_succeed_or_fail_one_by_one(db):
    credentials = accounts.create_project(db, "together")
    app = create_app(Settings(database_url=str(db.url)), database=db)
    path = f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers.json"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://numbersmith",
        auth=(credentials.project_id, credentials.api_token),
    ) as http:
        # Twenty buyers in one area code, eight racing for one exact number, and a few bad
        # requests, all in flight at once.
        requests = (
            [http.post(path, data={"AreaCode": "718"}) for _ in range(20)]
            + [http.post(path, data={"PhoneNumber": "+17185560000"}) for _ in range(8)]
            + [http.post(path, data={"AreaCode": "718", "VoiceUrl": "nope"}) for _ in range(3)]
        )
        responses = await asyncio.gather(*requests)
        by_area_code, exact, bad = responses[:20], responses[20:28], responses[28:]

        assert [r.status_code for r in by_area_code] == [201] * 20
        assert sorted(r.status_code for r in exact) == [201] + [400] * 7
        assert {r.json()["code"] for r in exact if r.status_code == 400} == {21422}
        assert {(r.status_code, r.json()["code"]) for r in bad} == {(400, 21402)}

        sold = [r.json() for r in responses if r.status_code == 201]
        assert len({number["phone_number"] for number in sold}) == 21
        listed = (await http.get(path, params={"PageSize": 100})).json()["incoming_phone_numbers"]
        assert {n["sid"] for n in listed} == {number["sid"] for number in sold}
