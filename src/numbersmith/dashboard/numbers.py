"""The project's numbers: the list, a number's page (settings, release, test traffic), and
buying."""

from __future__ import annotations

import builtins
import re
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from numbersmith.dashboard import words
from numbersmith.dashboard.site import PREFIX, Site, Visitor
from numbersmith.numbering import geography, keypad
from numbersmith.numbering.candidates import Criteria
from numbersmith.provisioning import applications, numbers, search
from numbersmith.provisioning.errors import ProvisioningError
from numbersmith.provisioning.model import METHODS, IncomingNumber
from numbersmith.store.numbers import ListFilter
from numbersmith.traffic import simulation
from numbersmith.traffic.caller import CallerScript
from numbersmith.traffic.simulation import OUTSIDE_NUMBER

PAGE_SIZE = 50
_PATTERN = re.compile(r"\+?[0-9*]{1,15}")
_FORMATTING = re.compile(r"[\s().-]")

#: The settings a number's page edits: (name, label, kind).
URL_FIELDS = (
    ("voice_url", "Voice URL", "voice_method"),
    ("voice_fallback_url", "Voice fallback URL", "voice_fallback_method"),
    ("sms_url", "SMS URL", "sms_method"),
    ("sms_fallback_url", "SMS fallback URL", "sms_fallback_method"),
    ("status_callback", "Status callback URL", "status_callback_method"),
)


