"""Routes of simulated inbound traffic: deliver a message or place a call to a number of the
project, read back what happened, and page through every webhook request made.

numbersmith's own routes, under ``/api/numbersmith/v1``: neither vendor has them.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from numbersmith.api import forms, paging
from numbersmith.api.auth import Authenticator
from numbersmith.api.errors import (
    BODY_TOO_LONG,
    INVALID_FROM,
    INVALID_PARAMETER,
    INVALID_TO,
    INVALID_URL,
    TOO_MANY_MEDIA,
    ApiError,
    not_found,
)
from numbersmith.api.representation import json_response
from numbersmith.api.routing import resource
from numbersmith.numbering.e164 import InvalidNumber, normalise
from numbersmith.store.journal import DeliveryFilter
from numbersmith.traffic import simulation
from numbersmith.traffic.interpreter import CallerScript
from numbersmith.traffic.simulation import Exchange, Simulator

SCOPE = "numbers"
PREFIX = "/api/numbersmith/v1/Accounts/{account_sid}"
_MAX_SID = 64


def exchange_path(account_sid: str, kind: str, sid: str) -> str:
    collection = "InboundMessages" if kind == "message" else "InboundCalls"
    return f"/api/numbersmith/v1/Accounts/{account_sid}/{collection}/{sid}"


def _body(exchange: Exchange, kind: str) -> dict[str, Any]:
    return {
        **exchange.record,
        "deliveries": exchange.deliveries,
        "uri": exchange_path(exchange.record["account_sid"], kind, exchange.sid),
    }


def _refusal(error: simulation.TrafficError, path: str) -> ApiError:
    """The wire form of a simulation refused before anything was delivered."""
    match error:
        case simulation.NotOurNumber():
            return not_found(path)
        case simulation.InvalidTo():
            return ApiError(400, INVALID_TO, f"To {error} is not a valid phone number")
        case simulation.ReceivesFax():
            return ApiError(
                400, INVALID_TO, f"To {error} receives faxes (VoiceReceiveMode is fax), not calls"
            )
        case simulation.InvalidFrom():
            return ApiError(400, INVALID_FROM, f"From {error} is not a valid phone number")
        case simulation.BodyTooLong():
            return ApiError(
                400,
                BODY_TOO_LONG,
                f"Body is {error} characters long; at most {simulation.MAX_BODY} are allowed",
            )
        case simulation.TooManyMedia():
            return ApiError(
                400,
                TOO_MANY_MEDIA,
                f"{error} media URLs given; at most {simulation.MAX_MEDIA} are allowed",
            )
        case simulation.InvalidMediaUrl():
            return ApiError(
                400,
                INVALID_URL,
                f"MediaUrl {error} is not a valid, fully-qualified http or https URL",
            )
    raise TypeError(f"no wire form for {type(error).__name__}")  # pragma: no cover


async def _parameters(
    request: Request, catalogue: tuple[forms.Parameter, ...]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The single parameters and the repeated ones of a simulation request."""
    single: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    known = {parameter.wire for parameter in catalogue}
    for name, value in await forms.read_form_items(request):
        if name not in known:
            continue  # unknown parameters are ignored, as everywhere
        if "\x00" in value:
            raise ApiError(400, INVALID_PARAMETER, f"{name} must not contain NUL characters")
        if name in forms.REPEATABLE:
            repeated.setdefault(name, []).append(value)
        else:
            single[name] = value
    if "To" not in single:
        raise ApiError(400, INVALID_TO, "To is required: a number of the project, in E.164 form")
    return single, repeated


