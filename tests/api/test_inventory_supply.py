"""Inventory supply: only the operator's numbers can be searched and bought."""

import asyncio

import httpx
import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts, inventory


def stock(db, numbers, **details):
    """Put numbers in the inventory, as an import would."""
    record = {
        "origin": details.get("origin", "hosted"),
        "region": details.get("region", "CA"),
        "locality": details.get("locality", "Los Angeles"),
        "rate_center": details.get("rate_center", "LSAN DA 01"),
        "lata": details.get("lata", "730"),
        "sms": "true" if details.get("sms", True) else "false",
        "mms": "false",
        "fax": "false",
    }
    report = inventory.import_rows(
        db, [(line, {**record, "phone_number": number}) for line, number in enumerate(numbers, 2)]
    )
    assert not report.bad


@pytest.fixture
def operator(db):
    credentials = accounts.create_project(db, "operator")
    app = create_app(Settings(database_url=str(db.url), supply="inventory"), database=db)
    with TestClient(app, raise_server_exceptions=False) as http:
        http.auth = (credentials.project_id, credentials.api_token)
        http.numbers_path = (
            f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers.json"
        )
        http.search_path = (
            f"/2010-04-01/Accounts/{credentials.project_id}/AvailablePhoneNumbers/US/Local.json"
        )
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
    assert_error(
        operator.post(operator.numbers_path, data={"PhoneNumber": "+13105570000"}), 400, 21422
    )


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
    found = operator.get(operator.search_path, params={"AreaCode": "310"}).json()[
        "available_phone_numbers"
    ]
    assert {n["phone_number"] for n in found} == set(BLOCK[1:])
    sample = next(n for n in found if n["phone_number"] == BLOCK[1])
    assert (sample["region"], sample["locality"], sample["rate_center"], sample["lata"]) == (
        "CA",
        "Los Angeles",
        "LSAN DA 01",
        "730",
    )
    with_sms = operator.get(operator.search_path, params={"SmsEnabled": "true"}).json()
    assert {n["phone_number"] for n in with_sms["available_phone_numbers"]} == set(BLOCK[1:6])
    contains = operator.get(operator.search_path, params={"Contains": "*5560007"}).json()
    assert [n["phone_number"] for n in contains["available_phone_numbers"]] == [BLOCK[7]]
    in_city = operator.get(
        operator.search_path, params={"InRegion": "CA", "InLocality": "los angeles"}
    ).json()
    assert {n["phone_number"] for n in in_city["available_phone_numbers"]} == set(BLOCK[1:6])
    # Every result can be bought, and buying it shows the same place.
    for result in found:
        assert (
            operator.post(
                operator.numbers_path, data={"PhoneNumber": result["phone_number"]}
            ).status_code
            == 201
        )
    assert (
        operator.get(operator.search_path, params={"AreaCode": "310"}).json()[
            "available_phone_numbers"
        ]
        == []
    )


def test_search_keeps_to_the_country_and_kind_asked_for(db, operator):
    local, toll_free, canadian = BLOCK[0], "+18002340199", "+14163380001"
    stock(db, [local, toll_free, canadian])
    accounts_path = operator.search_path.removesuffix("/US/Local.json")

    def found(path, **params):
        response = operator.get(f"{accounts_path}/{path}", params=params)
        assert response.status_code == 200, response.text
        return [n["phone_number"] for n in response.json()["available_phone_numbers"]]

    assert found("US/Local.json") == [local]
    assert found("US/TollFree.json") == [toll_free]
    assert found("CA/Local.json") == [canadian]
    assert found("CA/Local.json", Contains="338") == [canadian]
    assert found("US/Local.json", AreaCode="416") == []


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
