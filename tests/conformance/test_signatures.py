"""Webhook requests numbersmith sends pass the SDK's own request validator.

A receiver in this process (the SDK's environment) records each request; numbersmith's
delivery runs in the project's environment, in a short script, and sends requests to it. Every
request is then checked as an application would check it: the URL it was requested at, its form
parameters (none for a GET) and the signature header, given to the SDK's RequestValidator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

try:  # signalwire 2.x's own validator, which takes the parameters as a dict
    from signalwire.request_validator import RequestValidator
except ImportError:  # the twilio 9 environment
    from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import server
from support.receiver import Receiver, answer, redirect

KEY = "PSK_V3bF8oyeRNpJWGoRWHNYQMUU"
PARAMETERS = {
    "AccountSid": "6bfbbe86-a901-4197-8759-2a0de1fa319d",
    "From": "+13105550000",
    "To": "+14155551234",
    "Body": "Hi & welcome: 50% off = café + crème? ✓",
    "MediaUrl0": "https://cdn.example.com/a b.jpg?size=1&x=y",
}

DELIVER = """
import asyncio, json, sys
from numbersmith.traffic.delivery import Courier, Target

async def main(job):
    async with Courier(flavor=job["flavor"]) as courier:
        for delivery in job["deliveries"]:
            fallback = delivery.get("fallback")
            fetched = await courier.fetch_document(
                Target(delivery["url"], delivery["method"]),
                Target(fallback, delivery["method"]) if fallback else None,
                job["parameters"], job["key"], lambda body, content_type: body,
            )
            for attempt in fetched.attempts:
                print(json.dumps({"url": attempt.url, "status": attempt.status,
                                  "error_code": attempt.error_code}))

asyncio.run(main(json.loads(sys.argv[1])))
"""


def deliver(flavor: str, deliveries: list[dict[str, str]]) -> list[dict[str, object]]:
    job = {"flavor": flavor, "key": KEY, "parameters": PARAMETERS, "deliveries": deliveries}
    done = subprocess.run(
        [str(server.PYTHON), "-c", DELIVER, json.dumps(job)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture
def receiver():
    with Receiver() as running:
        running.route("/hook", answer())
        running.route("/broken", answer("oops", status=500))
        running.route("/moved", redirect("/hook?after=redirect", status=302))
        running.route("/moved-keeping-post", redirect("/hook?after=307", status=307))
        yield running


def deliveries_to(receiver: Receiver) -> list[dict[str, str]]:
    """Each shape of URL, by GET and by POST."""
    urls = [
        receiver.url("/hook"),  # with a port
        receiver.url("/hook?tenant=7&name=a%20b"),  # with a query string
        receiver.url("/hook?tenant=7#rt=3000&tt=8000"),  # with a fragment override
        receiver.url("/hook#ct=2000&rc=2"),
        f"http://localhost:{receiver.port}/hook",
        receiver.url("/moved"),
        receiver.url("/moved-keeping-post"),
    ]
    deliveries = [{"url": url, "method": method} for url in urls for method in ("GET", "POST")]
    # The fallback's request adds ErrorCode and ErrorUrl, and is signed for the fallback URL.
    for method in ("GET", "POST"):
        deliveries.append(
            {
                "url": receiver.url("/broken"),
                "fallback": receiver.url("/hook?fallback=1#rt=2000"),
                "method": method,
            }
        )
    return deliveries


def validate(request, header: str) -> bool:
    parameters = request.form if request.method == "POST" else {}
    return RequestValidator(KEY).validate(request.url, parameters, request.headers[header])


@pytest.mark.parametrize(
    ("flavor", "headers"),
    [
        ("signalwire", ("x-signalwire-signature", "x-twilio-signature")),
        ("twilio", ("x-twilio-signature",)),
    ],
)
def test_every_webhook_request_validates(receiver: Receiver, flavor: str, headers) -> None:
    deliveries = deliveries_to(receiver)
    attempts = deliver(flavor, deliveries)

    assert all(
        attempt["error_code"] is None for attempt in attempts if "/broken" not in attempt["url"]
    )
    received = receiver.received
    # One request per delivery, one more for each redirect and for each fallback.
    assert len(received) == len(deliveries) + 4 + 2
    assert {request.method for request in received} == {"GET", "POST"}
    for request in received:
        if request.path == "/broken":
            continue
        for header in headers:
            assert validate(request, header), (request.method, request.url, header)
    fallbacks = [request for request in received if "fallback=1" in request.target]
    assert len(fallbacks) == 2
    for request in fallbacks:
        assert request.parameters["ErrorCode"] == "11217"
        assert request.parameters["ErrorUrl"] == receiver.url("/broken")


def test_a_tampered_request_does_not_validate(receiver: Receiver) -> None:
    """The check above can fail: the same validator refuses a request changed on the way."""
    deliver("signalwire", [{"url": receiver.url("/hook"), "method": "POST"}])
    [request] = receiver.received
    tampered = {**request.form, "Body": "something else"}
    assert not RequestValidator(KEY).validate(
        request.url, tampered, request.headers["x-signalwire-signature"]
    )
