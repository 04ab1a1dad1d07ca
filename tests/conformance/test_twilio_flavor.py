"""twilio 9 against a real server in Twilio's flavour: Twilio's sids and URIs, the number's
Twilio fields, paging, applications without names, test credentials and their magic numbers, and
webhooks signed with the auth token, checked by the SDK's own RequestValidator.

Run from the twilio 9 environment only (signalwire's pins twilio 6, and is SignalWire's client).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from conftest import SignalWireClient, connect_as
from support import server
from support.receiver import Receiver, receiving

pytestmark = pytest.mark.skipif(
    SignalWireClient is not None, reason="Twilio's flavour is for Twilio's client"
)


@pytest.fixture(scope="module")
def project(twilio_numbersmith: server.Server) -> dict[str, str]:
    return server.create_project(twilio_numbersmith.database_url, "twilio")


@pytest.fixture(scope="module")
def client(twilio_numbersmith: server.Server, project: dict[str, str]):
    return connect_as(twilio_numbersmith, project["project_id"], project["api_token"])


@pytest.fixture(scope="module")
def test_client(twilio_numbersmith: server.Server, project: dict[str, str]):
    return connect_as(twilio_numbersmith, project["test_project_id"], project["test_api_token"])


def test_the_project_has_twilio_s_credentials(project):
    assert re.fullmatch(r"AC[0-9a-f]{32}", project["project_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", project["api_token"])
    assert re.fullmatch(r"AC[0-9a-f]{32}", project["test_project_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", project["test_api_token"])


def test_a_number_bought_fetched_updated_and_released(client, project):
    number = client.incoming_phone_numbers.create(area_code="310", friendly_name="shop")
    assert re.fullmatch(r"PN[0-9a-f]{32}", number.sid)
    assert number.account_sid == project["project_id"]
    assert number.uri == (
        f"/2010-04-01/Accounts/{project['project_id']}/IncomingPhoneNumbers/{number.sid}.json"
    )
    assert number.status == "in-use"
    assert number.bundle_sid is None
    assert number.emergency_status == "Inactive"
    assert number.emergency_address_status == "unregistered"
    assert number.capabilities == {"voice": True, "sms": True, "mms": True, "fax": True}
    assert number.friendly_name == "shop"

    assert client.incoming_phone_numbers(number.sid).fetch().phone_number == number.phone_number
    updated = client.incoming_phone_numbers(number.sid).update(voice_url="https://example.com/v")
    assert updated.voice_url == "https://example.com/v"
    assert client.incoming_phone_numbers(number.sid).delete() is True
    with pytest.raises(TwilioRestException) as refused:
        client.incoming_phone_numbers(number.sid).fetch()
    assert (refused.value.status, refused.value.code) == (404, 20404)


def test_listing_pages_through_every_number(client):
    bought = {client.incoming_phone_numbers.create(area_code="415").sid for _ in range(5)}
    listed = [number.sid for number in client.incoming_phone_numbers.stream(page_size=2)]
    assert bought <= set(listed)
    assert len(listed) == len(set(listed))
    page = client.incoming_phone_numbers.page(page_size=2)
    assert len(list(page)) == 2
    assert page.next_page() is not None


def test_searching_then_buying(client):
    [found] = client.available_phone_numbers("US").local.list(area_code="212", limit=1)
    assert found.capabilities == {"voice": True, "sms": True, "mms": True, "fax": True}
    bought = client.incoming_phone_numbers.create(phone_number=found.phone_number)
    assert bought.phone_number == found.phone_number


def test_an_application_needs_no_name(client):
    application = client.applications.create(sms_url="https://example.com/app")
    assert re.fullmatch(r"AP[0-9a-f]{32}", application.sid)
    assert application.friendly_name is None
    assert application.public_application_connect_enabled is False
    number = client.incoming_phone_numbers.create(
        area_code="310", voice_application_sid=application.sid
    )
    assert number.voice_application_sid == application.sid
    assert client.applications(application.sid).delete() is True


def test_the_magic_available_number_succeeds_and_nothing_is_kept(client, test_client):
    number = test_client.incoming_phone_numbers.create(
        phone_number="+15005550006", voice_url="https://example.com/v"
    )
    assert number.phone_number == "+15005550006"
    assert number.voice_url == "https://example.com/v"
    assert client.incoming_phone_numbers.list(phone_number="+15005550006") == []


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"phone_number": "+15005550000"}, 21422),
        ({"phone_number": "+15005550001"}, 21421),
        ({"area_code": "533"}, 21452),
    ],
)
def test_magic_values_fail_as_twilio_documents(test_client, form, code):
    with pytest.raises(TwilioRestException) as refused:
        test_client.incoming_phone_numbers.create(**form)
    assert (refused.value.status, refused.value.code) == (400, code)


def test_test_credentials_reach_nothing_else(test_client):
    # Twilio's pager raises its plain exception for any status but 200, with the answer.
    with pytest.raises(TwilioException, match="20008"):
        test_client.incoming_phone_numbers.list()
    with pytest.raises(TwilioRestException) as refused:
        test_client.applications.create(friendly_name="no")
    assert (refused.value.status, refused.value.code) == (403, 20008)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def test_a_webhook_validates_with_the_auth_token(twilio_numbersmith, client, project, receiver):
    from twilio.request_validator import RequestValidator

    url = receiver.answer("/sms", "<Response><Message>pong</Message></Response>")
    number = client.incoming_phone_numbers.create(area_code="310", sms_url=url)
    credentials = f"{project['project_id']}:{project['api_token']}".encode()
    account = project["project_id"]
    request = urllib.request.Request(
        f"{twilio_numbersmith.base_url}/api/numbersmith/v1/Accounts/{account}/InboundMessages",
        data=urllib.parse.urlencode({"To": number.phone_number, "Body": "ping"}).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        exchange = json.load(response)
    assert exchange["replies"][0]["body"] == "pong"
    [received] = receiver.to("/sms")
    assert "x-signalwire-signature" not in received.headers
    assert re.fullmatch(r"SM[0-9a-f]{32}", received.parameters["MessageSid"])
    signature = received.headers["x-twilio-signature"]
    assert RequestValidator(project["api_token"]).validate(url, received.parameters, signature)
    other_key = RequestValidator(project["test_api_token"])
    assert not other_key.validate(url, received.parameters, signature)
