"""Webhooks of simulated traffic, checked by the SDK's own signature validator: a real server
delivers to a real receiver in this process, which validates every request as a user's
application would."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from conftest import connect_as
from support import server
from support.receiver import Receiver, receiving

try:
    from signalwire.request_validator import RequestValidator
except ImportError:  # the twilio 9 environment
    from twilio.request_validator import RequestValidator

MENU = '<Response><Gather numDigits="1" action="menu"><Say>Press 1</Say></Gather></Response>'


@pytest.fixture(scope="module")
def project(numbersmith: server.Server) -> dict[str, str]:
    return server.create_project(numbersmith.database_url, "webhooks")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def simulate(numbersmith: server.Server, project: dict[str, str], kind: str, form: dict) -> dict:
    path = f"/api/numbersmith/v1/Accounts/{project['project_id']}/{kind}"
    credentials = f"{project['project_id']}:{project['api_token']}".encode()
    request = urllib.request.Request(
        numbersmith.base_url + path,
        data=urllib.parse.urlencode(form, doseq=True).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return json.load(response)


def validates(key: str, received, configured_url: str) -> bool:
    """What a user's application does with a request: the SDK's validator, given the URL the
    application is reached at and the parameters it received."""
    signature = received.headers["x-twilio-signature"]
    assert received.headers["x-signalwire-signature"] == signature
    if received.method == "GET":
        return RequestValidator(key).validate(received.url, {}, signature)
    return RequestValidator(key).validate(
        configured_url.split("#")[0], received.parameters, signature
    )


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("POST", ""),
        ("GET", ""),
        ("POST", "?tenant=a%20b&x=1"),
        ("GET", "?tenant=7"),
        ("POST", "#rt=4000&tt=9000"),
    ],
)
def test_message_webhooks_validate(numbersmith, project, receiver, method, suffix):
    client = connect_as(numbersmith, project["project_id"], project["api_token"])
    url = receiver.answer("/sms", "<Response><Message>ok</Message></Response>") + suffix
    number = client.incoming_phone_numbers.create(area_code="312", sms_url=url, sms_method=method)
    exchange = simulate(
        numbersmith, project, "InboundMessages", {"To": number.phone_number, "Body": "Hi & bye ü"}
    )
    [received] = receiver.to("/sms")
    assert received.method == method
    assert validates(project["signing_key"], received, url)
    assert exchange["replies"][0]["body"] == "ok"


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_call_webhooks_and_actions_validate(numbersmith, project, receiver, method):
    client = connect_as(numbersmith, project["project_id"], project["api_token"])
    voice = receiver.answer("/voice", MENU)
    receiver.answer("/menu", "<Response><Hangup/></Response>")
    status = receiver.answer("/status", "")
    number = client.incoming_phone_numbers.create(
        area_code="312", voice_url=voice, voice_method=method, status_callback=status
    )
    call = simulate(
        numbersmith, project, "InboundCalls", {"To": number.phone_number, "Digits": "1"}
    )
    assert call["call_status"] == "completed"
    [first] = receiver.to("/voice")
    [menu] = receiver.to("/menu")
    [ended] = receiver.to("/status")
    assert validates(project["signing_key"], first, voice)
    assert validates(project["signing_key"], menu, receiver.base_url + "/menu")
    assert validates(project["signing_key"], ended, status)


def test_a_signature_with_another_key_does_not_validate(numbersmith, project, receiver):
    client = connect_as(numbersmith, project["project_id"], project["api_token"])
    url = receiver.answer("/sms")
    number = client.incoming_phone_numbers.create(area_code="312", sms_url=url)
    simulate(numbersmith, project, "InboundMessages", {"To": number.phone_number})
    [received] = receiver.to("/sms")
    assert not validates("PSK_not-the-key", received, url)
