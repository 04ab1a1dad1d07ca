"""Test an SMS webhook app against numbersmith: buy a number pointed at the app, text it, and
check the app's reply and that the app accepted numbersmith's signature.

Needs a running numbersmith (NUMBERSMITH_URL) and a project's credentials (PROJECT_ID,
API_TOKEN, SIGNING_KEY, as `numbersmith project create --json` prints them), plus `pytest`,
`requests` and `twilio` (any version). Run: pytest examples/test_webhook_app.py
"""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import requests
from twilio.request_validator import RequestValidator

NUMBERSMITH = os.environ.get("NUMBERSMITH_URL", "http://127.0.0.1:8080")
PROJECT, TOKEN = os.environ["PROJECT_ID"], os.environ["API_TOKEN"]
SIGNING_KEY = os.environ["SIGNING_KEY"]


class EchoApp(BaseHTTPRequestHandler):
    """The app under test: answers every text with its body, if the request is signed."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = dict(parse_qsl(body, keep_blank_values=True))  # blank ones are signed too
        url = f"http://{self.headers['Host']}{self.path}"
        signed = RequestValidator(SIGNING_KEY).validate(
            url, form, self.headers["X-Twilio-Signature"]
        )
        reply = f"You said: {form['Body']}" if signed else "Who are you?"
        body = f"<Response><Message>{reply}</Message></Response>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_app_echoes_a_signed_text():
    app = ThreadingHTTPServer(("127.0.0.1", 0), EchoApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    api = requests.Session()
    api.auth = (PROJECT, TOKEN)

    number = api.post(
        f"{NUMBERSMITH}/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers.json",
        data={"AreaCode": "415", "SmsUrl": f"http://127.0.0.1:{app.server_port}/sms"},
    ).json()
    exchange = api.post(
        f"{NUMBERSMITH}/api/numbersmith/v1/Accounts/{PROJECT}/InboundMessages",
        data={"To": number["phone_number"], "From": "+14155550100", "Body": "hello"},
    ).json()

    assert exchange["status"] == "received"
    assert exchange["replies"] == [
        {
            "to": "+14155550100",
            "from": number["phone_number"],
            "body": "You said: hello",
            "media": [],
        }
    ]
    app.shutdown()
