"""Routes of the AvailablePhoneNumbers resource: the countries offered, and number search.

A search answers up to PageSize random matches with no way to a next page, as SignalWire does:
asking again gives other numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from numbersmith.api import forms, paging
from numbersmith.api.auth import Authenticator
from numbersmith.api.errors import INVALID_PARAMETER, INVALID_SEARCH_PARAMETER, ApiError, not_found
from numbersmith.api.representation import (
    BASE_PATH,
    SIGNALWIRE_REPRESENTATION,
    Representation,
    SearchResultShape,
    json_response,
)
from numbersmith.api.routing import SUFFIX, resource
from numbersmith.numbering import geography, keypad
from numbersmith.numbering.candidates import Candidate, Criteria, Details
from numbersmith.provisioning import search
from numbersmith.provisioning.supply import SYNTHETIC, Supply
from numbersmith.store import Database

SCOPE = "numbers"
RESOURCE = "AvailablePhoneNumbers"
#: The number types each country offers: the path segment and its subresource_uris key.
KINDS = {"Local": "local", "TollFree": "toll_free"}


def available_numbers_path(account_sid: str, base_path: str = BASE_PATH) -> str:
    return f"{base_path}/Accounts/{account_sid}/{RESOURCE}"


def country(account_sid: str, code: str, base_path: str = BASE_PATH) -> dict[str, Any]:
    path = f"{available_numbers_path(account_sid, base_path)}/{code}"
    return {
        "country_code": code,
        "country": geography.COUNTRIES[code],
        "uri": path + ".json",
        "beta": False,
        "subresource_uris": {key: f"{path}/{segment}.json" for segment, key in KINDS.items()},
    }


def available_numbers(
    found: list[Candidate], shape: SearchResultShape = SIGNALWIRE_REPRESENTATION.search_result
) -> orjson.Fragment:
    """The JSON array of search results. Every key is always present, null when unknown:
    signalwire 2.x reads them with ``payload[key]``.

    Only a number's own two keys are rendered per number; the rest is rendered once per
    Details object and reused by every number sharing it: building and serialising the whole
    object per result was most of what a search cost. The array is joined as text and encoded
    once, which costs a third less than a fragment per result.
    """
    shared: dict[int, str] = {}  # by id(): the results hold their Details alive meanwhile
    rendered = []
    last, keys = None, ""
    for e164, details in found:  # e164: digits and a +, nothing in it needs escaping
        if details is not last:  # neighbours mostly share theirs (one exchange's, one place's)
            last = details
            keys = shared.get(id(details)) or shared.setdefault(
                id(details), _shared_keys(details, shape)
            )
        rendered.append(
            f'{{"friendly_name":"({e164[2:5]}) {e164[5:8]}-{e164[8:]}",'
            f'"phone_number":"{e164}",{keys}'
        )
    return orjson.Fragment(f"[{','.join(rendered)}]".encode())


@functools.lru_cache(maxsize=16_384)
def _shared_keys(details: Details, shape: SearchResultShape) -> str:
    """The keys after ``phone_number``, to the closing brace."""
    rendered = orjson.dumps(
        {
            "lata": details.lata,
            "locality": details.locality,
            "rate_center": details.rate_center,
            "latitude": None,
            "longitude": None,
            "region": details.region,
            "postal_code": None,
            "iso_country": details.iso_country,
            # What the number will have once bought, keyed as the flavour's schema keys a
            # search result.
            "capabilities": dict(zip(shape.capability_keys, details.capabilities, strict=False)),
            "beta": False,
            **dict(shape.constant_fields),
        }
    )
    return rendered[1:].decode()  # without the opening brace


#: Filters that ask for a capability when true; false asks for nothing (SignalWire's reading).
_CAPABILITY_FILTERS = {
    "voice_enabled": "voice",
    "sms_enabled": "sms",
    "mms_enabled": "mms",
    "fax_enabled": "fax",
}


def _text(given: Mapping[str, Any], setting: str) -> str | None:
    """A string filter's value; a blank one counts as not given."""
    value = given.get(setting)
    return value.strip() if value is not None and value.strip() else None