def _row_id(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 19 else None


def _list_filter(phone_number: str, friendly_name: str) -> tuple[ListFilter, str | None]:
    """The list's filter, and what is wrong with the phone-number pattern, if anything."""
    pattern = None
    if phone_number:
        text = _FORMATTING.sub("", phone_number)
        if not _PATTERN.fullmatch(text):
            return (
                ListFilter(),
                "A phone number filter is digits, optionally with a leading + and * for any digit.",
            )
        like = text.replace("*", "_")
        pattern = like + "%" if like.startswith("+") else "%" + like + "%"
    return ListFilter(phone_number=pattern, friendly_name=friendly_name or None), None


class Numbers:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def list(self, request: Request, visitor: Visitor) -> Response:
        query = request.query_params
        phone_number = query.get("phone_number", "").strip()
        friendly_name = query.get("friendly_name", "").strip()
        filters, problem = _list_filter(phone_number, friendly_name)
        after, before = _row_id(query.get("after")), _row_id(query.get("before"))
        found: list[tuple[int, Any]] = []
        more = False
        if problem is None:
            found, more = await numbers.page(
                self.site.db,
                visitor.project_id,
                filters,
                size=PAGE_SIZE,
                after=after,
                before=before,
            )
        ids = [row_id for row_id, _ in found]
        newer = ids[0] if ids and ((before is not None and more) or after is not None) else None
        older = ids[-1] if ids and (before is not None or more) else None
        filters_query = {
            k: v for k, v in (("phone_number", phone_number), ("friendly_name", friendly_name)) if v
        }
        context = {
            "title": "Numbers",
            "numbers": [number for _, number in found],
            "phone_number": phone_number,
            "friendly_name": friendly_name,
            "problem": problem,
            "newer": newer,
            "older": older,
            "filters_query": filters_query,
        }
        return self.site.render(
            request, "numbers.html", context, visitor=visitor, status=400 if problem else 200
        )

    async def _applications(self, visitor: Visitor) -> builtins.list[Any]:
        found, _ = await applications.page(self.site.db, visitor.project_id, None, size=200)
        return found

    async def _number_page(
        self,
        request: Request,
        visitor: Visitor,
        number: IncomingNumber,
        *,
        error: str | None = None,
        traffic_error: str | None = None,
        status: int = 200,
        values: dict[str, Any] | None = None,
    ) -> Response:
        exchange = None
        kind = request.query_params.get("kind")
        exchange_sid = request.query_params.get("exchange")
        if kind in ("message", "call") and exchange_sid and len(exchange_sid) <= 64:
            exchange = await self.site.simulator.exchange(visitor.project_id, kind, exchange_sid)
        context = {
            "title": number.phone_number,
            "number": number,
            "values": values or {},
            "url_fields": URL_FIELDS,
            "methods": sorted(METHODS),
            "applications": await self._applications(visitor),
            "error": error,
            "traffic_error": traffic_error,
            "exchange": exchange,
            "exchange_kind": kind,
            "saved": request.query_params.get("saved") == "1",
            "outside_number": OUTSIDE_NUMBER,
        }
        return self.site.render(request, "number.html", context, visitor=visitor, status=status)

    async def show(self, request: Request, visitor: Visitor) -> Response:
        number = await numbers.fetch(self.site.db, visitor.project_id, request.path_params["sid"])
        assert isinstance(number, IncomingNumber)
        return await self._number_page(request, visitor, number)

    async def update(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        sid = request.path_params["sid"]
        settings: dict[str, Any] = {}
        for name in (
            "friendly_name",
            "voice_receive_mode",
            "voice_application_sid",
            "sms_application_sid",
        ):
            settings[name] = str(form.get(name) or "").strip()
        for url, _, method in URL_FIELDS:
            settings[url] = str(form.get(url) or "").strip()
            settings[method] = str(form.get(method) or "POST")
        settings["voice_caller_id_lookup"] = form.get("voice_caller_id_lookup") == "on"
        try:
            await numbers.update(self.site.db, visitor.project_id, sid, settings)
        except ProvisioningError as error:
            number = await numbers.fetch(self.site.db, visitor.project_id, sid)
            assert isinstance(number, IncomingNumber)
            message = words.refusal(error, request.url.path)
            return await self._number_page(
                request, visitor, number, error=message, status=400, values=settings
            )
        return RedirectResponse(f"{PREFIX}/numbers/{sid}?saved=1", 303)

    async def confirm_release(self, request: Request, visitor: Visitor) -> Response:
        number = await numbers.fetch(self.site.db, visitor.project_id, request.path_params["sid"])
        assert isinstance(number, IncomingNumber)
        context = {"title": f"Release {number.phone_number}", "number": number}
        return self.site.render(request, "release.html", context, visitor=visitor)

    async def release(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        await numbers.release(self.site.db, visitor.project_id, request.path_params["sid"])
        released = quote(str(form.get("phone_number") or ""))
        return RedirectResponse(f"{PREFIX}/numbers?released={released}", 303)

    async def send_message(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        sid = request.path_params["sid"]
        number = await numbers.fetch(self.site.db, visitor.project_id, sid)
        assert isinstance(number, IncomingNumber)
        try:
            exchange = await self.site.simulator.message(
                visitor.project_id,
                to=number.phone_number,
                from_=str(form.get("from") or "").strip() or None,
                body=str(form.get("body") or ""),
            )
        except simulation.TrafficError as error:
            return await self._number_page(
                request, visitor, number, traffic_error=words.traffic_refusal(error), status=400
            )
        return RedirectResponse(
            f"{PREFIX}/numbers/{sid}?kind=message&exchange={exchange.sid}#transcript", 303
        )

    async def place_call(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        sid = request.path_params["sid"]
        number = await numbers.fetch(self.site.db, visitor.project_id, sid)
        assert isinstance(number, IncomingNumber)
        try:
            script = CallerScript(
                digits=tuple(str(form.get("digits") or "").split()),
                dial=tuple(str(form.get("dial") or "").split()),
            )
            exchange = await self.site.simulator.call(
                visitor.project_id,
                to=number.phone_number,
                from_=str(form.get("from") or "").strip() or None,
                script=script,
            )
        except ValueError as error:  # keys other than 0-9 * #, an outcome of no Dial
            return await self._number_page(
                request, visitor, number, traffic_error=f"{error}.", status=400
            )
        except simulation.TrafficError as error:
            return await self._number_page(
                request, visitor, number, traffic_error=words.traffic_refusal(error), status=400
            )
        return RedirectResponse(
            f"{PREFIX}/numbers/{sid}?kind=call&exchange={exchange.sid}#transcript", 303
        )


class Buying:
    """Search the numbers available and buy one with a click."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def _criteria(self, query: dict[str, str]) -> Criteria:
        """The search's criteria; ValueError, in words, for what cannot be searched."""
        contains = query.get("contains") or None
        if contains is not None:
            try:
                contains = keypad.to_digits(contains)
            except keypad.InvalidPattern as exc:
                raise ValueError(
                    f"Contains must be up to 10 digits, letters or * ({exc}) (error 20001)."
                ) from exc
        region = query.get("region") or None
        if region is not None:
            code = geography.region_code(region)
            if code is None:
                raise ValueError(
                    "Region must be the two-letter code of a US state or Canadian province"
                    " (error 20001)."
                )
            region = code
        locality = query.get("locality") or None
        if locality is not None and region is None:
            raise ValueError("A locality needs a region (error 90000).")
        return Criteria(
            country=query.get("country") or "US",
            toll_free=query.get("toll_free") == "on",
            area_code=query.get("area_code") or None,
            contains=contains,
            region=region,
            locality=locality,
        )

    async def _page(
        self, request: Request, visitor: Visitor, *, error: str | None = None, status: int = 200
    ) -> Response:
        query = {
            name: request.query_params.get(name, "").strip()
            for name in ("area_code", "contains", "region", "locality", "toll_free", "country")
        }
        if query["country"] not in geography.COUNTRIES:
            query["country"] = "US"
        found: list[Any] | None = None
        searched = (
            any(
                query[name] for name in ("area_code", "contains", "region", "locality", "toll_free")
            )
            or "search" in request.query_params
        )
        if searched and error is None:
            try:
                criteria = self._criteria(query)
                found = await search.available(
                    self.site.db, criteria, size=20, supply=self.site.supply
                )
            except ValueError as problem:
                error, status = str(problem), 400
            except ProvisioningError as problem:
                error, status = words.refusal(problem, request.url.path), 400
        context = {
            "title": "Buy a number",
            "query": query,
            "found": found,
            "error": error,
            "countries": geography.COUNTRIES,
        }
        return self.site.render(request, "buy.html", context, visitor=visitor, status=status)

    async def show(self, request: Request, visitor: Visitor) -> Response:
        return await self._page(request, visitor)

    async def buy(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        phone_number = str(form.get("phone_number") or "").strip() or None
        area_code = str(form.get("area_code") or "").strip() or None
        try:
            number = await numbers.purchase(
                self.site.db,
                visitor.project_id,
                phone_number=phone_number,
                area_code=None if phone_number else area_code,
                supply=self.site.supply,
                flavor=self.site.flavor,
            )
        except ProvisioningError as error:
            return await self._page(
                request, visitor, error=words.refusal(error, request.url.path), status=400
            )
        return RedirectResponse(f"{PREFIX}/numbers/{number.sid}?bought=1", 303)
