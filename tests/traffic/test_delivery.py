"""Webhook requests delivered to real local HTTP receivers: their shape, signatures, fallbacks,
limits and the allowlist."""

from __future__ import annotations

import asyncio
import socket

import pytest

from numbersmith.traffic import errors
from numbersmith.traffic.delivery import BODY_LIMIT, Allowlist, Courier, Fetched, Target
from numbersmith.traffic.signing import signature
from support.receiver import (
    Receiver,
    answer,
    endless,
    redirect,
    silent,
    slow,
    trickle,
)

pytestmark = pytest.mark.anyio

KEY = "PSK_7TruNcSNTxp4zNrykMj4EPzF"
PARAMETERS = {"To": "+14155551234", "From": "+13105550000", "Body": "hello there, world"}
REPLY = "<Response><Message>ok</Message></Response>"
FALLBACK_REPLY = "<Response><Message>from the fallback</Message></Response>"


def read(body: bytes, content_type: str | None) -> str:
    """A stand-in for the LaML reader: the document is its text, if it has a <Response>."""
    if not (content_type or "").startswith(("text/xml", "application/xml")):
        raise errors.DocumentRejected(errors.CONTENT_TYPE_INVALID, f"{content_type} is not XML")
    text = body.decode("utf-8")
    if "<Response" not in text:
        raise errors.DocumentRejected(errors.DOCUMENT_NOT_PARSED, "no <Response>")
    return text


async def fetch(
    courier: Courier, url: str, method: str = "POST", fallback: Target | None = None
) -> Fetched[str]:
    return await courier.fetch_document(Target(url, method), fallback, PARAMETERS, KEY, read)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The shape of a request


async def test_a_post_sends_a_signed_form(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url + "?tenant=7")

    assert fetched.document == REPLY
    assert fetched.error_code is None
    assert fetched.source_url == url + "?tenant=7"
    [request] = receiver.received
    assert request.method == "POST"
    assert request.target == "/sms?tenant=7"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert b"Body=hello+there%2C+world" in request.body  # spaces as +
    assert request.form == PARAMETERS
    expected = signature(KEY, url + "?tenant=7", PARAMETERS)
    assert request.headers["x-signalwire-signature"] == expected
    assert request.headers["x-twilio-signature"] == expected
    assert request.headers["accept"] == "*/*"
    assert request.headers["user-agent"] == "SignalWire-Webhook/1.0 (numbersmith)"
    assert request.headers["i-twilio-idempotency-token"]

    [attempt] = fetched.attempts
    assert attempt.url == url + "?tenant=7"
    assert attempt.method == "POST"
    assert attempt.parameters == PARAMETERS
    assert attempt.signature == expected
    assert not attempt.fallback
    assert attempt.status == 200
    assert attempt.content_type == "text/xml"
    assert attempt.body == REPLY
    assert attempt.error_code is None


async def test_a_get_appends_the_parameters_to_the_query(receiver: Receiver) -> None:
    url = receiver.route("/voice", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url + "?tenant=7#rt=3000", method="GET")

    [request] = receiver.received
    assert request.method == "GET"
    assert request.body == b""
    assert request.target.startswith("/voice?tenant=7&To=%2B14155551234&")
    assert "Body=hello%20there%2C%20world" in request.target  # spaces as %20
    assert "#" not in request.target and "rt=" not in request.target
    assert request.query == {"tenant": "7", **PARAMETERS}
    assert request.headers["x-signalwire-signature"] == signature(KEY, request.url, None)
    assert "content-type" not in request.headers
    [attempt] = fetched.attempts
    assert attempt.url == request.url
    assert fetched.source_url == url + "?tenant=7"


async def test_a_cookie_one_webhook_sets_is_never_sent_to_another(receiver: Receiver) -> None:
    """Every project's webhooks share the client: a cookie kept from one project's answer
    would go to the next project whose webhook is on the same host."""
    cookie = {"Set-Cookie": "session=secret; Path=/"}
    # By name: cookies are kept for host names, not for IP addresses.
    first = receiver.route("/first", answer(REPLY, headers=cookie)).replace(
        "127.0.0.1", "localhost"
    )
    second = receiver.route("/second", answer(REPLY)).replace("127.0.0.1", "localhost")
    async with Courier() as courier:
        await fetch(courier, first)
        await fetch(courier, second)
    [request] = receiver.requests_to("/second")
    assert "cookie" not in request.headers


