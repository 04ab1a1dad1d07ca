"""Simulated inbound messages and calls: delivered to the number's URLs, signed, their LaML run,
everything journalled. A real HTTP receiver plays the user's application."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from api.helpers import assert_error
from conftest import new_account
from support.receiver import Receiver, receiving

MESSAGE_REPLY = "<Response><Message>Thanks, got it</Message></Response>"
SENDER = "+14155550100"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def buy(account, **settings) -> dict:
    response = account.http.post(account.numbers_path, data={"AreaCode": "310", **settings})
    assert response.status_code == 201, response.text
    return response.json()


def traffic_path(account, collection: str) -> str:
    return f"/api/numbersmith/v1/Accounts/{account.project_id}/{collection}"


def send_message(account, **form) -> dict:
    response = account.http.post(traffic_path(account, "InboundMessages"), data=form)
    assert response.status_code == 201, response.text
    return response.json()


def place_call(account, **form) -> dict:
    response = account.http.post(traffic_path(account, "InboundCalls"), data=form)
    assert response.status_code == 201, response.text
    return response.json()


def expected_signature(key: str, url: str, parameters: dict[str, str] | None) -> str:
    """Twilio's scheme, written out here independently of the server's code."""
    text = url + "".join(name + parameters[name] for name in sorted(parameters or {}))
    return base64.b64encode(hmac.new(key.encode(), text.encode(), hashlib.sha1).digest()).decode()


def test_a_message_reaches_the_sms_url_signed_and_its_reply_is_recorded(account, receiver):
    url = receiver.answer("/sms", MESSAGE_REPLY)
    number = buy(account, SmsUrl=url)
    exchange = send_message(account, To=number["phone_number"], From=SENDER, Body="Hello there")

    [request] = receiver.to("/sms")
    sent = request.parameters
    assert request.method == "POST"
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert sent["MessageSid"] == sent["SmsSid"] == sent["SmsMessageSid"] == exchange["sid"]
    assert sent["AccountSid"] == account.project_id
    assert (sent["From"], sent["To"], sent["Body"]) == (
        SENDER,
        number["phone_number"],
        "Hello there",
    )
    assert sent["NumMedia"] == "0"
    assert sent["SmsStatus"] == "received"
    assert sent["ApiVersion"] == "2010-04-01"
    signature = expected_signature(account.signing_key, url, sent)
    assert request.headers["x-signalwire-signature"] == signature
    assert request.headers["x-twilio-signature"] == signature

    assert exchange["status"] == "received"
    assert exchange["error_code"] is None
    assert exchange["replies"] == [
        {"to": SENDER, "from": number["phone_number"], "body": "Thanks, got it", "media": []}
    ]
    [delivery] = exchange["deliveries"]
    assert delivery["url"] == url
    assert delivery["status"] == 200
    assert delivery["signature"] == signature
    assert delivery["body"] == MESSAGE_REPLY
    assert delivery["parameters"] == sent


def test_get_puts_the_parameters_in_the_query_and_signs_the_whole_url(account, receiver):
    url = receiver.answer("/sms", MESSAGE_REPLY) + "?tenant=7"
    number = buy(account, SmsUrl=url, SmsMethod="GET")
    send_message(account, To=number["phone_number"], Body="two words")

    [request] = receiver.to("/sms")
    assert request.method == "GET"
    assert request.form == {}
    query = dict(request.query)
    assert query["tenant"] == "7"
    assert query["Body"] == "two words"
    assert "two%20words" in request.url
    assert request.headers["x-twilio-signature"] == expected_signature(
        account.signing_key, request.url, None
    )


def test_media_urls_are_numbered_from_zero(account, receiver):
    number = buy(account, SmsUrl=receiver.answer("/sms"))
    media = ["https://example.com/a.jpg", "https://example.com/b.png"]
    send_message(account, To=number["phone_number"], MediaUrl=media)
    sent = receiver.to("/sms")[0].parameters
    assert sent["NumMedia"] == "2"
    assert (sent["MediaUrl0"], sent["MediaUrl1"]) == tuple(media)


def test_the_fallback_url_gets_the_error_when_the_sms_url_fails(account, receiver):
    failing = receiver.answer("/sms", "oops", status=500, content_type="text/plain")
    fallback = receiver.answer("/fallback", MESSAGE_REPLY)
    number = buy(account, SmsUrl=failing, SmsFallbackUrl=fallback)
    exchange = send_message(account, To=number["phone_number"], Body="hi")

    [request] = receiver.to("/fallback")
    assert request.parameters["ErrorCode"] == "11217"
    assert request.parameters["ErrorUrl"] == failing
    assert exchange["status"] == "received"
    assert [d["fallback"] for d in exchange["deliveries"]] == [False, True]
    assert exchange["deliveries"][0]["error_code"] == 11217
    assert exchange["replies"][0]["body"] == "Thanks, got it"


def test_a_document_that_does_not_parse_sends_12100_to_the_fallback(account, receiver):
    failing = receiver.answer("/sms", "<Response><Message>unclosed")
    fallback = receiver.answer("/fallback", MESSAGE_REPLY)
    number = buy(account, SmsUrl=failing, SmsFallbackUrl=fallback)
    send_message(account, To=number["phone_number"], Body="hi")
    assert receiver.to("/fallback")[0].parameters["ErrorCode"] == "12100"


def test_a_message_fails_with_the_code_when_there_is_no_fallback(account, receiver):
    number = buy(
        account, SmsUrl=receiver.answer("/sms", "no", status=404, content_type="text/plain")
    )
    exchange = send_message(account, To=number["phone_number"], Body="hi")
    assert exchange["status"] == "failed"
    assert exchange["error_code"] == 11217
    assert exchange["replies"] == []


def test_an_unreachable_url_is_recorded_as_a_connection_failure(account):
    number = buy(account, SmsUrl="http://127.0.0.1:9/sms")  # the discard port: nothing listens
    exchange = send_message(account, To=number["phone_number"], Body="hi")
    assert exchange["status"] == "failed"
    assert exchange["error_code"] == 11205
    [delivery] = exchange["deliveries"]
    assert delivery["status"] is None


def test_a_number_without_an_sms_url_stores_the_message_and_requests_nothing(account):
    number = buy(account)
    exchange = send_message(account, To=number["phone_number"], Body="hi")
    assert exchange["status"] == "received"
    assert exchange["deliveries"] == []


def test_the_sms_application_replaces_the_numbers_own_urls(account, receiver):
    applications = f"/2010-04-01/Accounts/{account.project_id}/Applications.json"
    created = account.http.post(
        applications, data={"FriendlyName": "bot", "SmsUrl": receiver.answer("/app", MESSAGE_REPLY)}
    )
    assert created.status_code == 201, created.text
    number = buy(
        account,
        SmsUrl=receiver.answer("/own", MESSAGE_REPLY),
        SmsApplicationSid=created.json()["sid"],
    )
    exchange = send_message(account, To=number["phone_number"], Body="hi")
    assert len(receiver.to("/app")) == 1
    assert receiver.to("/own") == []
    assert exchange["application_sid"] == created.json()["sid"]


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"To": "+1310"}, 21211),
        ({"To": None}, 21211),
        ({"From": "not a number"}, 21212),
        ({"Body": "x" * 1601}, 21617),
        ({"MediaUrl": [f"https://example.com/{i}.jpg" for i in range(11)]}, 21623),
        ({"MediaUrl": ["ftp://example.com/a.jpg"]}, 21402),
    ],
)
def test_bad_messages_are_refused_with_the_vendors_codes(account, form, code):
    number = buy(account)
    given = {"To": number["phone_number"], **form}
    data = {name: value for name, value in given.items() if value is not None}
    assert_error(account.http.post(traffic_path(account, "InboundMessages"), data=data), 400, code)


def test_a_message_to_a_number_the_project_does_not_own_is_20404(db, app_client, account):
    other = new_account(db, app_client, "other")
    theirs = buy(other)
    response = account.http.post(
        traffic_path(account, "InboundMessages"), data={"To": theirs["phone_number"]}
    )
    assert_error(response, 404, 20404)


def test_simulating_needs_the_projects_credentials(account):
    number = buy(account)
    account.http.auth = (account.project_id, "PT" + "0" * 64)
    response = account.http.post(
        traffic_path(account, "InboundMessages"), data={"To": number["phone_number"]}
    )
    assert_error(response, 401, 20003)


MENU = """<Response>
  <Gather numDigits="1" action="/menu" method="POST">
    <Say>Press 1 for sales</Say>
  </Gather>
  <Say>We did not hear you</Say>
