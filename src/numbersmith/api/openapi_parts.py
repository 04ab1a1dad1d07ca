"""Pieces every operation of the OpenAPI document is made of: parameters, bodies, answers and
the refusals most routes share."""

from __future__ import annotations

from typing import Any

from numbersmith.api import errors, forms
from numbersmith.provisioning.model import METHODS, RECEIVE_MODES

PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "method": {"type": "string", "enum": sorted(METHODS)},
    "boolean": {"type": "boolean"},
    "receive_mode": {"type": "string", "enum": sorted(RECEIVE_MODES)},
    "integer": {"type": "integer"},
}


def error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def answer(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def form_body(
    parameters: tuple[forms.Parameter, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    properties = {}
    for parameter in parameters:
        schema = dict(PARAMETER_SCHEMAS[parameter.kind], description=parameter.description)
        if parameter.example:
            schema["example"] = parameter.example
        properties[parameter.wire] = schema
    body: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        body["required"] = list(required)
    return {
        "required": bool(required),
        "content": {"application/x-www-form-urlencoded": {"schema": body}},
    }


def query(parameters: tuple[forms.Parameter, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.wire,
            "in": "query",
            "required": False,
            "description": p.description,
            "schema": PARAMETER_SCHEMAS[p.kind],
        }
        for p in parameters
    ]


COMMON_ERRORS = {
    "401": error(
        f"Authentication failed, or the token lacks the numbers scope ({errors.AUTHENTICATION_FAILED})."
    ),
    "404": error(f"No such resource ({errors.NOT_FOUND})."),
    "405": error(f"Method not allowed ({errors.METHOD_NOT_ALLOWED})."),
    "503": error(
        f"The database cannot be reached or cannot store changes at the moment"
        f" ({errors.SERVICE_UNAVAILABLE}); try again after Retry-After seconds."
    ),
}
BODY_ERRORS = {
    "400": error(
        "Invalid input: "
        + ", ".join(
            str(code)
            for code in (
                errors.INVALID_PARAMETER,
                errors.INVALID_FRIENDLY_NAME,
                errors.INVALID_METHOD,
                errors.INVALID_PHONE_NUMBER,
                errors.INVALID_URL,
                errors.APPLICATION_NOT_FOUND,
                errors.PHONE_NUMBER_OR_AREA_CODE_REQUIRED,
                errors.PHONE_NUMBER_UNAVAILABLE,
                errors.INVALID_AREA_CODE,
                errors.NO_NUMBERS_IN_AREA_CODE,
            )
        )
    ),
    "413": error("The body is larger than 64 KiB."),
    "415": error("The body is not application/x-www-form-urlencoded."),
}
