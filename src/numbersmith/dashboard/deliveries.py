"""The journal: every webhook request made, newest first, filterable by number."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from numbersmith.dashboard.site import Site, Visitor
from numbersmith.numbering.e164 import InvalidNumber, normalise
from numbersmith.store.journal import DeliveryFilter

PAGE_SIZE = 50


def _row_id(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 19 else None


class Deliveries:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def list(self, request: Request, visitor: Visitor) -> Response:
        query = request.query_params
        phone_number = query.get("phone_number", "").strip()
        problem = None
        filters = DeliveryFilter()
        if phone_number:
            try:
                filters = DeliveryFilter(phone_number=normalise(phone_number))
            except InvalidNumber:
                problem = f"{phone_number} is not a valid phone number (error 21211)."
        after, before = _row_id(query.get("after")), _row_id(query.get("before"))
        rows: list[tuple[int, str]] = []
        more = False
        if problem is None:
            rows, more = await self.site.simulator.deliveries(
                visitor.project_id, filters, size=PAGE_SIZE, after=after, before=before
            )
        ids = [row_id for row_id, _ in rows]
        entries: list[dict[str, Any]] = [orjson.loads(document) for _, document in rows]
        context = {
            "title": "Deliveries",
            "deliveries": entries,
            "phone_number": phone_number,
            "problem": problem,
            "newer": ids[0]
            if ids and ((before is not None and more) or after is not None)
            else None,
            "older": ids[-1] if ids and (before is not None or more) else None,
            "filters_query": {"phone_number": phone_number} if phone_number else {},
        }
        return self.site.render(
            request, "deliveries.html", context, visitor=visitor, status=400 if problem else 200
        )
