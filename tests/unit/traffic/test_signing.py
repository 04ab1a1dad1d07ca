"""The webhook signature against vectors published with the vendors' own validators."""

from __future__ import annotations

from numbersmith.traffic.signing import signature

# The example of Twilio's security documentation, also in signalwire 2.1.1's validator tests.
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMETERS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}

# A status callback SignalWire sent, recorded in signalwire 2.1.1's validator tests.
SIGNALWIRE_KEY = "PSK_V3bF8oyeRNpJWGoRWHNYQMUU"
SIGNALWIRE_PARAMETERS = {
    "CallSid": "a97d4e8a-6047-4e2b-be48-fb96b33b5642",
    "AccountSid": "6bfbbe86-a901-4197-8759-2a0de1fa319d",
    "ApiVersion": "2010-04-01",
    "Direction": "outbound-api",
    "From": "sip:+17063958228@sip.swire.io",
    "To": "sip:jpsantos@joaosantos-2a0de1fa319d.sip.swire.io",
    "Timestamp": "Thu, 09 Nov 2023 14:40:55 +0000",
    "CallStatus": "no-answer",
    "CallbackSource": "call-progress-events",
    "HangupDirection": "outbound",
    "HangupBy": "sip:+17063958228@sip.swire.io",
    "SipResultCode": "487",
}


def test_post_signature_matches_twilios_published_example() -> None:
    assert signature("12345", TWILIO_URL, TWILIO_PARAMETERS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_post_signature_matches_a_request_signalwire_sent() -> None:
    url = "https://675d-189-71-169-171.ngrok-free.app/voice"
    assert signature(SIGNALWIRE_KEY, url, SIGNALWIRE_PARAMETERS) == "muUMpldcBHlzuXGZ5gbw1ETZCYA="


def test_parameter_order_does_not_matter() -> None:
    shuffled = dict(reversed(list(TWILIO_PARAMETERS.items())))
    assert signature("12345", TWILIO_URL, shuffled) == signature(
        "12345", TWILIO_URL, TWILIO_PARAMETERS
    )


def test_the_fragment_is_not_signed() -> None:
    with_fragment = TWILIO_URL + "#rt=3000&tt=8000"
    assert signature("12345", with_fragment, TWILIO_PARAMETERS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_get_signs_the_url_alone() -> None:
    # Nothing is appended: a GET's parameters are already in its query string.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2&To=%2B18005551212"
    assert signature("12345", url, None) == signature("12345", url, {})
    assert signature("12345", url, None) != signature("12345", TWILIO_URL, None)


def test_port_is_signed_as_written() -> None:
    parameters = {"To": "+18005551212"}
    assert signature("k", "http://example.com:8080/sms", parameters) != signature(
        "k", "http://example.com/sms", parameters
    )


def test_names_sort_by_code_point() -> None:
    # Upper case sorts before lower case, as Python's (and the validators') sorted() does.
    assert signature("k", "u", {"b": "2", "A": "1"}) == signature("k", "uA1b2", None)
