"""The yardstick: the fastest a one-worker uvicorn app can answer on this machine.

A raw ASGI callable, no framework, no routing, no I/O: every request gets the same ~1.3 KB JSON
document, shaped like an IncomingPhoneNumber. bench/run.py serves it exactly as it serves
numbersmith (one worker, uvloop, httptools, no access log) and divides numbersmith's requests/s by
the yardstick's, so the ratios measure the cost of the application, not of the machine.

    .venv/bin/uvicorn yardstick:app --app-dir bench --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

import json

_ACCOUNT = "8f6a2c1e-0b7d-4c3a-9e5f-2d1b0a9c8e7f"
_SID = "5d0c6f3e-7a19-4b8e-a2d4-1c9e8b7a6f50"
_DATE = "Tue, 25 Sep 2018 23:00:00 +0000"

_DOCUMENT = {
    "account_id": _ACCOUNT,
    "account_sid": _ACCOUNT,
    "address_requirements": "none",
    "address_sid": None,
    "api_version": "2010-04-01",
    "beta": False,
    "capabilities": {"Voice": True, "SMS": True, "MMS": True, "Fax": True},
    "country_code": "US",
    "date_created": _DATE,
    "date_updated": _DATE,
    "emergency_address_sid": None,
    "emergency_status": "inactive",
    "friendly_name": "310-338-6745",
    "identity_sid": None,
    "origin": "signalwire",
    "phone_number": "+13103386745",
    "sid": _SID,
    "sms_application_sid": None,
    "sms_fallback_method": "POST",
    "sms_fallback_url": "https://example.com/hooks/sms-fallback.xml",
    "sms_method": "POST",
    "sms_url": "https://example.com/hooks/sms.xml",
    "status": "in-use",
    "status_callback": "https://example.com/hooks/status.xml",
    "status_callback_method": "POST",
    "trunk_sid": None,
    "uri": f"/api/laml/2010-04-01/Accounts/{_ACCOUNT}/IncomingPhoneNumbers/{_SID}.json",
    "voice_application_sid": None,
    "voice_caller_id_lookup": False,
    "voice_fallback_method": "POST",
    "voice_fallback_url": "https://example.com/hooks/voice-fallback.xml",
    "voice_method": "POST",
    "voice_receive_mode": "voice",
    "voice_url": "https://example.com/hooks/voice.xml",
}

BODY = json.dumps(_DOCUMENT, separators=(",", ":")).encode()

_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BODY)).encode()),
    ],
}
_BODY = {"type": "http.response.body", "body": BODY}


async def app(scope, receive, send):
    if scope["type"] == "http":
        # The requests it serves are bodiless GETs, so there is nothing to read first.
        await send(_START)
        await send(_BODY)
    elif scope["type"] == "lifespan":
        # Answer the lifespan protocol so that uvicorn starts and stops cleanly.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