async def test_a_get_without_a_query_starts_one(receiver: Receiver) -> None:
    url = receiver.route("/voice", answer(REPLY))
    async with Courier() as courier:
        await fetch(courier, url, method="get")
    [request] = receiver.received
    assert request.target.startswith("/voice?To=")


async def test_twilio_flavor_signs_as_twilio_does(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer(REPLY))
    async with Courier(flavor="twilio") as courier:
        await fetch(courier, url)
    [request] = receiver.received
    assert request.headers["x-twilio-signature"] == signature(KEY, url, PARAMETERS)
    assert "x-signalwire-signature" not in request.headers
    assert request.headers["user-agent"] == "TwilioProxy/1.1"


def test_an_unknown_flavor_is_refused() -> None:
    with pytest.raises(ValueError):
        Courier(flavor="plivo")


# Fallback: each trigger, and what the fallback receives


def no_listener() -> str:
    return f"http://127.0.0.1:{free_port()}/sms"


def tls_to_plain_http(receiver: Receiver) -> str:
    return f"https://127.0.0.1:{receiver.port}/sms"


FAILURES = {
    "server error": (
        lambda r: r.route("/sms", answer("oops", status=500)),
        errors.HTTP_ERROR_STATUS,
    ),
    "not found": (lambda r: r.route("/sms", answer("", status=404)), errors.HTTP_ERROR_STATUS),
    "connection refused": (lambda r: no_listener(), errors.CONNECTION_FAILED),
    "name does not resolve": (lambda r: "http://webhook.invalid/sms", errors.HOST_NOT_RESOLVED),
    "tls handshake": (tls_to_plain_http, errors.TLS_FAILED),
    "read timeout": (lambda r: r.route("/sms", silent) + "#rt=200", errors.HTTP_RETRIEVAL_FAILURE),
    "total timeout": (
        lambda r: r.route("/sms", trickle(0.02)) + "#rt=1000&tt=300",
        errors.HTTP_RETRIEVAL_FAILURE,
    ),
    "redirect loop": (lambda r: r.route("/sms", redirect("/sms")), errors.TOO_MANY_REDIRECTS),
    "endless body": (lambda r: r.route("/sms", endless), errors.RESPONSE_TOO_LARGE),
    "not a document": (lambda r: r.route("/sms", answer("<html/>")), errors.DOCUMENT_NOT_PARSED),
    "wrong content type": (
        lambda r: r.route("/sms", answer(REPLY, content_type="image/png")),
        errors.CONTENT_TYPE_INVALID,
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
async def test_each_failure_sends_the_fallback_its_code(receiver: Receiver, failure: str) -> None:
    make_url, code = FAILURES[failure]
    url = make_url(receiver)
    fallback_url = receiver.route("/fallback", answer(FALLBACK_REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url, fallback=Target(fallback_url + "#rt=2000", "POST"))

    assert fetched.document == FALLBACK_REPLY
    assert fetched.error_code is None
    assert fetched.source_url == fallback_url
    failed, used = fetched.attempts[-2:]
    assert failed.error_code == code
    assert failed.error_reason
    assert not failed.fallback
    assert used.fallback and used.error_code is None and used.status == 200

    [request] = receiver.requests_to("/fallback")
    assert request.form == {
        **PARAMETERS,
        "ErrorCode": str(code),
        "ErrorUrl": url.partition("#")[0],
    }
    assert request.headers["x-signalwire-signature"] == signature(KEY, fallback_url, request.form)


async def test_without_a_fallback_the_failure_is_the_outcome(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer("oops", status=503))
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    assert fetched.document is None
    assert fetched.error_code == errors.HTTP_ERROR_STATUS
    assert fetched.source_url is None
    [attempt] = fetched.attempts
    assert (attempt.status, attempt.body) == (503, "oops")


async def test_when_the_fallback_fails_too_the_first_failure_counts(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer("oops", status=500))
    fallback = Target(receiver.route("/fallback", answer("not xml")), "GET")
    async with Courier() as courier:
        fetched = await fetch(courier, url, fallback=fallback)
    assert fetched.document is None
    assert fetched.error_code == errors.HTTP_ERROR_STATUS
    assert [a.error_code for a in fetched.attempts] == [
        errors.HTTP_ERROR_STATUS,
        errors.DOCUMENT_NOT_PARSED,
    ]
    assert len(receiver.received) == 2  # the fallback is tried once


async def test_a_fallback_without_a_url_is_no_fallback(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer("oops", status=500))
    async with Courier() as courier:
        fetched = await fetch(courier, url, fallback=Target("", "POST"))
    assert len(fetched.attempts) == 1
    assert fetched.error_code == errors.HTTP_ERROR_STATUS


# Redirects


async def test_a_302_becomes_a_get_of_the_new_url_signed_for_it(receiver: Receiver) -> None:
    url = receiver.route("/sms", redirect("/moved?step=2#rt=100"))
    receiver.route("/moved", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url)

    assert fetched.document == REPLY
    assert fetched.source_url == receiver.url("/moved?step=2")
    first, second = receiver.received
    assert (first.method, second.method) == ("POST", "GET")
    assert second.target == "/moved?step=2"
    assert second.headers["x-signalwire-signature"] == signature(KEY, second.url, None)
    assert (
        first.headers["i-twilio-idempotency-token"] == second.headers["i-twilio-idempotency-token"]
    )
    assert [a.status for a in fetched.attempts] == [302, 200]
    assert all(a.error_code is None for a in fetched.attempts)


async def test_a_307_repeats_the_post_with_its_parameters(receiver: Receiver) -> None:
    url = receiver.route("/sms", redirect(receiver.url("/moved"), status=307))
    receiver.route("/moved", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    assert fetched.document == REPLY
    second = receiver.received[1]
    assert (second.method, second.form) == ("POST", PARAMETERS)
    assert second.headers["x-signalwire-signature"] == signature(KEY, second.url, PARAMETERS)


async def test_three_redirects_are_followed(receiver: Receiver) -> None:
    url = receiver.route("/1", redirect("/2", status=301))
    receiver.route("/2", redirect("/3", status=303))
    receiver.route("/3", redirect("/4", status=308))
    receiver.route("/4", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    assert fetched.document == REPLY
    assert [r.path for r in receiver.received] == ["/1", "/2", "/3", "/4"]


async def test_a_fourth_redirect_is_too_many(receiver: Receiver) -> None:
    for step in range(1, 5):
        receiver.route(f"/{step}", redirect(f"/{step + 1}"))
    receiver.route("/5", answer(REPLY))
    async with Courier() as courier:
        fetched = await fetch(courier, receiver.url("/1"))
    assert fetched.error_code == errors.TOO_MANY_REDIRECTS
    assert [r.path for r in receiver.received] == ["/1", "/2", "/3", "/4"]


# Limits


async def test_an_endless_body_is_cut_at_the_limit(receiver: Receiver) -> None:
    url = receiver.route("/sms", endless)
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    [attempt] = fetched.attempts
    assert attempt.error_code == errors.RESPONSE_TOO_LARGE
    assert attempt.status == 200
    assert attempt.body is not None and len(attempt.body.encode()) == BODY_LIMIT


async def test_a_body_of_exactly_the_limit_is_read(receiver: Receiver) -> None:
    document = "<Response>" + " " * (BODY_LIMIT - len("<Response></Response>")) + "</Response>"
    url = receiver.route("/sms", answer(document))
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    assert fetched.document == document


async def test_the_read_timeout_comes_from_the_fragment(receiver: Receiver) -> None:
    url = receiver.route("/sms", slow(5, answer(REPLY)))
    async with Courier() as courier:
        fetched = await fetch(courier, url + "#rt=150")
    [attempt] = fetched.attempts
    assert attempt.error_code == errors.HTTP_RETRIEVAL_FAILURE
    assert attempt.status is None
    assert "150 ms" in (attempt.error_reason or "")


async def test_twilio_retries_a_failed_connection_as_rc_says() -> None:
    async with Courier(flavor="twilio") as courier:
        fetched = await fetch(courier, no_listener() + "#rc=2&ct=200")
    assert [a.error_code for a in fetched.attempts] == [errors.CONNECTION_FAILED] * 3


async def test_signalwire_does_not_retry_a_document_fetch() -> None:
    async with Courier() as courier:
        fetched = await fetch(courier, no_listener() + "#rc=2")
    assert len(fetched.attempts) == 1


async def test_a_url_that_is_not_http_is_a_retrieval_failure() -> None:
    async with Courier() as courier:
        fetched = await fetch(courier, "ftp://example.com/sms")
    assert fetched.error_code == errors.HTTP_RETRIEVAL_FAILURE


# The allowlist


async def test_a_forbidden_target_is_refused_without_connecting(receiver: Receiver) -> None:
    url = receiver.route("/sms", answer(REPLY))
    fallback = Target(receiver.url("/fallback"), "POST")
    async with Courier(allow=Allowlist.parse("10.0.0.0/8, hooks.example.com")) as courier:
        fetched = await fetch(courier, url, fallback=fallback)
    assert receiver.received == []
    assert fetched.error_code == errors.TARGET_FORBIDDEN
    first, second = fetched.attempts
    assert (first.status, first.error_code) == (None, errors.TARGET_FORBIDDEN)
    assert "NUMBERSMITH_WEBHOOK_ALLOW" in (first.error_reason or "")
    assert second.fallback and second.error_code == errors.TARGET_FORBIDDEN


async def test_a_listed_network_is_reached_by_address_and_by_name(receiver: Receiver) -> None:
    receiver.route("/sms", answer(REPLY))
    async with Courier(allow=Allowlist.parse("127.0.0.0/8, ::1")) as courier:
        by_address = await fetch(courier, receiver.url("/sms"))
        by_name = await fetch(courier, f"http://localhost:{receiver.port}/sms")
    assert by_address.document == REPLY
    assert by_name.document == REPLY


async def test_a_listed_name_is_reached(receiver: Receiver) -> None:
    receiver.route("/sms", answer(REPLY))
    async with Courier(allow=Allowlist.parse("localhost")) as courier:
        fetched = await fetch(courier, f"http://localhost:{receiver.port}/sms")
    assert fetched.document == REPLY


async def test_a_redirect_out_of_the_allowlist_is_refused(receiver: Receiver) -> None:
    receiver.route("/sms", redirect(receiver.url("/elsewhere")))
    async with Courier(allow=Allowlist.parse("localhost")) as courier:
        fetched = await fetch(courier, f"http://localhost:{receiver.port}/sms")
    assert [r.path for r in receiver.received] == ["/sms"]
    assert fetched.attempts[-1].error_code == errors.TARGET_FORBIDDEN


async def test_under_an_allowlist_a_name_that_does_not_resolve_is_not_forbidden() -> None:
    async with Courier(allow=Allowlist.parse("10.0.0.0/8")) as courier:
        fetched = await fetch(courier, "http://webhook.invalid/sms")
    assert fetched.error_code == errors.HOST_NOT_RESOLVED


async def test_an_allowed_address_is_reached_over_tls_by_name(receiver: Receiver) -> None:
    # The connection goes to the checked address; TLS is still negotiated (here, and fails
    # against a plain HTTP server) rather than skipped.
    async with Courier(allow=Allowlist.parse("127.0.0.0/8, ::1")) as courier:
        fetched = await fetch(courier, f"https://localhost:{receiver.port}/sms")
    assert fetched.error_code == errors.TLS_FAILED


# Status callbacks


async def test_a_status_callback_succeeds_on_any_2xx(receiver: Receiver) -> None:
    url = receiver.route("/status", answer("", status=204, content_type="text/plain"))
    async with Courier() as courier:
        attempts = await courier.notify(Target(url, "POST"), PARAMETERS, KEY)
    [attempt] = attempts
    assert (attempt.status, attempt.error_code) == (204, None)
    [request] = receiver.received
    assert request.form == PARAMETERS
    assert request.headers["x-signalwire-signature"] == signature(KEY, url, PARAMETERS)


async def test_a_status_callbacks_body_is_ignored(receiver: Receiver) -> None:
    url = receiver.route("/status", endless)
    async with Courier() as courier:
        attempts = await courier.notify(Target(url, "GET"), PARAMETERS, KEY)
    assert [(a.status, a.error_code) for a in attempts] == [(200, None)]


async def test_a_failing_status_callback_is_tried_three_times(receiver: Receiver) -> None:
    url = receiver.route("/status", answer("busy", status=503))
    async with Courier(status_retry_delay=0) as courier:
        attempts = await courier.notify(Target(url, "POST"), PARAMETERS, KEY)
    assert [a.error_code for a in attempts] == [errors.HTTP_ERROR_STATUS] * 3
    tokens = {r.headers["i-twilio-idempotency-token"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(tokens) == 1


async def test_an_unreachable_status_callback_is_tried_three_times() -> None:
    async with Courier(status_retry_delay=0) as courier:
        attempts = await courier.notify(Target(no_listener(), "POST"), PARAMETERS, KEY)
    assert [a.error_code for a in attempts] == [errors.CONNECTION_FAILED] * 3


async def test_a_status_callback_refused_with_4xx_is_not_retried(receiver: Receiver) -> None:
    url = receiver.route("/status", answer("no", status=404))
    async with Courier(status_retry_delay=0) as courier:
        attempts = await courier.notify(Target(url, "POST"), PARAMETERS, KEY)
    assert [a.error_code for a in attempts] == [errors.HTTP_ERROR_STATUS]


async def test_a_forbidden_status_callback_is_not_retried(receiver: Receiver) -> None:
    url = receiver.route("/status", answer(""))
    async with Courier(allow=Allowlist.parse("10.0.0.0/8"), status_retry_delay=0) as courier:
        attempts = await courier.notify(Target(url, "POST"), PARAMETERS, KEY)
    assert [a.error_code for a in attempts] == [errors.TARGET_FORBIDDEN]
    assert receiver.received == []


async def test_a_reader_that_breaks_is_a_document_not_parsed(receiver: Receiver) -> None:
    def broken(body: bytes, content_type: str | None) -> str:
        raise RecursionError("too deep")

    url = receiver.route("/sms", answer(REPLY))
    async with Courier() as courier:
        fetched = await courier.fetch_document(Target(url, "POST"), None, PARAMETERS, KEY, broken)
    assert fetched.error_code == errors.DOCUMENT_NOT_PARSED


# Isolation


async def test_a_slow_webhook_does_not_hold_up_other_deliveries(receiver: Receiver) -> None:
    slow_url = receiver.route("/slow", slow(2, answer(REPLY)))
    fast_url = receiver.route("/fast", answer(REPLY))
    async with Courier(max_connections=4) as courier:
        slow_ones = [asyncio.create_task(fetch(courier, slow_url + "#rt=10000")) for _ in range(3)]
        while len(receiver.received) < 3:  # the slow requests are in the webhook's hands
            await asyncio.sleep(0.01)
        fast_ones = [asyncio.create_task(fetch(courier, fast_url)) for _ in range(20)]
        done, pending = await asyncio.wait(
            [*slow_ones, *fast_ones], return_when=asyncio.FIRST_COMPLETED
        )
        while not all(task.done() for task in fast_ones):
            more, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            done |= more
        assert not any(task.done() for task in slow_ones)
        assert all(task.result().document == REPLY for task in fast_ones)
        slow_results = await asyncio.gather(*slow_ones)
    assert all(result.document == REPLY for result in slow_results)


@pytest.mark.parametrize(
    "url", ["http://[::1/sms", "http://:80/sms", "/sms", "", "mailto:hooks@example.com"]
)
async def test_a_malformed_url_is_a_retrieval_failure(url: str) -> None:
    async with Courier() as courier:
        fetched = await fetch(courier, url)
    [attempt] = fetched.attempts
    assert attempt.error_code == errors.HTTP_RETRIEVAL_FAILURE
    assert attempt.status is None
