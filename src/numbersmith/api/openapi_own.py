"""numbersmith's own routes in the OpenAPI document: projects and resets for test suites,
simulated inbound traffic and its journal."""

from __future__ import annotations

from typing import Any

from numbersmith.api import errors, forms
from numbersmith.api.openapi_parts import (
    BODY_ERRORS,
    COMMON_ERRORS,
    answer,
    error,
    form_body,
    query,
)


def _own_paths(account: dict[str, Any]) -> dict[str, Any]:
    """numbersmith's own routes for test suites (api/projects.py)."""
    name = {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "description": "The project's name.",
        "default": "test",
    }
    return {
        "/api/numbersmith/v1/Projects": {
            "post": {
                "operationId": "createProject",
                "summary": "Create a project (the server's admin token, NUMBERSMITH_ADMIN_TOKEN)",
                "security": [{"admin": []}],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"type": "object", "properties": {"FriendlyName": name}}
                        }
                    },
                },
                "responses": {
                    "201": answer("The project's credentials.", "ProjectCredentials"),
                    "400": error(
                        f"FriendlyName empty or too long ({errors.INVALID_FRIENDLY_NAME})."
                    ),
                    "401": error(
                        f"Not the admin token, or the server has none ({errors.AUTHENTICATION_FAILED})."
                    ),
                    "413": BODY_ERRORS["413"],
                    "415": BODY_ERRORS["415"],
                    "503": COMMON_ERRORS["503"],
                },
            },
        },
        "/api/numbersmith/v1/Accounts/{AccountSid}/Reset": {
            "parameters": [account],
            "post": {
                "operationId": "resetProject",
                "summary": "Release every number of the project, delete its applications and forget its journal",
                "responses": {"200": answer("What was wiped.", "Wiped"), **COMMON_ERRORS},
            },
        },
    }


_TRAFFIC_ERRORS = {
    "400": error(
        f"Invalid input: To ({errors.INVALID_TO}; also a call to a number that takes faxes), From "
        f"({errors.INVALID_FROM}), Body over 1,600 characters ({errors.BODY_TOO_LONG}), more than "
        f"10 MediaUrl ({errors.TOO_MANY_MEDIA}), a MediaUrl not http(s) ({errors.INVALID_URL}), "
        f"a Digits or DialCallStatus value that cannot be ({errors.INVALID_PARAMETER})."
    ),
    "413": BODY_ERRORS["413"],
    "415": BODY_ERRORS["415"],
}


def _repeatable_body(parameters: tuple[forms.Parameter, ...]) -> dict[str, Any]:
    """A form whose REPEATABLE parameters may be sent several times (``MediaUrl=a&MediaUrl=b``)."""
    body = form_body(parameters, required=("To",))
    form = body["content"]["application/x-www-form-urlencoded"]
    for parameter in parameters:
        if parameter.wire in forms.REPEATABLE:
            single = form["schema"]["properties"][parameter.wire]
            description = single.pop("description")
            single.pop("example", None)
            form["schema"]["properties"][parameter.wire] = {
                "type": "array",
                "items": single,
                "description": description,
            }
            form.setdefault("encoding", {})[parameter.wire] = {"style": "form", "explode": True}
    return body


def _traffic_paths(account: dict[str, Any]) -> dict[str, Any]:
    """numbersmith's own routes: simulated inbound traffic and its journal."""
    base = "/api/numbersmith/v1/Accounts/{AccountSid}"
    exchange = {
        "name": "Sid",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The exchange's sid.",
    }
    return {
        base + "/InboundMessages": {
            "parameters": [account],
            "post": {
                "operationId": "simulateInboundMessage",
                "summary": "A message reaches one of the project's numbers: its SMS URL is requested and the LaML it answers runs",
                "requestBody": _repeatable_body(forms.INBOUND_MESSAGE),
                "responses": {
                    "201": answer("The exchange.", "InboundMessage"),
                    **COMMON_ERRORS,
                    **_TRAFFIC_ERRORS,
                },
            },
        },
        base + "/InboundMessages/{Sid}": {
            "parameters": [account, exchange],
            "get": {
                "operationId": "fetchInboundMessage",
                "summary": "A simulated message, as journalled",
                "responses": {"200": answer("The exchange.", "InboundMessage"), **COMMON_ERRORS},
            },
        },
        base + "/InboundCalls": {
            "parameters": [account],
            "post": {
                "operationId": "simulateInboundCall",
                "summary": "A call reaches one of the project's numbers and runs to its end, the caller doing as told",
                "requestBody": _repeatable_body(forms.INBOUND_CALL),
                "responses": {
                    "201": answer("The call and its transcript.", "InboundCall"),
                    **COMMON_ERRORS,
                    **_TRAFFIC_ERRORS,
                },
            },
        },
        base + "/InboundCalls/{Sid}": {
            "parameters": [account, exchange],
            "get": {
                "operationId": "fetchInboundCall",
                "summary": "A simulated call, as journalled",
                "responses": {
                    "200": answer("The call and its transcript.", "InboundCall"),
                    **COMMON_ERRORS,
                },
            },
        },
        base + "/Deliveries": {
            "parameters": [account],
            "get": {
                "operationId": "listDeliveries",
                "summary": "Every webhook request made for the project, newest first",
                "parameters": query(forms.DELIVERY_FILTERS + forms.PAGING),
                "responses": {
                    "200": answer("A page of webhook requests.", "DeliveryPage"),
                    "400": error(
                        f"Invalid filter or paging ({errors.INVALID_TO}, {errors.INVALID_PARAMETER}, "
                        f"{errors.INVALID_PAGE_TOKEN}, {errors.PAGE_TOKEN_REQUIRED}, {errors.INVALID_PAGE_SIZE})."
                    ),
                    **COMMON_ERRORS,
                },
            },
        },
    }


def paths(account: dict[str, Any]) -> dict[str, Any]:
    """Every route of numbersmith's own, under /api/numbersmith/v1."""
    return {**_traffic_paths(account), **_own_paths(account)}
