"""A server in Twilio's flavour: Twilio's identifiers, prefix, representation (every response
held to Twilio's published schema by tests/conftest.py), applications, webhooks signed with the
auth token, and Twilio's test credentials with their magic numbers. Each test runs on SQLite and
on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from api.test_traffic import MESSAGE_REPLY, SENDER, expected_signature, send_message
from conftest import Account, new_account
from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.provisioning import accounts, seed_file
from numbersmith.provisioning.flavor import FlavorMismatch
from numbersmith.provisioning.seed import apply
from numbersmith.provisioning.supply import supply_named
from numbersmith.store import Database
from support.receiver import Receiver, receiving

ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
AUTH_TOKEN = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def twilio_app(db: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=str(db.url), flavor="twilio"), database=db)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def twilio(db: Database, twilio_app: TestClient) -> Account:
    return new_account(db, twilio_app)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def buy(account: Account, **form: str) -> dict:
    response = account.http.post(account.numbers_path + ".json", data={"AreaCode": "310", **form})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_project_has_twilio_credentials_and_test_credentials(db, twilio_app):
    credentials = accounts.create_project(db, "shop")
    assert ACCOUNT_SID.fullmatch(credentials.project_id)
    assert AUTH_TOKEN.fullmatch(credentials.api_token)
    # Twilio signs webhooks with the auth token.
    assert credentials.signing_key == credentials.api_token
    assert credentials.test_project_id is not None and credentials.test_api_token is not None
    assert ACCOUNT_SID.fullmatch(credentials.test_project_id)
    assert AUTH_TOKEN.fullmatch(credentials.test_api_token)
    assert credentials.test_project_id != credentials.project_id


def test_a_number_is_twilio_shaped(twilio):
    number = buy(twilio, FriendlyName="shop", VoiceUrl="https://example.com/voice")
    assert re.fullmatch(r"PN[0-9a-f]{32}", number["sid"])
    assert number["account_sid"] == twilio.project_id
    assert number["uri"] == f"{twilio.numbers_path}/{number['sid']}.json"
    assert number["status"] == "in-use"
    assert number["bundle_sid"] is None
    assert number["emergency_address_status"] == "unregistered"
    assert number["emergency_status"] == "Inactive"
    assert number["capabilities"] == {"voice": True, "sms": True, "mms": True, "fax": True}
    assert number["origin"] == "twilio"
    assert number["type"] == "local"
    assert (number["friendly_name"], number["voice_url"]) == ("shop", "https://example.com/voice")
    for signalwire_only in ("account_id", "country_code"):
        assert signalwire_only not in number


def test_only_twilio_s_prefix_is_served(twilio):
    number = buy(twilio)
    response = twilio.http.get(f"/api/laml{twilio.numbers_path}/{number['sid']}.json")
    assert_error(response, 404, 20404)
    fetched = twilio.http.get(f"{twilio.numbers_path}/{number['sid']}.json")
    assert fetched.status_code == 200
    assert fetched.json() == number


def test_a_number_s_default_name_is_twilio_s(twilio):
    number = buy(twilio)
    e164 = number["phone_number"]
    assert number["friendly_name"] == f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def test_fetch_update_and_release(twilio):
    number = buy(twilio)
    path = f"{twilio.numbers_path}/{number['sid']}.json"
    updated = twilio.http.post(path, data={"SmsUrl": "https://example.com/sms"})
    assert updated.status_code == 200
    assert updated.json()["sms_url"] == "https://example.com/sms"
    assert twilio.http.delete(path).status_code == 204
    assert_error(twilio.http.get(path), 404, 20404)


def test_pages_carry_start_and_end(twilio):
    for _ in range(3):
        buy(twilio)
    first = twilio.http.get(twilio.numbers_path + ".json", params={"PageSize": 2}).json()
    assert (first["start"], first["end"], first["page"]) == (0, 1, 0)
    assert len(first["incoming_phone_numbers"]) == 2
    assert first["first_page_uri"].startswith(f"/2010-04-01/Accounts/{twilio.project_id}/")
    second = twilio.http.get(first["next_page_uri"]).json()
    assert (second["start"], second["end"], second["page"]) == (2, 2, 1)
    assert second["next_page_uri"] is None


def test_applications_need_no_name_and_have_twilio_s_fields(twilio):
    path = f"/2010-04-01/Accounts/{twilio.project_id}/Applications.json"
    created = twilio.http.post(path, data={"SmsStatusCallback": "https://example.com/status"})
    assert created.status_code == 201, created.text
    application = created.json()
    assert re.fullmatch(r"AP[0-9a-f]{32}", application["sid"])
    assert application["friendly_name"] is None
    assert application["message_status_callback"] == "https://example.com/status"
    assert application["public_application_connect_enabled"] is False
    assert "sms_status_callback_method" not in application
    sid = application["sid"]
    renamed = twilio.http.post(
        f"/2010-04-01/Accounts/{twilio.project_id}/Applications/{sid}.json",
        data={"VoiceUrl": "https://example.com/v"},
    )
    assert renamed.status_code == 200 and renamed.json()["voice_url"] == "https://example.com/v"
    page = twilio.http.get(path).json()
    assert [found["sid"] for found in page["applications"]] == [sid]
    assert (page["start"], page["end"]) == (0, 0)
    number = buy(twilio, VoiceApplicationSid=sid)
    assert number["voice_application_sid"] == sid


def test_a_webhook_is_signed_with_the_auth_token_in_twilio_s_header_only(twilio, receiver):
    url = receiver.answer("/sms", MESSAGE_REPLY)
    number = buy(twilio, SmsUrl=url)
    exchange = send_message(twilio, To=number["phone_number"], From=SENDER, Body="hi")
    [request] = receiver.to("/sms")
    sent = request.parameters
    assert re.fullmatch(r"SM[0-9a-f]{32}", sent["MessageSid"])
    assert sent["MessageSid"] == exchange["sid"]
    assert sent["AccountSid"] == twilio.project_id
    assert request.headers["x-twilio-signature"] == expected_signature(twilio.token, url, sent)
    assert "x-signalwire-signature" not in request.headers
    assert request.headers["user-agent"] == "TwilioProxy/1.1"
    kept = twilio.http.get(
        f"/api/numbersmith/v1/Accounts/{twilio.project_id}/InboundMessages/{exchange['sid']}"
    )
    assert kept.status_code == 200 and kept.json()["sid"] == exchange["sid"]


def test_a_message_with_media_has_an_mm_sid(twilio, receiver):
    url = receiver.answer("/sms", MESSAGE_REPLY)
    number = buy(twilio, SmsUrl=url)
    send_message(twilio, To=number["phone_number"], MediaUrl="https://example.com/cat.jpg")
    [request] = receiver.to("/sms")
    assert re.fullmatch(r"MM[0-9a-f]{32}", request.parameters["MessageSid"])


def test_a_call_has_a_ca_sid(twilio, receiver):
    url = receiver.answer("/voice", "<Response><Hangup/></Response>")
    number = buy(twilio, VoiceUrl=url)
    response = twilio.http.post(
        f"/api/numbersmith/v1/Accounts/{twilio.project_id}/InboundCalls",
        data={"To": number["phone_number"]},
    )
    assert response.status_code == 201, response.text
    [request] = receiver.to("/voice")
    assert re.fullmatch(r"CA[0-9a-f]{32}", request.parameters["CallSid"])


# Test credentials -------------------------------------------------------------------------


@pytest.fixture
def test_credentials(db: Database, twilio_app: TestClient) -> tuple[Account, Account]:
    """A project (live credentials) and its test credentials, each with a client."""
    credentials = accounts.create_project(db, "with test credentials")
    live = TestClient(twilio_app.app, raise_server_exceptions=False)
    live.auth = (credentials.project_id, credentials.api_token)
    test = TestClient(twilio_app.app, raise_server_exceptions=False)
    assert credentials.test_project_id and credentials.test_api_token
    test.auth = (credentials.test_project_id, credentials.test_api_token)
    return (
        Account(credentials.project_id, credentials.api_token, credentials.signing_key, live),
        Account(credentials.test_project_id, credentials.test_api_token, "", test),
    )


def test_the_magic_available_number_is_bought_and_nothing_is_kept(test_credentials):
    live, test = test_credentials
    response = test.http.post(
        test.numbers_path + ".json",
        data={"PhoneNumber": "+15005550006", "VoiceUrl": "https://example.com/v"},
    )
    assert response.status_code == 201, response.text
    number = response.json()
    assert number["phone_number"] == "+15005550006"
    assert number["account_sid"] == test.project_id
    assert number["voice_url"] == "https://example.com/v"
    assert re.fullmatch(r"PN[0-9a-f]{32}", number["sid"])
    assert live.http.get(live.numbers_path + ".json").json()["incoming_phone_numbers"] == []


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"PhoneNumber": "+15005550000"}, 400, 21422),
        ({"PhoneNumber": "+15005550001"}, 400, 21421),
        ({"AreaCode": "533"}, 400, 21452),
        ({"PhoneNumber": "+13103386745"}, 400, 21422),
        ({"PhoneNumber": "12"}, 400, 21401),
        ({}, 400, 21421),
    ],
)
def test_magic_values_refuse_as_twilio_documents(test_credentials, form, status, code):
    _, test = test_credentials
    assert_error(test.http.post(test.numbers_path + ".json", data=form), status, code)


def test_area_code_500_has_a_number(test_credentials):
    _, test = test_credentials
    response = test.http.post(test.numbers_path + ".json", data={"AreaCode": "500"})
    assert response.status_code == 201
    assert response.json()["phone_number"] == "+15005550006"


def test_test_credentials_reach_nothing_else(test_credentials):
    live, test = test_credentials
    assert_error(test.http.get(test.numbers_path + ".json"), 403, 20008)
    assert_error(
        test.http.get(f"/2010-04-01/Accounts/{test.project_id}/Applications.json"), 403, 20008
    )
    # Not the live account's resources either: those are another account.
    assert_error(test.http.get(live.numbers_path + ".json"), 401, 20003)
    assert_error(test.http.post(live.numbers_path + ".json", data={"AreaCode": "310"}), 401, 20003)


# The flavour belongs to the database -------------------------------------------------------


def test_the_other_flavour_refuses_to_start_on_the_database(db, twilio_app):
    with pytest.raises(FlavorMismatch, match="created for the twilio flavour"):
        create_app(Settings(database_url=str(db.url), flavor="signalwire"), database=db)
    # Without a flavour, a server follows its database.
    app = create_app(Settings(database_url=str(db.url)), database=db)
    assert app.state.flavor == "twilio"


def test_a_database_from_before_flavours_stays_signalwire(db):
    credentials = accounts.create_project(db, "older")  # a database with projects already
    assert not credentials.project_id.startswith("AC")
    with pytest.raises(FlavorMismatch, match="created for the signalwire flavour"):
        create_app(Settings(database_url=str(db.url), flavor="twilio"), database=db)


def test_a_search_answers_twilio_s_shape(twilio):
    path = f"/2010-04-01/Accounts/{twilio.project_id}/AvailablePhoneNumbers/US/Local.json"
    found = twilio.http.get(path, params={"AreaCode": "415", "PageSize": 2}).json()
    assert set(found) == {"uri", "available_phone_numbers"}
    [first, _] = found["available_phone_numbers"]
    assert first["capabilities"] == {"voice": True, "sms": True, "mms": True, "fax": True}
    countries = twilio.http.get(
        f"/2010-04-01/Accounts/{twilio.project_id}/AvailablePhoneNumbers.json"
    ).json()
    assert countries["countries"][0]["uri"].startswith("/2010-04-01/")


def test_twilio_s_schema_refuses_a_field_too_many_or_too_few(twilio):
    import orjson

    from support.twilio_schema import twilio_published

    number = buy(twilio)
    schema = twilio_published()

    def problem(body: dict) -> str | None:
        path = twilio.numbers_path + ".json"
        return schema.mismatch("POST", path, 201, "application/json", orjson.dumps(body))

    assert problem(number) is None
    assert "account_id" in (problem({**number, "account_id": twilio.project_id}) or "")
    del number["bundle_sid"]
    assert "bundle_sid" in (problem(number) or "")
    page = twilio.http.get(twilio.numbers_path + ".json").json()
    del page["start"]
    found = schema.mismatch(
        "GET", twilio.numbers_path + ".json", 200, "application/json", orjson.dumps(page)
    )
    assert found is not None and "start" in found


NUMBER_SID = re.compile(r"PN[0-9a-f]{32}")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_numbers_and_applications_made_in_the_dashboard_are_twilios(twilio: Account) -> None:
    browser = TestClient(twilio.http.app, raise_server_exceptions=False)
    browser.post(
        "/dashboard/sign-in", data={"project_id": twilio.project_id, "api_token": twilio.token}
    )
    match = _CSRF.search(browser.get("/dashboard/buy").text)
    assert match is not None
    token = match.group(1)

    bought = browser.post("/dashboard/buy", data={"area_code": "310", "csrf_token": token})
    made = browser.post(
        "/dashboard/applications", data={"friendly_name": "Support", "csrf_token": token}
    )

    assert bought.status_code == made.status_code == 200, (bought.text, made.text)
    (number,) = twilio.http.get(twilio.numbers_path + ".json").json()["incoming_phone_numbers"]
    assert NUMBER_SID.fullmatch(number["sid"]), number["sid"]
    phone = number["phone_number"]
    assert number["friendly_name"] == f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    applications = twilio.http.get(f"/2010-04-01/Accounts/{twilio.project_id}/Applications.json")
    (application,) = applications.json()["applications"]
    assert re.fullmatch(r"AP[0-9a-f]{32}", application["sid"]), application["sid"]


def test_a_seed_on_a_twilio_database_makes_twilios_numbers_and_applications(
    db: Database, twilio_app: TestClient
) -> None:
    project = "AC" + "1" * 32
    seed = seed_file.parse(
        f"""
projects:
  - project_id: {project}
    api_token: {"a" * 32}
    applications:
      - friendly_name: Support
    numbers:
      - phone_number: "+13103380005"
"""
    )
    apply(db, seed, supply_named("synthetic"))

    client = TestClient(twilio_app.app, raise_server_exceptions=False)
    client.auth = (project, "a" * 32)
    base = f"/2010-04-01/Accounts/{project}"
    (number,) = client.get(f"{base}/IncomingPhoneNumbers.json").json()["incoming_phone_numbers"]
    (application,) = client.get(f"{base}/Applications.json").json()["applications"]
    assert NUMBER_SID.fullmatch(number["sid"]), number["sid"]
    assert number["friendly_name"] == "(310) 338-0005"
    assert re.fullmatch(r"AP[0-9a-f]{32}", application["sid"]), application["sid"]
