"""Routes of the IncomingPhoneNumbers resource: create, list, fetch, update, release."""

from __future__ import annotations

import builtins
import functools
import re

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from numbersmith.api import forms, paging
from numbersmith.api.auth import Authenticator
from numbersmith.api.errors import INVALID_PHONE_NUMBER, ApiError
from numbersmith.api.representation import (
    SIGNALWIRE_REPRESENTATION,
    RenderedNumbers,
    Representation,
    json_response,
)
from numbersmith.api.routing import SUFFIX, resource
from numbersmith.provisioning import errors as numbers_errors
from numbersmith.provisioning import magic_numbers, numbers
from numbersmith.provisioning.supply import SYNTHETIC, Supply
from numbersmith.store import Database
from numbersmith.store.numbers import ListFilter

SCOPE = "numbers"
_FORMATTING = re.compile(r"[\s().-]")
_PATTERN = re.compile(r"\+?[0-9*]{1,15}")


def _sid(request: Request) -> str:
    sid: str = request.path_params["sid"].removesuffix(".json")
    if len(sid) > 64 or "\x00" in sid:
        # No number has such a sid, and PostgreSQL refuses NUL in a string parameter.
        raise numbers_errors.NumberNotFound(sid)
    return sid


def list_filter(query: dict[str, str]) -> tuple[ListFilter, list[tuple[str, str]]]:
    """The list's filters, and the (wire name, value) pairs to repeat in page URIs."""
    given = forms.decode(forms.LIST_FILTERS, query)
    echoed = [(p.wire, query[p.wire]) for p in forms.LIST_FILTERS if p.wire in query]
    pattern = None
    if "phone_number" in given:
        text = _FORMATTING.sub("", given["phone_number"])
        if not _PATTERN.fullmatch(text):
            raise ApiError(
                400,
                INVALID_PHONE_NUMBER,
                "PhoneNumber must be digits, optionally with a leading + and * wildcards",
            )
        # A leading + anchors the pattern at the start; otherwise it may match anywhere.
        like = text.replace("*", "_")
        pattern = like + "%" if like.startswith("+") else "%" + like + "%"
    return (
        ListFilter(
            phone_number=pattern,
            friendly_name=given.get("friendly_name"),
            beta=given.get("beta"),
            origin=given.get("origin"),
        ),
        echoed,
    )


@functools.lru_cache(maxsize=1024)
def _list_request(
    query_string: bytes,
) -> tuple[ListFilter, tuple[tuple[str, str], ...], paging.PageRequest]:
    """A list's filters, the filters to repeat in its page URIs, and its page, from its query
    string. Remembered: clients page through the same few lists, and reading a query anew cost
    a twentieth of a list. A query that is refused raises each time."""
    query = dict(QueryParams(query_string))
    filters, echoed = list_filter(query)
    return filters, tuple(echoed), paging.page_request(query)


class IncomingPhoneNumbers:
    """The resource's endpoints, bound to one database."""

    def __init__(
        self,
        db: Database,
        auth: Authenticator,
        supply: Supply = SYNTHETIC,
        representation: Representation = SIGNALWIRE_REPRESENTATION,
    ) -> None:
        self.db = db
        self.auth = auth
        self.supply = supply
        self.representation = representation
        self.flavor = representation.flavor
        self.rendered = RenderedNumbers(represent=representation.incoming_number)

    async def create(self, request: Request) -> Response:
        project, test = await self.auth.authorize_purchase(
            request, request.path_params["account_sid"], SCOPE
        )
        form = await forms.read_form(request)
        given = forms.decode(forms.PURCHASE, form)
        phone_number = given.pop("phone_number", None)
        area_code = given.pop("area_code", None)
        if test:
            pretended = magic_numbers.pretend_purchase(
                project,
                phone_number=phone_number,
                area_code=area_code,
                settings=given,
                flavor=self.flavor,
            )
            return json_response(self.representation.incoming_number(pretended), 201)
        number = await numbers.purchase(
            self.db,
            project,
            phone_number=phone_number,
            area_code=area_code,
            settings=given,
            supply=self.supply,
            flavor=self.flavor,
        )
        return json_response(self.rendered.render(number), 201)

    async def list(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        filters, echoed, page = _list_request(request.scope["query_string"])
        found, more = await numbers.page(
            self.db,
            project,
            filters,
            size=page.size,
            after=page.after,
            before=page.before,
            known=self.rendered.get,
        )
        records = [
            orjson.Fragment(entry if isinstance(entry, bytes) else self.rendered.render(entry))
            for _, entry in found
        ]
        body = paging.envelope(
            path=self.representation.incoming_numbers_path(project) + ".json",
            records_key="incoming_phone_numbers",
            records=records,
            row_ids=[row_id for row_id, _ in found],
            request=page,
            filters=echoed,
            has_newer=more if page.before is not None else page.after is not None,
            has_older=True if page.before is not None else more,
            bounds=self.representation.page_bounds,
        )
        return json_response(body)

    async def fetch(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        number = await numbers.fetch(self.db, project, _sid(request), known=self.rendered.get)
        return json_response(number if isinstance(number, bytes) else self.rendered.render(number))

    async def update(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        form = await forms.read_form(request)
        number = await numbers.update(
            self.db, project, _sid(request), forms.decode(forms.SETTINGS, form)
        )
        return json_response(self.rendered.render(number))

    async def release(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        await numbers.release(self.db, project, _sid(request))
        return Response(status_code=204)

    def routes(self) -> builtins.list[Route]:
        prefix = self.representation.flavor.route_prefix
        collection = f"{prefix}/Accounts/{{account_sid}}/IncomingPhoneNumbers"
        return [
            resource(collection + SUFFIX, GET=self.list, POST=self.create),
            # The sid segment may end in .json; _sid strips it.
            resource(collection + "/{sid}", GET=self.fetch, POST=self.update, DELETE=self.release),
        ]
