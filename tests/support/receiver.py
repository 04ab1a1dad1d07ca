"""A real webhook receiver for tests: an HTTP server on a free local port, in a thread, that
answers each path as the test scripts it and records every request it gets.

Standard library only: the conformance suites use it too, in the SDKs' own environments.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Answer:
    body: bytes = b"<Response/>"
    status: int = 200
    content_type: str = "text/xml"
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    url: str  # as the receiver sees it: scheme, host, port, path and query
    headers: dict[str, str]
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]

    @property
    def parameters(self) -> dict[str, str]:
        """What was sent: the form of a POST, the query of a GET."""
        return dict(self.form if self.method == "POST" else self.query)


@dataclass
class Receiver:
    base_url: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def answer(
        self,
        path: str,
        body: str | bytes = "<Response/>",
        *,
        status: int = 200,
        content_type: str = "text/xml",
        delay: float = 0.0,
    ) -> str:
        """Script the answer of ``path``; return its full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, status, content_type, delay)
        return self.base_url + path

    def to(self, path: str) -> list[Received]:
        """The requests received on ``path``, in order."""
        return [request for request in self.received if request.path == path]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            host = self.headers.get("host", "")
            receiver.received.append(
                Received(
                    method=self.command,
                    path=parts.path,
                    url=f"http://{host}{self.path}",
                    headers={name.lower(): value for name, value in self.headers.items()},
                    query=parse_qsl(parts.query, keep_blank_values=True),
                    form=parse_qsl(body, keep_blank_values=True) if self.command == "POST" else [],
                )
            )
            answer = receiver.answers.get(parts.path, Answer(b"", 404, "text/plain"))
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = _serve

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A receiver serving on 127.0.0.1 until the block ends."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
