"""The operator's inventory: numbers per area code, and importing a CSV file with its progress
and its report of bad lines."""

from __future__ import annotations

import asyncio
import codecs
import csv
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from numbersmith.dashboard.site import SECURITY_HEADERS, Site, Visitor
from numbersmith.provisioning import inventory

#: Where the import page is cut: what comes before is sent at once, progress follows, then the
#: rest with the report.
_PROGRESS = "<!-- progress -->"


class Inventory:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def _page(
        self, request: Request, visitor: Visitor, error: str | None = None, status: int = 200
    ) -> Response:
        counts: list[inventory.Count] = []
        totals = inventory.Count(None, 0, 0)
        if self.site.supply_name == "inventory":
            counts = await anyio.to_thread.run_sync(inventory.stats, self.site.db, True)
            totals = inventory.Count(
                None, sum(c.total for c in counts), sum(c.owned for c in counts)
            )
        context = {"title": "Inventory", "counts": counts, "totals": totals, "error": error}
        return self.site.render(request, "inventory.html", context, visitor=visitor, status=status)

    async def show(self, request: Request, visitor: Visitor) -> Response:
        return await self._page(request, visitor)

    async def import_file(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._page(request, visitor, "Choose a CSV file to import.", 400)
        lines = codecs.getreader("utf-8-sig")(upload.file)
        try:
            rows, unknown = await anyio.to_thread.run_sync(inventory.csv_records, lines)
        except inventory.InvalidFile as problem:
            return await self._page(request, visitor, f"{upload.filename}: {problem}.", 400)
        except (UnicodeDecodeError, csv.Error) as problem:
            return await self._page(
                request, visitor, f"{upload.filename} cannot be read: {problem}.", 400
            )
        context: dict[str, Any] = {
            "title": "Importing",
            "filename": upload.filename,
            "unknown": unknown,
        }
        head = self.site.render(
            request, "import.html", {**context, "report": None, "failure": None}, visitor=visitor
        )
        start = bytes(head.body).decode().split(_PROGRESS)[0]

        async def page() -> AsyncIterator[str]:
            yield start
            loop = asyncio.get_running_loop()
            done: asyncio.Queue[int] = asyncio.Queue()

            def progress(lines: int) -> None:
                loop.call_soon_threadsafe(done.put_nowait, lines)

            work = loop.run_in_executor(
                None, lambda: inventory.import_rows(self.site.db, rows, progress=progress)
            )
            while not work.done():
                waiting = asyncio.ensure_future(done.get())
                either: set[asyncio.Future[Any]] = {work, waiting}
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                if waiting.done():
                    yield f"<li>{waiting.result():,} lines read and stored</li>\n"
                else:
                    waiting.cancel()
            report, failure = None, None
            try:
                report = work.result()
            except (OSError, UnicodeDecodeError, csv.Error) as problem:
                failure = (
                    f"The file stopped being readable: {problem}. The lines before it are"
                    " imported; importing the file again completes the work."
                )
            tail = self.site.render(
                request,
                "import.html",
                {**context, "report": report, "failure": failure},
                visitor=visitor,
            )
            yield bytes(tail.body).decode().split(_PROGRESS)[1]

        return StreamingResponse(
            page(), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
        )
