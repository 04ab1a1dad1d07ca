"""SignalWire's published OpenAPI document, which every response of its routes is held to.

The document stays outside the repository, in ``shared/reference/`` beside the checkout (or
beside one of its parent directories): its licence (CC BY-NC-SA) keeps its text out of the
product, and a test suite that cannot find it fails rather than skip the checks.

A response is checked against the schema the document gives its route, method and status, with
the deviations of ``numbersmith.api.deviations`` applied, using a JSON Schema validator
(Draft 2020-12, which the document's ``unevaluatedProperties`` needs). Any refusal (status 400
and above) on a path under the API's prefixes is held to the document's error schema, whether or
not the document lists that status for the route.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any, Protocol

import httpx
import orjson
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from numbersmith.api.deviations import DEVIATIONS, Deviation

DOCUMENT_NAME = "signalwire-compat-numbers.openapi.yaml"
REPOSITORY = Path(__file__).resolve().parents[2]

#: The routes whose responses are checked, as the published document writes its paths (they
#: follow the version prefix, ``/2010-04-01`` or ``/api/laml/2010-04-01``). The schema of each
#: response is the one the document gives the route's method and status, so checking a route
#: numbersmith newly serves is one line here.
CHECKED_ROUTES: tuple[str, ...] = (
    "/Accounts/{AccountSid}/IncomingPhoneNumbers",
    "/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{IsoCountry}",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{IsoCountry}/Local",
    "/Accounts/{AccountSid}/AvailablePhoneNumbers/{IsoCountry}/TollFree",
    "/Accounts/{AccountSid}/Applications",
    "/Accounts/{AccountSid}/Applications/{Sid}",
)

#: The schema of every refusal.
ERROR_SCHEMA = "CompatibilityErrorResponse"
_PREFIX = r"(?:/api/laml)?/2010-04-01"
_DOCUMENT_URI = "urn:signalwire:compatibility-api"


def candidates() -> list[Path]:
    """Where the document may be, nearest first: ``shared/reference/`` beside the checkout, then
    beside each of its parent directories."""
    return [directory / "shared" / "reference" / DOCUMENT_NAME for directory in REPOSITORY.parents]


def document_path() -> Path:
    """Where the published document is (see candidates). Fails, saying where it looked, when it
    is nowhere."""
    looked = []
    for candidate in candidates():
        if candidate.is_file():
            return candidate
        looked.append(str(candidate))
    raise FileNotFoundError(
        f"SignalWire's published OpenAPI document {DOCUMENT_NAME} was not found; every response "
        "is checked against it, so the tests cannot run without it. Looked at: " + ", ".join(looked)
    )


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def with_deviations(schemas: dict[str, Any], deviations: tuple[Deviation, ...]) -> dict[str, Any]:
    """The document's component schemas with our deviations applied: a renamed field under its
    new name, an extra field as a property of its own. Both are then required, so a deviation
    that responses no longer show fails too, as does one naming what the document lacks."""
    schemas = copy.deepcopy(schemas)
    for deviation in deviations:
        for name in deviation.schemas:
            schema = schemas[name]
            properties, required = schema["properties"], schema["required"]
            if deviation.renames is not None:
                properties[deviation.field] = properties.pop(deviation.renames)
                if deviation.renames in required:
                    required.remove(deviation.renames)
            else:
                assert deviation.field not in properties, f"{name} has {deviation.field} already"
                properties[deviation.field] = dict(deviation.value or {})
            required.append(deviation.field)
    return schemas


class PublishedSchema:
    """The document, with our deviations applied, ready to validate responses."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self._registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for route in CHECKED_ROUTES:
            assert route in document["paths"], f"the document has no route {route}"
            # A parameter is one path segment; the last segment may carry .json.
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+?", re.escape(route))
            self._routes.append((re.compile(rf"{_PREFIX}{pattern}(?:\.json)?"), route))

    @classmethod
    def load(cls, path: Path, deviations: tuple[Deviation, ...] = DEVIATIONS) -> PublishedSchema:
        document = copy.deepcopy(_read(path))
        components = document["components"]
        components["schemas"] = with_deviations(components["schemas"], deviations)
        return cls(document)

    def validator(self, schema_name: str) -> Draft202012Validator:
        validator = self._validators.get(schema_name)
        if validator is None:
            assert schema_name in self.document["components"]["schemas"], schema_name
            validator = self._validators[schema_name] = Draft202012Validator(
                {"$ref": f"{_DOCUMENT_URI}#/components/schemas/{schema_name}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return validator

    def schema_name(self, method: str, path: str, status: int) -> str | None:
        """The name of the schema a response must match; None when it has no body (204) or
        is not checked (a route not listed in CHECKED_ROUTES, numbersmith's own routes).
        ValueError when the document gives the route no such success."""
        route = next((route for pattern, route in self._routes if pattern.fullmatch(path)), None)
        if status >= 400:
            return ERROR_SCHEMA if route is not None or re.match(rf"{_PREFIX}/", path) else None
        if route is None:
            return None
        operation = self.document["paths"][route].get(method.lower())
        if operation is None:
            raise ValueError(f"answered {status} to {method}, which the document does not have")
        published = operation["responses"].get(str(status))
        if published is None:
            raise ValueError(
                f"answered {status}, which the document does not give {method} {route} "
                f"(it gives {', '.join(operation['responses'])})"
            )
        if "content" not in published:
            return None
        reference = published["content"]["application/json"]["schema"]["$ref"]
        return str(reference).removeprefix("#/components/schemas/")

    def mismatch(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> str | None:
        """Why this response does not match the published schema; None when it does or is not
        checked."""
        if method == "HEAD":
            return None
        try:
            name = self.schema_name(method, path, status)
        except ValueError as unpublished:
            return str(unpublished)
        if name is None:
            if status == 204 and body:
                return f"{status} with a body: {body[:200]!r}"
            return None
        return json_mismatch(self.validator(name), content_type, body, f"the published {name}")

    def check(self, response: httpx.Response) -> None:
        """Fail unless ``response`` matches the published schema (or is not checked)."""
        check_response(self, response)


class Checker(Protocol):
    def mismatch(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> str | None: ...


def json_mismatch(
    validator: Draft202012Validator, content_type: str, body: bytes, what: str
) -> str | None:
    """What is wrong with a JSON answer's body against ``validator``, or None."""
    if not content_type.startswith("application/json"):
        return f"content-type is {content_type!r}, not JSON"
    try:
        instance = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"the body is not JSON: {body[:200]!r}"
    error = best_match(validator.iter_errors(instance))
    if error is None:
        return None
    where = "".join(f"[{part!r}]" for part in error.absolute_path) or "the body"
    return f"does not match {what}: at {where}, {error.message}"


def check_response(checker: Checker, response: httpx.Response) -> None:
    """Fail unless ``checker`` finds nothing wrong with ``response``."""
    request = response.request
    problem = checker.mismatch(
        request.method,
        request.url.path,
        response.status_code,
        response.headers.get("content-type", ""),
        response.content,
    )
    assert problem is None, (
        f"{request.method} {request.url.path} -> {response.status_code} {problem}"
    )


@functools.cache
def published() -> PublishedSchema:
    """The published document, loaded once a session."""
    return PublishedSchema.load(document_path())
