"""numbersmith's own routes for test suites: creating a project with the admin token, and
resetting a project with its own token."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from api.test_inventory_supply import BLOCK, stock
from conftest import new_account
from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts

ADMIN_TOKEN = "an-admin-token-for-tests"
PROJECTS = "/api/numbersmith/v1/Projects"


def reset_path(project_id: str) -> str:
    return f"/api/numbersmith/v1/Accounts/{project_id}/Reset"


@pytest.fixture
def admin(db):
    app = create_app(Settings(database_url=str(db.url), admin_token=ADMIN_TOKEN), database=db)
    with TestClient(app, raise_server_exceptions=False) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_admin_token_creates_projects_that_work_at_once(admin):
    created = admin.post(PROJECTS, data={"FriendlyName": "ci"}, headers=bearer(ADMIN_TOKEN))

    assert created.status_code == 201, created.text
    project = created.json()
    assert set(project) == {"project_id", "api_token", "signing_key"}
    assert project["signing_key"].startswith("PSK_")
    bought = admin.post(
        f"/2010-04-01/Accounts/{project['project_id']}/IncomingPhoneNumbers.json",
        data={"AreaCode": "415"},
        auth=(project["project_id"], project["api_token"]),
    )
    assert bought.status_code == 201, bought.text
    other = admin.post(PROJECTS + ".json", headers=bearer(ADMIN_TOKEN)).json()
    assert other["project_id"] != project["project_id"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("not-the-token"),
        {"Authorization": "Basic YWRtaW46YW4tYWRtaW4tdG9rZW4tZm9yLXRlc3Rz"},
    ],
)
def test_without_the_admin_token_no_project_is_created(admin, headers):
    assert_error(admin.post(PROJECTS, headers=headers), 401, 20003)


def test_a_server_without_an_admin_token_says_how_to_get_one(app_client):
    body = assert_error(app_client.post(PROJECTS, headers=bearer("anything")), 401, 20003)
    assert "NUMBERSMITH_ADMIN_TOKEN" in body["message"]


def test_a_project_name_is_1_to_255_characters(admin):
    for name in ("", "x" * 256):
        response = admin.post(PROJECTS, data={"FriendlyName": name}, headers=bearer(ADMIN_TOKEN))
        assert_error(response, 400, 20002)


def buy(account, **form) -> dict:
    response = account.http.post(account.numbers_path, data={"AreaCode": "310", **form})
    assert response.status_code == 201, response.text
    return response.json()


def test_reset_wipes_the_projects_numbers_applications_and_journal(db, app_client, account):
    application = account.http.post(
        f"/2010-04-01/Accounts/{account.project_id}/Applications", data={"FriendlyName": "app"}
    ).json()
    number = buy(account, SmsApplicationSid=application["sid"])
    sent = account.http.post(
        f"/api/numbersmith/v1/Accounts/{account.project_id}/InboundMessages",
        data={"To": number["phone_number"], "Body": "hi"},
    )
    assert sent.status_code == 201, sent.text
    neighbour = new_account(db, app_client, "neighbour")
    kept = buy(neighbour)

    wiped = account.http.post(reset_path(account.project_id))

    assert wiped.status_code == 200, wiped.text
    assert wiped.json() == {
        "account_sid": account.project_id,
        "numbers_released": 1,
        "applications_deleted": 1,
        "exchanges_forgotten": 1,
    }
    assert account.http.get(account.numbers_path).json()["incoming_phone_numbers"] == []
    applications = account.http.get(f"/2010-04-01/Accounts/{account.project_id}/Applications")
    assert applications.json()["applications"] == []
    journal = account.http.get(f"/api/numbersmith/v1/Accounts/{account.project_id}/Deliveries")
    assert journal.status_code == 200
    assert journal.json()["deliveries"] == []
    fetched = account.http.get(
        f"/api/numbersmith/v1/Accounts/{account.project_id}/InboundMessages/{sent.json()['sid']}"
    )
    assert_error(fetched, 404, 20404)
    # The number can be bought again at once; the token still works; the neighbour keeps its own.
    again = buy(account, PhoneNumber=number["phone_number"])
    assert again["phone_number"] == number["phone_number"]
    assert neighbour.http.get(f"{neighbour.numbers_path}/{kept['sid']}").status_code == 200


def test_reset_returns_inventory_numbers_to_the_supply(db):
    credentials = accounts.create_project(db, "operator")
    stock(db, BLOCK[:1])
    app = create_app(Settings(database_url=str(db.url), supply="inventory"), database=db)
    with TestClient(app, raise_server_exceptions=False) as http:
        http.auth = (credentials.project_id, credentials.api_token)
        numbers = f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers.json"
        assert http.post(numbers, data={"AreaCode": "310"}).status_code == 201
        assert_error(http.post(numbers, data={"AreaCode": "310"}), 400, 21452)

        assert http.post(reset_path(credentials.project_id)).json()["numbers_released"] == 1

        rebought = http.post(numbers, data={"AreaCode": "310"})
        assert rebought.status_code == 201, rebought.text
        assert rebought.json()["phone_number"] == BLOCK[0]


def test_reset_needs_the_projects_own_token_with_the_numbers_scope(db, app_client, account):
    buy(account)
    other = new_account(db, app_client, "other")
    value, _ = accounts.create_token(db, account.project_id, ["messaging"])

    assert_error(other.http.post(reset_path(account.project_id)), 401, 20003)
    assert_error(app_client.post(reset_path(account.project_id)), 401, 20003)
    assert_error(
        app_client.post(reset_path(account.project_id), auth=(account.project_id, value)),
        401,
        20003,
    )
    assert len(account.http.get(account.numbers_path).json()["incoming_phone_numbers"]) == 1


def test_the_routes_are_in_the_openapi_document(app_client):
    paths = app_client.get("/openapi.json").json()["paths"]
    assert paths["/api/numbersmith/v1/Projects"]["post"]["operationId"] == "createProject"
    reset = paths["/api/numbersmith/v1/Accounts/{AccountSid}/Reset"]["post"]
    assert reset["operationId"] == "resetProject"
