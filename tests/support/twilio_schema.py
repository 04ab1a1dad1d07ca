"""Twilio's published OpenAPI document (the 2010-04-01 numbers excerpt), which every response of
a Twilio-flavoured server is held to, exactly.

Like SignalWire's (``published_schema``), the document stays outside the repository, in
``shared/reference/`` beside the checkout. Twilio's objects do not forbid properties they do
not name, and mark optional what its API always sends, so "exactly" is made explicit here: every
object of a checked response must have every property its schema names and no other, except
that a search for available numbers answers its URI and the numbers alone (as Twilio's own
example of it does) and may leave out the page keys. OpenAPI 3.0's ``nullable`` is read as JSON
Schema's ``null`` type.

The excerpt has no Applications and no error schema: those are held to the fields of Twilio's
Application resource and to the four keys of its errors, written out below.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from support.published_schema import REPOSITORY, check_response, json_mismatch

DOCUMENT_NAME = "twilio-api-v2010-numbers.openapi.json"
_PREFIX = "/2010-04-01"

#: The routes checked, as the document writes them after the prefix.
CHECKED_ROUTES: tuple[str, ...] = (
    "/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
    "/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers.json",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}.json",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/TollFree.json",
)
#: Page keys a search may leave out.
_SEARCH_PAGE_KEYS = (
    "end",
    "first_page_uri",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
)

_NULLABLE_STRING = {"type": ["string", "null"]}
#: Twilio's Application resource, as its API reference and helper libraries give it.
APPLICATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "account_sid": {"type": "string", "pattern": "^AC[0-9a-f]{32}$"},
        "api_version": {"type": "string"},
        "date_created": {"type": "string"},
        "date_updated": {"type": "string"},
        "friendly_name": _NULLABLE_STRING,
        "message_status_callback": _NULLABLE_STRING,
        "sid": {"type": "string", "pattern": "^AP[0-9a-f]{32}$"},
        "sms_fallback_method": {"enum": ["GET", "POST"]},
        "sms_fallback_url": _NULLABLE_STRING,
        "sms_method": {"enum": ["GET", "POST"]},
        "sms_status_callback": _NULLABLE_STRING,
        "sms_url": _NULLABLE_STRING,
        "status_callback": _NULLABLE_STRING,
        "status_callback_method": {"enum": ["GET", "POST"]},
        "uri": {"type": "string"},
        "voice_caller_id_lookup": {"type": "boolean"},
        "voice_fallback_method": {"enum": ["GET", "POST"]},
        "voice_fallback_url": _NULLABLE_STRING,
        "voice_method": {"enum": ["GET", "POST"]},
        "voice_url": _NULLABLE_STRING,
        "public_application_connect_enabled": {"type": ["boolean", "null"]},
    },
}
ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "more_info": {"type": "string"},
        "status": {"type": "integer"},
    },
}


def _page(records_key: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "end": {"type": "integer"},
            "first_page_uri": {"type": "string"},
            "next_page_uri": _NULLABLE_STRING,
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "previous_page_uri": _NULLABLE_STRING,
            "start": {"type": "integer"},
            "uri": {"type": "string"},
            records_key: {"type": "array", "items": item},
        },
    }


def document_path() -> Path:
    looked = []
    for directory in REPOSITORY.parents:
        candidate = directory / "shared" / "reference" / DOCUMENT_NAME
        if candidate.is_file():
            return candidate
        looked.append(str(candidate))
    raise FileNotFoundError(
        f"Twilio's published OpenAPI document {DOCUMENT_NAME} was not found; every response of "
        "a Twilio-flavoured server is checked against it. Looked at: " + ", ".join(looked)
    )


def exact(schema: Any, components: dict[str, Any], *, optional: tuple[str, ...] = ()) -> Any:
    """``schema`` with its references resolved, ``nullable`` as a null type, and every object
    that names properties requiring them all (but ``optional``) and refusing any other."""
    if isinstance(schema, list):
        return [exact(item, components) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return exact(components[schema["$ref"].removeprefix("#/components/schemas/")], components)
    result = {
        key: exact(value, components)
        for key, value in schema.items()
        if key not in ("nullable", "format", "examples", "example", "description")
    }
    if (key_type := result.get("type")) and schema.get("nullable"):
        result["type"] = [key_type, "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    if "properties" in schema:
        result["properties"] = {
            name: exact(value, components) for name, value in schema["properties"].items()
        }
        result["required"] = [name for name in schema["properties"] if name not in optional]
        result["additionalProperties"] = False
    return result


class TwilioSchema:
    """The document's schemas made exact, ready to validate responses."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        components = document["components"]["schemas"]
        self._schemas: dict[tuple[str, str, int], dict[str, Any]] = {}
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for route in CHECKED_ROUTES:
            path = _PREFIX + route
            assert path in document["paths"], f"the document has no route {route}"
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+?", re.escape(route.removesuffix(".json")))
            self._routes.append((re.compile(rf"{_PREFIX}{pattern}(?:\.json)?"), route))
            is_search = route.endswith(("Local.json", "TollFree.json"))
            optional = _SEARCH_PAGE_KEYS if is_search else ()
            for method, operation in document["paths"][path].items():
                if method not in ("get", "post", "delete"):
                    continue
                for status, response in operation["responses"].items():
                    content = response.get("content", {}).get("application/json")
                    self._schemas[(route, method.upper(), int(status))] = (
                        exact(content["schema"], components, optional=optional) if content else {}
                    )
        application = exact(APPLICATION, {})
        for route, schemas in (
            ("/Accounts/{AccountSid}/Applications", {("POST", 201): application}),
            (
                "/Accounts/{AccountSid}/Applications/{Sid}",
                {("GET", 200): application, ("POST", 200): application, ("DELETE", 204): {}},
            ),
        ):
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+?", re.escape(route))
            self._routes.append((re.compile(rf"{_PREFIX}{pattern}(?:\.json)?"), route))
            for (method, status), schema in schemas.items():
                self._schemas[(route, method, status)] = schema
        self._schemas[("/Accounts/{AccountSid}/Applications", "GET", 200)] = exact(
            _page("applications", APPLICATION), {}
        )
        self._error = exact(ERROR, {})

    def schema(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        route = next((route for pattern, route in self._routes if pattern.fullmatch(path)), None)
        if status >= 400:
            return self._error if route is not None or path.startswith(_PREFIX + "/") else None
        if route is None:
            return None
        schema = self._schemas.get((route, method, status))
        if schema is None:
            raise ValueError(f"answered {status} to {method} {route}, which the document lacks")
        return schema

    def mismatch(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> str | None:
        if method == "HEAD":
            return None
        try:
            schema = self.schema(method, path, status)
        except ValueError as unpublished:
            return str(unpublished)
        if schema is None:
            return None
        if not schema:  # no body (204)
            return f"{status} with a body: {body[:200]!r}" if body else None
        return json_mismatch(
            Draft202012Validator(schema), content_type, body, "Twilio's published schema"
        )

    def check(self, response: httpx.Response) -> None:
        check_response(self, response)


@functools.cache
def twilio_published() -> TwilioSchema:
    return TwilioSchema(copy.deepcopy(json.loads(document_path().read_text(encoding="utf-8"))))