</Response>"""
SALES = "<Response><Say>Connecting you to sales</Say><Hangup/></Response>"


def test_a_gather_menu_sends_the_pressed_digits_to_its_action(account, receiver):
    number = buy(account, VoiceUrl=receiver.answer("/voice", MENU))
    receiver.answer("/menu", SALES)
    call = place_call(account, To=number["phone_number"], From=SENDER, Digits="1")

    [first] = receiver.to("/voice")
    assert first.parameters["CallStatus"] == "ringing"
    assert first.parameters["Direction"] == "inbound"
    assert first.parameters["CallSid"] == call["sid"]
    assert (first.parameters["Caller"], first.parameters["Called"]) == (
        SENDER,
        number["phone_number"],
    )
    [menu] = receiver.to("/menu")
    assert menu.parameters["Digits"] == "1"
    assert menu.parameters["CallStatus"] == "in-progress"
    assert menu.parameters["CallSid"] == call["sid"]

    verbs = [step["verb"] for step in call["transcript"]]
    assert "Gather" in verbs and verbs[-1] == "Hangup"
    assert "We did not hear you" not in str(call["transcript"])
    assert call["call_status"] == "completed"
    assert call["call_duration"] > 0


def test_a_gather_without_input_falls_through_to_the_next_verb(account, receiver):
    number = buy(account, VoiceUrl=receiver.answer("/voice", MENU))
    call = place_call(account, To=number["phone_number"])
    assert receiver.to("/menu") == []
    assert "We did not hear you" in str(call["transcript"])
    assert call["call_status"] == "completed"


def test_the_status_callback_hears_how_the_call_ended(account, receiver):
    number = buy(
        account,
        VoiceUrl=receiver.answer("/voice", "<Response><Say>Hello</Say></Response>"),
        StatusCallback=receiver.answer("/status", ""),
    )
    call = place_call(account, To=number["phone_number"])
    [status] = receiver.to("/status")
    sent = status.parameters
    assert sent["CallStatus"] == "completed"
    assert sent["CallSid"] == call["sid"]
    assert int(sent["CallDuration"]) == call["call_duration"]
    assert int(sent["Duration"]) >= 1
    assert sent["Timestamp"].endswith("+0000")
    assert [d["purpose"] for d in call["deliveries"]][-1] == "status-callback"


def test_a_rejected_call_is_busy_and_never_answered(account, receiver):
    number = buy(
        account,
        VoiceUrl=receiver.answer("/voice", '<Response><Reject reason="busy"/></Response>'),
        StatusCallback=receiver.answer("/status", ""),
    )
    call = place_call(account, To=number["phone_number"])
    assert call["call_status"] == "busy"
    assert receiver.to("/status")[0].parameters["Duration"] == "0"


def test_caller_id_lookup_adds_the_callers_name(account, receiver):
    number = buy(account, VoiceUrl=receiver.answer("/voice"), VoiceCallerIdLookup="true")
    place_call(account, To=number["phone_number"], CallerName="ADA LOVELACE")
    assert receiver.to("/voice")[0].parameters["CallerName"] == "ADA LOVELACE"


def test_without_caller_id_lookup_no_name_is_sent(account, receiver):
    number = buy(account, VoiceUrl=receiver.answer("/voice"))
    place_call(account, To=number["phone_number"], CallerName="ADA LOVELACE")
    assert "CallerName" not in receiver.to("/voice")[0].parameters


def test_a_call_to_a_fax_line_is_refused(account):
    number = buy(account, VoiceReceiveMode="fax")
    response = account.http.post(
        traffic_path(account, "InboundCalls"), data={"To": number["phone_number"]}
    )
    assert_error(response, 400, 21211)


def test_exchanges_are_journalled_and_read_back(account, receiver):
    number = buy(
        account, SmsUrl=receiver.answer("/sms", MESSAGE_REPLY), VoiceUrl=receiver.answer("/voice")
    )
    message = send_message(account, To=number["phone_number"], Body="hi")
    call = place_call(account, To=number["phone_number"])

    fetched = account.http.get(traffic_path(account, f"InboundMessages/{message['sid']}"))
    assert fetched.status_code == 200
    assert fetched.json() == message
    assert account.http.get(traffic_path(account, f"InboundCalls/{call['sid']}")).json() == call
    # A message is not a call.
    assert_error(
        account.http.get(traffic_path(account, f"InboundCalls/{message['sid']}")), 404, 20404
    )


def test_another_projects_exchange_is_not_found(db, app_client, account, receiver):
    number = buy(account, SmsUrl=receiver.answer("/sms"))
    message = send_message(account, To=number["phone_number"])
    other = new_account(db, app_client, "other")
    response = other.http.get(traffic_path(other, f"InboundMessages/{message['sid']}"))
    assert_error(response, 404, 20404)
    assert other.http.get(traffic_path(other, "Deliveries")).json()["deliveries"] == []


def test_deliveries_are_listed_newest_first_and_paged(account, receiver):
    number = buy(account, SmsUrl=receiver.answer("/sms"))
    other_number = buy(account, SmsUrl=receiver.answer("/other"))
    sent = [send_message(account, To=number["phone_number"], Body=str(i)) for i in range(5)]
    send_message(account, To=other_number["phone_number"], Body="elsewhere")

    path = traffic_path(account, "Deliveries")
    everything = account.http.get(path).json()["deliveries"]
    assert [d["parameters"]["Body"] for d in everything] == ["elsewhere", "4", "3", "2", "1", "0"]

    bodies, uri = [], f"{path}?PhoneNumber={number['phone_number'].replace('+', '%2B')}&PageSize=2"
    while uri:
        page = account.http.get(uri).json()
        assert len(page["deliveries"]) <= 2
        bodies += [d["parameters"]["Body"] for d in page["deliveries"]]
        uri = page["next_page_uri"]
    assert bodies == ["4", "3", "2", "1", "0"]

    one = account.http.get(path, params={"ExchangeSid": sent[2]["sid"]}).json()["deliveries"]
    assert [d["exchange_sid"] for d in one] == [sent[2]["sid"]]


def test_a_malformed_delivery_filter_is_refused(account):
    assert_error(
        account.http.get(traffic_path(account, "Deliveries"), params={"PhoneNumber": "12"}),
        400,
        21211,
    )
    assert_error(
        account.http.get(traffic_path(account, "Deliveries"), params={"PageSize": "0"}), 400, 54454
    )


def test_the_journal_survives_a_restart(database_url, receiver):
    from starlette.testclient import TestClient

    from numbersmith.api.app import create_app
    from numbersmith.config import Settings
    from numbersmith.provisioning import accounts
    from numbersmith.store import Database
    from numbersmith.store.migrations import upgrade

    first = Database(database_url)
    upgrade(first)
    credentials = accounts.create_project(first, "restart")
    auth = (credentials.project_id, credentials.api_token)
    with TestClient(create_app(Settings(database_url=database_url), first)) as http:
        http.auth = auth
        bought = http.post(
            f"/2010-04-01/Accounts/{credentials.project_id}/IncomingPhoneNumbers",
            data={"AreaCode": "212", "SmsUrl": receiver.answer("/sms", MESSAGE_REPLY)},
        ).json()
        path = f"/api/numbersmith/v1/Accounts/{credentials.project_id}/InboundMessages"
        message = http.post(path, data={"To": bought["phone_number"], "Body": "persist"}).json()
    first.dispose()

    second = Database(database_url)
    with TestClient(create_app(Settings(database_url=database_url), second)) as http:
        http.auth = auth
        assert http.get(f"{path}/{message['sid']}").json() == message
    second.dispose()


def test_pruning_forgets_old_exchanges(db, account, receiver):
    import asyncio

    from numbersmith.traffic.delivery import Courier
    from numbersmith.traffic.simulation import Simulator

    number = buy(account, SmsUrl=receiver.answer("/sms"))
    message = send_message(account, To=number["phone_number"])

    async def prune(days: float) -> int:
        courier = Courier()
        try:
            return await Simulator(db, courier).prune(days)
        finally:
            await courier.aclose()

    assert asyncio.run(prune(7)) == 0
    assert (
        account.http.get(traffic_path(account, f"InboundMessages/{message['sid']}")).status_code
        == 200
    )
    assert asyncio.run(prune(0)) == 1
    assert_error(
        account.http.get(traffic_path(account, f"InboundMessages/{message['sid']}")), 404, 20404
    )
    assert account.http.get(traffic_path(account, "Deliveries")).json()["deliveries"] == []


def test_request_urls_keep_their_port_and_drop_the_fragment(account, receiver):
    url = receiver.answer("/sms") + "#rt=3000"
    number = buy(account, SmsUrl=url)
    send_message(account, To=number["phone_number"], Body="x")
    [request] = receiver.to("/sms")
    assert urlsplit(request.url).port == urlsplit(receiver.base_url).port
    sent = request.parameters
    assert request.headers["x-twilio-signature"] == expected_signature(
        account.signing_key, url.split("#")[0], sent
    )