@functools.lru_cache(maxsize=256)
def _delivery_request(
    query_string: bytes,
) -> tuple[DeliveryFilter, tuple[tuple[str, str], ...], paging.PageRequest]:
    query = dict(QueryParams(query_string))
    given = forms.decode(forms.DELIVERY_FILTERS, query)
    echoed = tuple((p.wire, query[p.wire]) for p in forms.DELIVERY_FILTERS if p.wire in query)
    phone_number = given.get("phone_number")
    if phone_number is not None:
        try:
            phone_number = normalise(phone_number)
        except InvalidNumber as exc:
            raise ApiError(
                400, INVALID_TO, f"PhoneNumber {phone_number} is not a valid phone number"
            ) from exc
    exchange_sid = given.get("exchange_sid")
    if exchange_sid is not None and len(exchange_sid) > _MAX_SID:
        raise ApiError(
            400, INVALID_PARAMETER, f"ExchangeSid must be at most {_MAX_SID} characters long"
        )
    filters = DeliveryFilter(phone_number=phone_number, exchange_sid=exchange_sid)
    return filters, echoed, paging.page_request(query)


class Traffic:
    """The simulator's endpoints and the journal's, bound to one simulator."""

    def __init__(self, simulator: Simulator, auth: Authenticator) -> None:
        self.simulator = simulator
        self.auth = auth

    async def send_message(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        single, repeated = await _parameters(request, forms.INBOUND_MESSAGE)
        try:
            exchange = await self.simulator.message(
                project,
                to=single["To"],
                from_=single.get("From") or None,
                body=single.get("Body", ""),
                media=repeated.get("MediaUrl", []),
            )
        except simulation.TrafficError as error:
            raise _refusal(error, request.url.path) from error
        return json_response(_body(exchange, "message"), 201)

    async def place_call(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        single, repeated = await _parameters(request, forms.INBOUND_CALL)
        try:
            script = CallerScript(
                digits=tuple(repeated.get("Digits", ())),
                speech=tuple(repeated.get("SpeechResult", ())),
                dial=tuple(repeated.get("DialCallStatus", ())),
            )
        except ValueError as exc:  # keys other than 0-9 * #, an outcome of no Dial
            raise ApiError(400, INVALID_PARAMETER, str(exc)) from exc
        try:
            exchange = await self.simulator.call(
                project,
                to=single["To"],
                from_=single.get("From") or None,
                script=script,
                caller_name=single.get("CallerName") or None,
                forwarded_from=single.get("ForwardedFrom") or None,
            )
        except simulation.TrafficError as error:
            raise _refusal(error, request.url.path) from error
        return json_response(_body(exchange, "call"), 201)

    async def _fetch(self, request: Request, kind: str) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        sid = request.path_params["sid"].removesuffix(".json")
        exchange = None
        if len(sid) <= _MAX_SID and "\x00" not in sid:
            exchange = await self.simulator.exchange(project, kind, sid)
        if exchange is None:
            raise not_found(request.url.path)
        return json_response(_body(exchange, kind))

    async def fetch_message(self, request: Request) -> Response:
        return await self._fetch(request, "message")

    async def fetch_call(self, request: Request) -> Response:
        return await self._fetch(request, "call")

    async def deliveries(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        filters, echoed, page = _delivery_request(request.scope["query_string"])
        rows, more = await self.simulator.deliveries(
            project, filters, size=page.size, after=page.after, before=page.before
        )
        records = orjson.Fragment(b"[" + ",".join(record for _, record in rows).encode() + b"]")
        body = paging.envelope(
            path=f"/api/numbersmith/v1/Accounts/{project}/Deliveries",
            records_key="deliveries",
            records=records,
            row_ids=[row_id for row_id, _ in rows],
            request=page,
            filters=echoed,
            has_newer=more if page.before is not None else page.after is not None,
            has_older=True if page.before is not None else more,
        )
        return json_response(body)

    def routes(self) -> list[Route]:
        return [
            resource(PREFIX + "/InboundMessages{suffix:json}", POST=self.send_message),
            resource(PREFIX + "/InboundMessages/{sid}", GET=self.fetch_message),
            resource(PREFIX + "/InboundCalls{suffix:json}", POST=self.place_call),
            resource(PREFIX + "/InboundCalls/{sid}", GET=self.fetch_call),
            resource(PREFIX + "/Deliveries{suffix:json}", GET=self.deliveries),
        ]
