"""Paging as the clients expect it: PageSize, Page, opaque PageToken cursors, and the envelope.

Pages are keyset pages: a token names the row a page ends (``PA``, for the next page) or starts
(``PB``, for the previous one), so page 1,000 costs what page 1 costs and concurrent inserts never
shift rows between pages.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from numbersmith.api.errors import (
    INVALID_PAGE_SIZE,
    INVALID_PAGE_TOKEN,
    INVALID_PARAMETER,
    PAGE_TOKEN_REQUIRED,
    ApiError,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class PageRequest:
    size: int
    number: int
    after: int | None = None  # return rows older than this id
    before: int | None = None  # return rows newer than this id
    token: str | None = None


def _encode(direction: str, row_id: int) -> str:
    return direction + base64.urlsafe_b64encode(str(row_id).encode()).decode().rstrip("=")


def _decode(token: str) -> tuple[str, int]:
    direction, payload = token[:2], token[2:]
    if direction not in ("PA", "PB") or not payload or len(payload) > 24:
        raise ApiError(400, INVALID_PAGE_TOKEN, "PageToken is not valid")
    try:
        text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, INVALID_PAGE_TOKEN, "PageToken is not valid") from exc
    if not _is_number(text) or not 0 < int(text) < 2**63:
        raise ApiError(400, INVALID_PAGE_TOKEN, "PageToken is not valid")
    return direction, int(text)


@functools.lru_cache(maxsize=4096)
def _query(filters: tuple[tuple[str, str], ...], size: int, number: int, token: str | None) -> str:
    # Cached: clients repeat the same few queries, and urlencode quotes every name and value
    # anew (~20 µs for a page's two or three URIs).
    query = [*filters, ("PageSize", str(size)), ("Page", str(number))]
    if token is not None:
        query.append(("PageToken", token))
    return urlencode(query)


def _is_number(text: str) -> bool:
    # str.isdigit alone also accepts "²" and "٣", which int() refuses or reads as another number.
    return text.isascii() and text.isdigit()


def page_request(query: Mapping[str, str]) -> PageRequest:
    size_text = query.get("PageSize", str(DEFAULT_PAGE_SIZE)).strip()
    if not _is_number(size_text) or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
        raise ApiError(
            400, INVALID_PAGE_SIZE, f"PageSize must be an integer from 1 to {MAX_PAGE_SIZE}"
        )
    size = int(size_text)
    number_text = query.get("Page", "0").strip()
    if not _is_number(number_text) or len(number_text) > 9:
        raise ApiError(400, INVALID_PARAMETER, "Page must be a non-negative integer")
    number = int(number_text)
    token = query.get("PageToken")
    if token is None:
        if number > 0:
            raise ApiError(
                400, PAGE_TOKEN_REQUIRED, "PageToken is required to read a page after the first"
            )
        return PageRequest(size, 0)
    direction, row_id = _decode(token.strip())
    if direction == "PA":
        return PageRequest(size, number, after=row_id, token=token)
    return PageRequest(size, number, before=row_id, token=token)


def page_uri(path: str, filters: Sequence[tuple[str, str]], request: PageRequest) -> str:
    """The URI of the page ``request`` asks for, repeating every filter."""
    return f"{path}?{_query(tuple(filters), request.size, request.number, request.token)}"


def envelope(
    *,
    path: str,
    records_key: str,
    records: Sequence[Any] | orjson.Fragment,
    row_ids: Sequence[int],
    request: PageRequest,
    filters: Sequence[tuple[str, str]],
    has_newer: bool,
    has_older: bool,
    bounds: bool = False,
) -> dict[str, Any]:
    """The page envelope: the paging keys of SignalWire's schema, plus exactly one records key.

    ``records`` may be a JSON array already rendered. ``start`` and ``end`` (the positions of
    the page's first and last records), which Twilio's pages have and SignalWire's do not, only
    with ``bounds``.

    ``next_page_uri`` repeats every filter, because clients request it verbatim; it is null on
    the last page, or ``stream()`` would never end.
    """

    filters = tuple(filters)

    def uri(number: int, token: str | None) -> str:
        return f"{path}?{_query(filters, request.size, number, token)}"

    next_uri = (
        uri(request.number + 1, _encode("PA", row_ids[-1])) if has_older and row_ids else None
    )
    previous_uri = None
    if has_newer and row_ids and request.number > 0:
        previous_uri = uri(request.number - 1, _encode("PB", row_ids[0]))
    body = {
        "uri": page_uri(path, filters, request),
        "first_page_uri": uri(0, None),
        "next_page_uri": next_uri,
        "previous_page_uri": previous_uri,
        "page": request.number,
        "page_size": request.size,
        records_key: records,
    }
    if bounds:
        start = request.number * request.size
        body["start"] = start
        body["end"] = start + max(len(row_ids) - 1, 0)
    return body