def search_criteria(
    query: Mapping[str, str], country_code: str, *, toll_free: bool
) -> tuple[Criteria, list[tuple[str, str]]]:
    """The search's criteria, and the (wire name, value) pairs to repeat in the page URI."""
    for parameter in forms.UNSUPPORTED_SEARCH_FILTERS:
        if parameter.wire in query:
            raise ApiError(400, INVALID_SEARCH_PARAMETER, f"{parameter.wire} is not supported")
    # Decoding checks every filter, including those that cannot exclude a synthetic number
    # (capabilities, address requirements, Beta): a malformed boolean is still refused.
    given = forms.decode(forms.SEARCH_FILTERS, query)
    echoed = [(p.wire, query[p.wire]) for p in forms.SEARCH_FILTERS if p.wire in query]
    contains = _text(given, "contains")
    if contains is not None:
        try:
            contains = keypad.to_digits(contains)
        except keypad.InvalidPattern as exc:
            raise ApiError(
                400, INVALID_PARAMETER, f"Contains must be up to 10 digits, letters or * ({exc})"
            ) from exc
    region = _text(given, "in_region")
    if region is not None:
        code = geography.region_code(region)
        if code is None:
            raise ApiError(
                400,
                INVALID_PARAMETER,
                "InRegion must be the two-letter code of a US state or Canadian province",
            )
        region = code
    locality = _text(given, "in_locality")
    if locality is not None and region is None:
        raise ApiError(400, INVALID_SEARCH_PARAMETER, "InLocality requires InRegion")
    criteria = Criteria(
        country=country_code,
        toll_free=toll_free,
        area_code=given.get("area_code"),
        contains=contains,
        region=region,
        locality=locality,
        capabilities=frozenset(
            capability for setting, capability in _CAPABILITY_FILTERS.items() if given.get(setting)
        ),
    )
    return criteria, echoed


@functools.lru_cache(maxsize=1024)
def _search_request(
    query_string: bytes, country_code: str, toll_free: bool
) -> tuple[Criteria, tuple[tuple[str, str], ...], paging.PageRequest]:
    """A search's criteria, the filters to repeat in its URI, and its page, from its query
    string. Remembered: clients send the same few searches again and again (polling for a
    number in an area code), and reading one anew cost more than a tenth of a search. A query
    that is refused raises each time."""
    query = dict(QueryParams(query_string))
    criteria, echoed = search_criteria(query, country_code, toll_free=toll_free)
    page = paging.page_request({name: query[name] for name in ("PageSize",) if name in query})
    return criteria, tuple(echoed), page


def _country_code(request: Request) -> str:
    code: str = request.path_params["iso_country"].removesuffix(".json").upper()
    if code not in geography.COUNTRIES:
        raise not_found(request.url.path)
    return code


class AvailablePhoneNumbers:
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
        self.flavor = representation.flavor
        self.base_path = representation.base_path
        self.search_result = representation.search_result

    async def countries(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        # SignalWire's list of countries is not paged: just its URI and the countries.
        body = {
            "uri": available_numbers_path(project, self.base_path) + ".json",
            "countries": [country(project, code, self.base_path) for code in geography.COUNTRIES],
        }
        return json_response(body)

    async def country(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        return json_response(country(project, _country_code(request), self.base_path))

    async def local(self, request: Request) -> Response:
        return await self._search(request, toll_free=False)

    async def toll_free(self, request: Request) -> Response:
        return await self._search(request, toll_free=True)

    async def _search(self, request: Request, *, toll_free: bool) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        code = _country_code(request)
        criteria, echoed, page = _search_request(request.scope["query_string"], code, toll_free)
        found = await search.available(self.db, criteria, size=page.size, supply=self.supply)
        segment = "TollFree" if toll_free else "Local"
        # Not a page: SignalWire answers a search with its URI and the numbers alone.
        body = {
            "uri": paging.page_uri(
                f"{available_numbers_path(project, self.base_path)}/{code}/{segment}.json",
                echoed,
                page,
            ),
            "available_phone_numbers": available_numbers(found, self.search_result),
        }
        return json_response(body)

    def routes(self) -> list[Route]:
        collection = f"{self.flavor.route_prefix}/Accounts/{{account_sid}}/{RESOURCE}"
        instance = collection + "/{iso_country}"
        # No two patterns overlap, so the ones clients call most come first.
        return [
            resource(instance + "/Local" + SUFFIX, GET=self.local),
            resource(instance + "/TollFree" + SUFFIX, GET=self.toll_free),
            resource(collection + SUFFIX, GET=self.countries),
            resource(instance, GET=self.country),
        ]
