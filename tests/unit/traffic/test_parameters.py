"""The parameter sets of inbound messages, calls and the end of a call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from numbersmith.traffic.parameters import (
    call_parameters,
    call_status_parameters,
    message_parameters,
    segments,
)

SAN_FRANCISCO = "+14155551234"
ACCOUNT = "6bfbbe86-a901-4197-8759-2a0de1fa319d"


def test_a_message_carries_twilios_superset_with_one_sid_three_times() -> None:
    parameters = message_parameters(ACCOUNT, "sid-1", SAN_FRANCISCO, "+13105550000", "hello")
    assert (
        parameters["MessageSid"] == parameters["SmsSid"] == parameters["SmsMessageSid"] == "sid-1"
    )
    assert parameters["AccountSid"] == ACCOUNT
    assert (parameters["To"], parameters["From"], parameters["Body"]) == (
        SAN_FRANCISCO,
        "+13105550000",
        "hello",
    )
    assert parameters["NumMedia"] == "0"
    assert parameters["NumSegments"] == "1"
    assert parameters["SmsStatus"] == "received"
    assert parameters["ApiVersion"] == "2010-04-01"
    assert not any(name.startswith("Media") for name in parameters)


def test_media_are_numbered_from_zero_with_their_types() -> None:
    parameters = message_parameters(
        ACCOUNT,
        "sid",
        SAN_FRANCISCO,
        "+13105550000",
        "",
        ["https://a/1.jpg", "https://a/2"],
        ["image/jpeg"],
    )
    assert parameters["NumMedia"] == "2"
    assert parameters["MediaUrl0"] == "https://a/1.jpg"
    assert parameters["MediaContentType0"] == "image/jpeg"
    assert parameters["MediaUrl1"] == "https://a/2"
    assert parameters["MediaContentType1"] == "application/octet-stream"


def test_geography_comes_from_the_number_and_is_empty_when_unknown() -> None:
    parameters = message_parameters(ACCOUNT, "sid", SAN_FRANCISCO, "sip:alice@example.com", "x")
    assert parameters["ToCity"] == "SAN FRANCISCO"
    assert parameters["ToState"] == "CA"
    assert parameters["ToCountry"] == "US"
    assert parameters["ToZip"] == ""
    for field in ("FromCity", "FromState", "FromZip", "FromCountry"):
        assert parameters[field] == ""


def test_a_number_outside_north_america_has_its_country_only() -> None:
    parameters = message_parameters(ACCOUNT, "sid", SAN_FRANCISCO, "+33142685300", "x")
    assert parameters["FromCountry"] == "FR"
    assert parameters["FromCity"] == parameters["FromState"] == ""


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # an extension character takes two septets
        ("€" * 81, 2),
        ("é" * 160, 1),  # in GSM-7's basic set
        ("ы" * 70, 1),  # UCS-2
        ("ы" * 71, 2),
        ("ы" * 134, 2),
        ("ы" * 135, 3),
        ("😀" * 35, 1),  # two UTF-16 code units each
        ("😀" * 36, 2),
    ],
)
def test_segments(body: str, count: int) -> None:
    assert segments(body) == count


def test_a_call_names_caller_and_called_with_their_geography() -> None:
    parameters = call_parameters(ACCOUNT, "call-1", SAN_FRANCISCO, "+13105550000")
    assert parameters["CallSid"] == "call-1"
    assert parameters["Caller"] == parameters["From"] == "+13105550000"
    assert parameters["Called"] == parameters["To"] == SAN_FRANCISCO
    assert parameters["CallStatus"] == "ringing"
    assert parameters["Direction"] == "inbound"
    assert parameters["CalledCity"] == parameters["ToCity"] == "SAN FRANCISCO"
    assert parameters["CallerState"] == parameters["FromState"] == "CA"
    assert "CallerName" not in parameters
    assert "ForwardedFrom" not in parameters


def test_caller_name_and_forwarding_only_when_given() -> None:
    parameters = call_parameters(
        ACCOUNT, "c", SAN_FRANCISCO, "+13105550000", caller_name="ALICE", forwarded_from="+1"
    )
    assert parameters["CallerName"] == "ALICE"
    assert parameters["ForwardedFrom"] == "+1"


def test_the_end_of_an_answered_call() -> None:
    call = call_parameters(ACCOUNT, "c", SAN_FRANCISCO, "+13105550000")
    ended = datetime(2023, 11, 9, 9, 5, 4, 123456, tzinfo=timezone(timedelta(hours=-8)))
    parameters = call_status_parameters(call, "completed", 61, ended)
    assert parameters["CallSid"] == "c"
    assert parameters["CallStatus"] == "completed"
    assert parameters["CallDuration"] == "61"
    assert parameters["Duration"] == "2"  # billable minutes, rounded up
    assert parameters["Timestamp"] == "Thu, 09 Nov 2023 17:05:04 +0000"
    assert parameters["CallbackSource"] == "call-progress-events"
    assert parameters["SequenceNumber"] == "0"


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed"])
def test_a_call_never_answered_lasts_nothing(status: str) -> None:
    call = call_parameters(ACCOUNT, "c", SAN_FRANCISCO, "+13105550000")
    parameters = call_status_parameters(call, status, 30, datetime.now(UTC))
    assert parameters["CallStatus"] == status
    assert (parameters["CallDuration"], parameters["Duration"]) == ("0", "0")
