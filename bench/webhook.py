"""A webhook for benchmarks: the user's application at its fastest. A raw ASGI callable that
answers every request with one ``<Message>`` reply; under ``/slow`` it waits two seconds first.

    .venv/bin/uvicorn webhook:app --app-dir bench --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

import asyncio

BODY = b"<Response><Message>ok</Message></Response>"
SLOW_SECONDS = 2.0

_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"text/xml"), (b"content-length", str(len(BODY)).encode())],
}
_BODY = {"type": "http.response.body", "body": BODY}


async def app(scope, receive, send):
    if scope["type"] == "http":
        while (await receive()).get("more_body"):
            pass  # the webhook's parameters, read and dropped
        if scope["path"].startswith("/slow"):
            await asyncio.sleep(SLOW_SECONDS)
        await send(_START)
        await send(_BODY)
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
