"""A response's head and body leave in one write; nothing is held back or lost."""

from __future__ import annotations

import socket
import urllib.request
from types import SimpleNamespace
from typing import Any

from numbersmith.cli.http_protocol import _HeadHeldTransport


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def writelines(self, parts: tuple[bytes, ...]) -> None:
        self.writes.append(b"".join(parts))  # one call, one write

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def held(cycle: Any) -> tuple[_HeadHeldTransport, Recorder]:
    recorder = Recorder()
    return _HeadHeldTransport(recorder, cycle), recorder  # type: ignore[arg-type]


def test_head_and_body_go_in_one_write() -> None:
    cycle = SimpleNamespace(response_started=False)
    transport, recorder = held(cycle)
    cycle.response_started = True
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert recorder.writes == []
    transport.write(b"body")
    transport.write(b"more")
    assert recorder.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]


def test_continue_before_the_response_goes_at_once() -> None:
    cycle = SimpleNamespace(response_started=False)
    transport, recorder = held(cycle)
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert recorder.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    cycle.response_started = True
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"")  # an empty body (a 204) still sends the head
    assert recorder.writes[1:] == [b"HTTP/1.1 200 OK\r\n\r\n"]


def test_a_response_without_a_body_write_sends_its_head_when_complete() -> None:
    cycle = SimpleNamespace(response_started=True)
    transport, recorder = held(cycle)
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")  # a HEAD response: uvicorn writes no body
    transport.flush()
    transport.flush()
    assert recorder.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]


def test_closing_sends_a_held_head_first() -> None:
    cycle = SimpleNamespace(response_started=True)
    transport, recorder = held(cycle)
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.close()
    assert recorder.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]
    assert recorder.closed
    assert transport.is_closing()  # everything else is the transport's own


def test_served_answers_arrive_whole(numbersmith_server: Any) -> None:
    """Through the real server: GET and HEAD, on one kept-alive connection."""
    base_url = numbersmith_server.base_url
    with urllib.request.urlopen(base_url + "/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b'{"status":"ok"}'
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        request = f"HEAD /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        connection.sendall(request + request.replace(b"HEAD", b"GET"))
        received = b""
        while received.count(b"HTTP/1.1 200") < 2 or not received.endswith(b"}"):
            chunk = connection.recv(65536)
            assert chunk, received
            received += chunk
    assert received.count(b"HTTP/1.1 200") == 2
