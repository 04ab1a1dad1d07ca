"""The check every response goes through (tests/conftest.py): SignalWire's published schema,
with our deviations and no others. These tests show the check refuses what it should, that each
deviation is needed, and that numbersmith's own OpenAPI document describes the same fields."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from numbersmith.api.deviations import DEVIATIONS
from support import published_schema
from support.published_schema import PublishedSchema, document_path, published


def mismatch(schema: PublishedSchema, method: str, path: str, status: int, body: Any) -> str | None:
    return schema.mismatch(method, path, status, "application/json", orjson.dumps(body))


@pytest.fixture
def number(account) -> dict[str, Any]:
    response = account.http.post(account.numbers_path, data={"AreaCode": "310"})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_number_with_a_field_signalwire_lacks_is_refused(account, number):
    assert mismatch(published(), "POST", account.numbers_path, 201, number) is None
    problem = mismatch(
        published(), "POST", account.numbers_path, 201, {**number, "status": "in-use"}
    )
    assert problem is not None and "'status'" in problem


def test_a_number_without_a_published_field_is_refused(account, number):
    del number["trunk_sid"]
    problem = mismatch(
        published(), "GET", f"{account.numbers_path}/{number['sid']}.json", 200, number
    )
    assert problem is not None and "'trunk_sid'" in problem


def test_a_page_with_start_and_end_is_refused(account, number):
    page = account.http.get(account.numbers_path).json()
    assert mismatch(published(), "GET", account.numbers_path, 200, {**page, "start": 0}) is not None
    assert mismatch(published(), "GET", account.numbers_path, 200, {**page, "end": 0}) is not None


def test_a_search_with_page_fields_is_refused(account):
    path = f"/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers/US/Local.json"
    found = account.http.get(path, params={"PageSize": 2}).json()
    problem = mismatch(published(), "GET", path, 200, {**found, "page": 0})
    assert problem is not None and "'page'" in problem


def test_an_error_with_more_than_the_four_keys_is_refused(account):
    path = account.numbers_path + "/nope"
    error = account.http.get(path).json()
    assert mismatch(published(), "GET", path, 404, error) is None
    assert mismatch(published(), "GET", path, 404, {**error, "type": "about:blank"}) is not None


def test_a_success_status_the_document_does_not_give_the_route_is_refused(account, number):
    problem = mismatch(published(), "POST", account.numbers_path, 200, number)
    assert problem is not None and problem.startswith("answered 200")


def test_numbersmiths_own_routes_are_not_checked():
    assert published().schema_name("GET", "/healthz", 200) is None
    assert published().schema_name("POST", "/api/numbersmith/v1/Accounts/x/Reset", 400) is None


@pytest.mark.parametrize("deviation", DEVIATIONS, ids=lambda d: f"{d.schemas[0]}.{d.field}")
def test_each_deviation_is_needed(account, number, deviation):
    without = PublishedSchema.load(
        document_path(), tuple(d for d in DEVIATIONS if d is not deviation)
    )
    fetched = account.http.get(number["uri"]).json()
    problems = [
        mismatch(without, "POST", account.numbers_path, 201, number),
        mismatch(without, "GET", number["uri"], 200, fetched),
    ]
    named = repr(deviation.renames or deviation.field)  # the field the published schema misses
    assert all(problem is not None and named in problem for problem in problems), problems


def test_without_the_published_document_the_checks_fail(monkeypatch, tmp_path):
    # Only places of the test's own: whatever the machine has beside its folders is not looked at.
    monkeypatch.setattr(published_schema, "candidates", lambda: [tmp_path / "shared" / "x.yaml"])
    with pytest.raises(FileNotFoundError, match="was not found"):
        document_path()


#: Each schema of numbersmith's OpenAPI document and the published one it stands for.
_COUNTERPARTS = {
    "IncomingPhoneNumber": "IncomingPhoneNumber",
    "IncomingPhoneNumberPage": "IncomingPhoneNumberListResponse",
    "AvailablePhoneNumber": "AvailablePhoneNumber",
    "AvailablePhoneNumberList": "AvailablePhoneNumberListResponse",
    "AvailablePhoneNumberCountry": "AvailablePhoneNumberByCountryResponse",
    "AvailablePhoneNumberCountryList": "AvailablePhoneNumberResourcesResponse",
    "Error": "CompatibilityErrorResponse",
}


@pytest.mark.parametrize("ours,theirs", _COUNTERPARTS.items())
def test_our_openapi_document_describes_the_published_fields(app_client, ours, theirs):
    schemas = app_client.get("/openapi.json").json()["components"]["schemas"]
    published_schemas = published().document["components"]["schemas"]
    described, counterpart = schemas[ours], published_schemas[theirs]
    assert set(described["properties"]) == set(counterpart["properties"])
    assert set(described["required"]) == set(counterpart["required"])
    if "capabilities" in described["properties"]:
        capabilities = described["properties"]["capabilities"]
        their_capabilities = published_schemas[
            counterpart["properties"]["capabilities"]["allOf"][0]["$ref"].split("/")[-1]
        ]
        assert set(capabilities["properties"]) == set(their_capabilities["properties"])
