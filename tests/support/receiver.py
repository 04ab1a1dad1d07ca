"""A real webhook receiver for tests: an HTTP server in a background thread that records every
request and answers as each path is told to, well or badly.

Standard library only: the conformance suites use it in the SDKs' environments too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Received:
    """A request as the application saw it."""

    method: str
    target: str  # the request line's path and query, as sent
    headers: dict[str, str]  # names in lower case
    body: bytes
    port: int

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def url(self) -> str:
        """The URL a web framework would report: scheme, the Host header, the request target."""
        return f"http://{self.headers.get('host', f'127.0.0.1:{self.port}')}{self.target}"

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    @property
    def parameters(self) -> dict[str, str]:
        """What the application reads: the query of a GET, the form of a POST."""
        return self.query if self.method == "GET" else self.form


#: How a path answers: given the handler (to write to) and the stop signal.
Reply = Callable[[BaseHTTPRequestHandler, threading.Event], None]


def answer(
    body: str | bytes = "<Response/>",
    status: int = 200,
    content_type: str = "text/xml",
    headers: dict[str, str] | None = None,
) -> Reply:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def reply(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return reply


def redirect(location: str, status: int = 302) -> Reply:
    def reply(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return reply


def slow(seconds: float, then: Reply) -> Reply:
    """Answer after a while (sooner if the receiver stops)."""

    def reply(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        if not stopping.wait(seconds):
            then(handler, stopping)

    return reply


def silent(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
    """Accept the request and never answer."""
    stopping.wait(60)


def endless(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
    """A 200 whose body never ends, sent as fast as the client reads it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.end_headers()
    chunk = b"<Say>again</Say>" * 1024
    with contextlib.suppress(OSError):
        handler.wfile.write(b"<Response>")
        while not stopping.is_set():
            handler.wfile.write(chunk)


def trickle(interval: float) -> Reply:
    """A 200 whose body comes one byte at a time, never ending."""

    def reply(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.end_headers()
        with contextlib.suppress(OSError):
            while not stopping.wait(interval):
                handler.wfile.write(b" ")
                handler.wfile.flush()

    return reply


class _Server(ThreadingHTTPServer):
    # Tests send dozens of requests at once: with the default backlog of 5, connections beyond
    # it wait for the client's SYN to be retried, a second later.
    request_queue_size = 128


class Receiver:
    """``with Receiver() as receiver:`` serves on a free port of 127.0.0.1 until the block ends.

    Paths not routed answer ``<Response/>`` as text/xml.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received = Received(
                    method=self.command,
                    target=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                    port=receiver.port,
                )
                with receiver._lock:
                    receiver.received.append(received)
                reply = receiver.routes.get(received.path, answer())
                with contextlib.suppress(OSError):
                    reply(self, receiver._stopping)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, reply: Reply) -> str:
        """Answer requests to ``path`` with ``reply``; returns the path's URL."""
        self.routes[path] = reply
        return self.url(path)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(
        self,
        path: str,
        body: str | bytes = "<Response/>",
        *,
        status: int = 200,
        content_type: str = "text/xml",
        delay: float = 0.0,
    ) -> str:
        """Answer requests to ``path`` with this body (after ``delay`` seconds); its URL."""
        reply = answer(body, status, content_type)
        return self.route(path, slow(delay, reply) if delay else reply)

    def to(self, path: str) -> list[Received]:
        """The requests received on ``path``, in order."""
        return self.requests_to(path)

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [received for received in self.received if received.path == path]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The requests received, once there are at least ``count`` (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.01)
        with self._lock:
            return list(self.received)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def receiving() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver
