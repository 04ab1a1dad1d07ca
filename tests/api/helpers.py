"""Small helpers for API tests."""

from __future__ import annotations

from typing import Any

import httpx

ERROR_KEYS = {"code", "message", "more_info", "status"}


def assert_error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    """The response is the vendor's JSON error with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code, body
    assert body["status"] == status
    return body
