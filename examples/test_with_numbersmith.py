"""Test an SMS webhook app with numbersmith's pytest plugin: each test gets a project of its own
on a numbersmith server started once for the session. Needs `pip install numbersmith twilio
pytest`; nothing else to set up. Run: pytest examples/test_with_numbersmith.py
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class ShoutingApp(BaseHTTPRequestHandler):
    """The app under test: answers every text with the same text in capitals."""

    def do_POST(self):
        form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        body = f"<Response><Message>{form['Body'].upper()}</Message></Response>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_app_answers_in_capitals(numbersmith):
    app = ThreadingHTTPServer(("127.0.0.1", 0), ShoutingApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    client = numbersmith.twilio_client()  # or numbersmith.signalwire_client()
    number = client.incoming_phone_numbers.create(
        area_code="415", sms_url=f"http://127.0.0.1:{app.server_port}/sms"
    )
    assert number.phone_number.startswith("+1415")

    exchange = numbersmith.inbound_message(number.phone_number, "hello", from_="+14155550100")

    assert exchange["replies"][0]["body"] == "HELLO"
    (delivery,) = numbersmith.deliveries()
    assert delivery["parameters"]["Body"] == "hello"
    assert delivery["status"] == 200
    app.shutdown()


def test_each_test_has_a_project_of_its_own(numbersmith):
    assert numbersmith.twilio_client().incoming_phone_numbers.list() == []
