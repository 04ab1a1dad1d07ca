"""The OpenAPI document, generated from the parameter catalogue, the representation, its
deviations from SignalWire's schema and the error catalogue; and a human docs page (Swagger UI
5, which reads OpenAPI 3.1, vendored under api/static/swagger-ui: nothing is fetched at run time)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from numbersmith import __version__
from numbersmith.api import errors, forms, openapi_own, openapi_schemas
from numbersmith.api.openapi_parts import (
    BODY_ERRORS,
    COMMON_ERRORS,
    answer,
    error,
    form_body,
    query,
)
from numbersmith.api.representation import API_VERSION
from numbersmith.numbering import geography
from numbersmith.provisioning.model import MAX_FRIENDLY_NAME


def _application_body() -> dict[str, Any]:
    """The form of a create or an update: FriendlyName is required in both."""
    body = form_body(forms.APPLICATION, required=("FriendlyName",))
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    schema["properties"]["FriendlyName"].update(minLength=1, maxLength=MAX_FRIENDLY_NAME)
    return body


_APPLICATIONBODY_ERRORS = {
    "400": error(
        f"Invalid input: {errors.INVALID_PARAMETER}, FriendlyName missing, empty or too long "
        f"({errors.INVALID_FRIENDLY_NAME}), {errors.INVALID_METHOD}, {errors.INVALID_URL}."
    ),
    "413": BODY_ERRORS["413"],
    "415": BODY_ERRORS["415"],
}
_APPLICATION_ERRORS = {
    **COMMON_ERRORS,
    "401": error(
        f"Authentication failed, or the token lacks the calling, messaging and fax scopes ({errors.AUTHENTICATION_FAILED})."
    ),
}
_SEARCH_ERRORS = {
    "400": error(
        f"Invalid search: a malformed filter ({errors.INVALID_PARAMETER}), an invalid AreaCode "
        f"({errors.INVALID_AREA_CODE}), a bad PageSize ({errors.INVALID_PAGE_SIZE}), or a parameter "
        f"SignalWire does not support or InLocality without InRegion ({errors.INVALID_SEARCH_PARAMETER})."
    ),
}


def _search(operation_id: str, summary: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": (
            "One page of random available numbers that match every filter, none owned by anyone; "
            "each can be bought with IncomingPhoneNumbers PhoneNumber=…. Searching again gives "
            "other numbers; a search that matches nothing gives an empty list."
        ),
        "parameters": query(
            forms.SEARCH_FILTERS + forms.UNSUPPORTED_SEARCH_FILTERS + forms.SEARCH_PAGING
        ),
        "responses": {
            "200": answer("Available numbers.", "AvailablePhoneNumberList"),
            **COMMON_ERRORS,
            **_SEARCH_ERRORS,
        },
    }


@functools.cache
def document() -> dict[str, Any]:
    account = {
        "name": "AccountSid",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The project id.",
    }
    sid = {
        "name": "Sid",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The phone number's sid.",
    }
    collection = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/IncomingPhoneNumbers.json"
    instance = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/IncomingPhoneNumbers/{{Sid}}.json"
    country = {
        "name": "IsoCountry",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(geography.COUNTRIES)},
        "description": "ISO 3166-1 alpha-2 country code.",
    }
    countries = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/AvailablePhoneNumbers"
    applications = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/Applications"
    application = {**sid, "description": "The application's sid."}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "numbersmith",
            "version": __version__,
            "description": (
                "SignalWire's Compatibility REST API for phone numbers (Twilio's 2010-04-01 API). "
                f"Every path is also served under /{API_VERSION} and without the .json suffix."
            ),
        },
        "components": {
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "Project id and API token.",
                },
                "admin": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The server's NUMBERSMITH_ADMIN_TOKEN.",
                },
            },
            "schemas": openapi_schemas.COMPONENTS,
        },
        "security": [{"basic": []}],
        "paths": {
            collection: {
                "parameters": [account],
                "post": {
                    "operationId": "createIncomingPhoneNumber",
                    "summary": "Buy a phone number, by exact number or by area code",
                    "requestBody": form_body(forms.PURCHASE),
                    "responses": {
                        "201": answer("The number bought.", "IncomingPhoneNumber"),
                        **COMMON_ERRORS,
                        **BODY_ERRORS,
                    },
                },
                "get": {
                    "operationId": "listIncomingPhoneNumbers",
                    "summary": "List the project's numbers, newest first",
                    "parameters": query(forms.LIST_FILTERS + forms.PAGING),
                    "responses": {
                        "200": answer("A page of numbers.", "IncomingPhoneNumberPage"),
                        "400": error(
                            f"Invalid filter or paging ({errors.INVALID_PARAMETER}, {errors.INVALID_PHONE_NUMBER}, "
                            f"{errors.INVALID_PAGE_TOKEN}, {errors.PAGE_TOKEN_REQUIRED}, {errors.INVALID_PAGE_SIZE})."
                        ),
                        **COMMON_ERRORS,
                    },
                },
            },
            instance: {
                "parameters": [account, sid],
                "get": {
                    "operationId": "fetchIncomingPhoneNumber",
                    "summary": "Fetch one number",
                    "responses": {
                        "200": answer("The number.", "IncomingPhoneNumber"),
                        **COMMON_ERRORS,
                    },
                },
                "post": {
                    "operationId": "updateIncomingPhoneNumber",
                    "summary": "Change the settings given; others stay as they are",
                    "requestBody": form_body(forms.SETTINGS),
                    "responses": {
                        "200": answer("The number, updated.", "IncomingPhoneNumber"),
                        **COMMON_ERRORS,
                        **BODY_ERRORS,
                    },
                },
                "delete": {
                    "operationId": "releaseIncomingPhoneNumber",
                    "summary": "Release the number",
                    "responses": {"204": {"description": "Released."}, **COMMON_ERRORS},
                },
            },
            applications + ".json": {
                "parameters": [account],
                "post": {
                    "operationId": "createApplication",
                    "summary": "Create an application: URLs that handle the calls and messages of the numbers naming it",
                    "requestBody": _application_body(),
                    "responses": {
                        "201": answer("The application.", "Application"),
                        **_APPLICATION_ERRORS,
                        **_APPLICATIONBODY_ERRORS,
                    },
                },
                "get": {
                    "operationId": "listApplications",
                    "summary": "List the project's applications, newest first",
                    "parameters": query(forms.APPLICATION_LIST_FILTERS + forms.PAGING),
                    "responses": {
                        "200": answer("A page of applications.", "ApplicationPage"),
                        "400": error(
                            f"Invalid filter or paging ({errors.INVALID_PARAMETER}, {errors.INVALID_PAGE_TOKEN}, "
                            f"{errors.PAGE_TOKEN_REQUIRED}, {errors.INVALID_PAGE_SIZE})."
                        ),
                        **_APPLICATION_ERRORS,
                    },
                },
            },
            applications + "/{Sid}.json": {
                "parameters": [account, application],
                "get": {
                    "operationId": "fetchApplication",
                    "summary": "Fetch one application",
                    "responses": {
                        "200": answer("The application.", "Application"),
                        **_APPLICATION_ERRORS,
                    },
                },
                "post": {
                    "operationId": "updateApplication",
                    "summary": "Change the settings given (FriendlyName always); others stay as they are",
                    "requestBody": _application_body(),
                    "responses": {
                        "200": answer("The application, updated.", "Application"),
                        **_APPLICATION_ERRORS,
                        **_APPLICATIONBODY_ERRORS,
                    },
                },
                "delete": {
                    "operationId": "deleteApplication",
                    "summary": "Delete the application; numbers naming it stop naming it",
                    "responses": {"204": {"description": "Deleted."}, **_APPLICATION_ERRORS},
                },
            },
            countries + ".json": {
                "parameters": [account],
                "get": {
                    "operationId": "listAvailablePhoneNumberCountries",
                    "summary": "The countries numbers are offered in",
                    "responses": {
                        "200": answer("The countries.", "AvailablePhoneNumberCountryList"),
                        **COMMON_ERRORS,
                    },
                },
            },
            countries + "/{IsoCountry}.json": {
                "parameters": [account, country],
                "get": {
                    "operationId": "fetchAvailablePhoneNumberCountry",
                    "summary": "One country and the kinds of number offered in it",
                    "responses": {
                        "200": answer("The country.", "AvailablePhoneNumberCountry"),
                        **COMMON_ERRORS,
                    },
                },
            },
            countries + "/{IsoCountry}/Local.json": {
                "parameters": [account, country],
                "get": _search(
                    "searchLocalAvailablePhoneNumbers", "Search local numbers available to buy"
                ),
            },
            countries + "/{IsoCountry}/TollFree.json": {
                "parameters": [account, country],
                "get": _search(
                    "searchTollFreeAvailablePhoneNumbers",
                    "Search toll-free numbers available to buy",
                ),
            },
            **openapi_own.paths(account),
        },
    }


async def _openapi(request: Request) -> Response:
    return Response(orjson.dumps(document()), media_type="application/json")


_SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"

_DOCS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>numbersmith API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/docs.js"></script>
</body></html>"""


async def _docs(request: Request) -> Response:
    return HTMLResponse(_DOCS_PAGE)


def routes() -> list[Route | Mount]:
    return [
        Route("/openapi.json", _openapi, methods=["GET"]),
        Route("/docs", _docs, methods=["GET"]),
        Mount("/docs/static", StaticFiles(directory=_SWAGGER_UI), name="docs-static"),
    ]
