"""Inventory supply: only the operator's numbers can be searched and bought."""

import asyncio
import random

import httpx
import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts
from numbersmith.store import inventory


def stock(db, numbers, **details):
    """Put numbers in the inventory, as an import would."""
    rows = [
        {
            "phone_number": number,
            "area_code": number[2:5],
            "pick": random.randrange(inventory.PICK_RANGE),
            "owned": False,
            "iso_country": "US",
            "origin": details.get("origin", "hosted"),
            "region": details.get("region", "CA"),
            "locality": details.get("locality", "Los Angeles"),
            "rate_center": details.get("rate_center", "LSAN DA 01"),
            "lata": details.get("lata", "730"),
            "capability_voice": True,
            "capability_sms": details.get("sms", True),
            "capability_mms": False,
            "capability_fax": False,
        }
        for number in numbers
    ]
    db.run_sync(lambda tx: inventory.add(tx, rows), write=True)


@pytest.fixture
def operator(db):
    credentials = accounts.create_project(db, "operator")
    app = create_app(Settings(database_url=str(db.url), supply="inventory"), database=db)
    with TestClient(app, raise_server_exceptions=False) as http:
        http.auth = (credentials.project_id, credentials.api_token)
        http.numbers_path = f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers.json"
        http.search_path = f"/2010-04-01/Accounts/{credentials.project_id}/AvailablePhoneNumbers/US/Local.json"
        http.credentials = credentials
        yield http


BLOCK = [f"+1310556{line:04d}" for line in range(10)]


def test_only_inventory_numbers_can_be_bought(db, operator):
    stock(db, BLOCK)
    bought = operator.post(operator.numbers_path, data={"PhoneNumber": BLOCK[3]})
    assert bought.status_code == 201, bought.text
    number = bought.json()
    assert number["origin"] == "hosted"
    assert number["capabilities"] == {"Voice": True, "SMS": True, "MMS": False, "Fax": False}
    assert_error(operator.post(operator.numbers_path, data={"PhoneNumber": BLOCK[3]}), 400, 21422)
    assert_error(operator.post(operator.numbers_path, data={"PhoneNumber": "+13105570000"}), 400, 21422)


def test_buying_by_area_code_exhausts_the_inventory_then_says_21452(db, operator):
    stock(db, BLOCK[:5])
    stock(db, ["+12125560000"])  # another area code's stock is not used for 310
    sold = set()
    for _ in range(5):
        response = operator.post(operator.numbers_path, data={"AreaCode": "310"})
        assert response.status_code == 201, response.text
        sold.add(response.json()["phone_number"])
    assert sold == set(BLOCK[:5])
    assert_error(operator.post(operator.numbers_path, data={"AreaCode": "310"}), 400, 21452)


def test_a_released_number_returns_to_the_inventory(db, operator):
    stock(db, BLOCK[:1])
    number = operator.post(operator.numbers_path, data={"AreaCode": "310"}).json()
    assert_error(operator.post(operator.numbers_path, data={"AreaCode": "310"}), 400, 21452)
    path = operator.numbers_path.removesuffix(".json") + f"/{number['sid']}"
    assert operator.delete(path).status_code == 204
    again = operator.post(operator.numbers_path, data={"AreaCode": "310"})
    assert again.status_code == 201 and again.json()["phone_number"] == BLOCK[0]


def test_search_shows_free_inventory_with_what_the_operator_knows(db, operator):
    stock(db, BLOCK[:6], region="CA", locality="Los Angeles", rate_center="LSAN DA 01", lata="730")
    stock(db, BLOCK[6:], sms=False, locality="Santa Monica")
    operator.post(operator.numbers_path, data={"PhoneNumber": BLOCK[0]})
    found = operator.get(operator.search_path, params={"AreaCode": "310"}).json()["available_phone_numbers"]
    assert {n["phone_number"] for n in found} == set(BLOCK[1:])
    sample = next(n for n in found if n["phone_number"] == BLOCK[1])
    assert (sample["region"], sample["locality"], sample["rate_center"], sample["lata"]) == (
        "CA", "Los Angeles", "LSAN DA 01", "730",
    )
    with_sms = operator.get(operator.search_path, params={"SmsEnabled": "true"}).json()
    assert {n["phone_number"] for n in with_sms["available_phone_numbers"]} == set(BLOCK[1:6])
    contains = operator.get(operator.search_path, params={"Contains": "*5560007"}).json()
    assert [n["phone_number"] for n in contains["available_phone_numbers"]] == [BLOCK[7]]
    in_city = operator.get(operator.search_path, params={"InRegion": "CA", "InLocality": "los angeles"}).json()
    assert {n["phone_number"] for n in in_city["available_phone_numbers"]} == set(BLOCK[1:6])
    # Every result can be bought, and buying it shows the same place.
    for result in found:
        assert operator.post(operator.numbers_path, data={"PhoneNumber": result["phone_number"]}).status_code == 201
    assert operator.get(operator.search_path, params={"AreaCode": "310"}).json()["available_phone_numbers"] == []


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_two_buyers_one_number(db):
    credentials = accounts.create_project(db, "race")
    stock(db, BLOCK[:1])
    app = create_app(Settings(database_url=str(db.url), supply="inventory"), database=db)
    path = f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers.json"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://numbersmith",
        auth=(credentials.project_id, credentials.api_token),
    ) as http:
        responses = await asyncio.gather(
            *[http.post(path, data={"PhoneNumber": BLOCK[0]}) for _ in range(2)],
            *[http.post(path, data={"AreaCode": "310"}) for _ in range(2)],
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 400, 400, 400]
    assert sorted(r.json()["code"] for r in responses if r.status_code == 400) in (
        [21422, 21452, 21452],
        [21422, 21422, 21452],
    )
