"""The OpenAPI document, generated from the parameter catalogue, the representation, its
deviations from SignalWire's schema and the error catalogue; and a human docs page (Swagger UI
5, which reads OpenAPI 3.1, vendored under api/static/swagger-ui: nothing is fetched at run time)."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from numbersmith import __version__
from numbersmith.api import deviations, errors, forms, traffic_schemas
from numbersmith.api.representation import API_VERSION
from numbersmith.numbering import geography
from numbersmith.provisioning.model import MAX_FRIENDLY_NAME, METHODS, RECEIVE_MODES

_PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "method": {"type": "string", "enum": sorted(METHODS)},
    "boolean": {"type": "boolean"},
    "receive_mode": {"type": "string", "enum": sorted(RECEIVE_MODES)},
    "integer": {"type": "integer"},
}

_NULLABLE_STRING = {"type": ["string", "null"]}


def _deviation(deviation: deviations.Deviation) -> dict[str, Any]:
    return {**(deviation.value or {}), "description": f"Not in SignalWire's schema: {deviation.reason}"}


_NUMBER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "account_id": {"type": "string"},
        "account_sid": {"type": "string"},
        "address_requirements": {"type": "string", "enum": ["none", "any", "local", "foreign"]},
        "address_sid": _NULLABLE_STRING,
        "api_version": {"type": "string", "const": API_VERSION},
        "beta": {"type": "boolean"},
        "capabilities": {
            "type": "object",
            "additionalProperties": False,
            "description": f"Not spelled as in SignalWire's schema: {deviations.CAPABILITIES[0].reason}",
            "properties": {d.field: {"type": "boolean"} for d in deviations.CAPABILITIES},
            "required": [d.field for d in deviations.CAPABILITIES],
        },
        "country_code": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "date_created": {"type": "string", "description": "RFC 2822"},
        "date_updated": {"type": "string", "description": "RFC 2822"},
        "emergency_address_sid": _NULLABLE_STRING,
        "emergency_status": {"type": "string", "enum": ["active", "inactive"]},
        "friendly_name": {"type": "string"},
        "identity_sid": _NULLABLE_STRING,
        "origin": {"type": "string", "enum": ["signalwire", "hosted"]},
        "phone_number": {"type": "string", "description": "E.164"},
        "sid": {"type": "string"},
        "sms_application_sid": _NULLABLE_STRING,
        "sms_fallback_method": {"type": "string", "enum": sorted(METHODS)},
        "sms_fallback_url": _NULLABLE_STRING,
        "sms_method": {"type": "string", "enum": sorted(METHODS)},
        "sms_url": _NULLABLE_STRING,
        "status_callback": _NULLABLE_STRING,
        "status_callback_method": {"type": "string", "enum": sorted(METHODS)},
        "trunk_sid": _NULLABLE_STRING,
        "uri": {"type": "string"},
        "verification_status": {"type": "string", "description": "Toll-free numbers only."},
        "voice_application_sid": _NULLABLE_STRING,
        "voice_caller_id_lookup": {"type": "boolean"},
        "voice_fallback_method": {"type": "string", "enum": sorted(METHODS)},
        "voice_fallback_url": _NULLABLE_STRING,
        "voice_method": {"type": "string", "enum": sorted(METHODS)},
        "voice_receive_mode": _deviation(deviations.VOICE_RECEIVE_MODE),
        "voice_url": _NULLABLE_STRING,
    },
}
_NUMBER_SCHEMA["required"] = sorted(set(_NUMBER_SCHEMA["properties"]) - {"verification_status"})

_NULLABLE_URI = {"type": ["string", "null"]}
_PAGE_META = ("uri", "first_page_uri", "next_page_uri", "previous_page_uri", "page", "page_size")


def _page_schema(records_key: str, record_schema: str) -> dict[str, Any]:
    """A list page: exactly the paging keys SignalWire's pages have, and one records key."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [*_PAGE_META, records_key],
        "properties": {
            "uri": {"type": "string"},
            "first_page_uri": {"type": "string"},
            "next_page_uri": _NULLABLE_URI,
            "previous_page_uri": _NULLABLE_URI,
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            records_key: {"type": "array", "items": {"$ref": f"#/components/schemas/{record_schema}"}},
        },
    }


_PAGE_SCHEMA = _page_schema("incoming_phone_numbers", "IncomingPhoneNumber")
_AVAILABLE_NUMBER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "friendly_name": {"type": "string", "description": "(NPA) NXX-XXXX"},
        "phone_number": {"type": "string", "description": "E.164; buy it with PhoneNumber"},
        "lata": _NULLABLE_STRING,
        "locality": {"type": ["string", "null"], "description": "The city, when known"},
        "rate_center": _NULLABLE_STRING,
        "latitude": _NULLABLE_STRING,
        "longitude": _NULLABLE_STRING,
        "region": {"type": ["string", "null"], "description": "Two-letter state or province code, when known"},
        "postal_code": _NULLABLE_STRING,
        "iso_country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "capabilities": {
            "type": "object",
            "additionalProperties": False,
            "description": "What the number can do once bought (SignalWire shows no fax here).",
            "properties": {key: {"type": "boolean"} for key in ("voice", "SMS", "MMS")},
            "required": ["voice", "SMS", "MMS"],
        },
        "beta": {"type": "boolean"},
    },
}
_AVAILABLE_NUMBER_SCHEMA["required"] = sorted(_AVAILABLE_NUMBER_SCHEMA["properties"])
_AVAILABLE_NUMBER_LIST_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "description": "Not paged: search again for other numbers.",
    "required": ["uri", "available_phone_numbers"],
    "properties": {
        "uri": {"type": "string"},
        "available_phone_numbers": {"type": "array", "items": {"$ref": "#/components/schemas/AvailablePhoneNumber"}},
    },
}
_COUNTRY_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["country_code", "country", "uri", "beta", "subresource_uris"],
    "properties": {
        "country_code": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "country": {"type": "string"},
        "uri": {"type": "string"},
        "beta": {"type": "boolean"},
        "subresource_uris": {
            "type": "object",
            "additionalProperties": False,
            "required": ["local", "toll_free"],
            "properties": {"local": {"type": "string"}, "toll_free": {"type": "string"}},
        },
    },
}
_COUNTRY_LIST_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["uri", "countries"],
    "properties": {
        "uri": {"type": "string"},
        "countries": {"type": "array", "items": {"$ref": "#/components/schemas/AvailablePhoneNumberCountry"}},
    },
}
_APPLICATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "account_sid": {"type": "string"},
        "api_version": {"type": "string", "const": API_VERSION},
        "date_created": {"type": "string", "description": "RFC 2822"},
        "date_updated": {"type": "string", "description": "RFC 2822"},
        "friendly_name": {"type": "string"},
        "message_status_callback": {"type": ["string", "null"], "description": "The same URL as sms_status_callback."},
        "sid": {"type": "string"},
        "sms_fallback_method": {"type": "string", "enum": sorted(METHODS)},
        "sms_fallback_url": _NULLABLE_STRING,
        "sms_method": {"type": "string", "enum": sorted(METHODS)},
        "sms_status_callback": _NULLABLE_STRING,
        "sms_status_callback_method": {"type": "string", "enum": sorted(METHODS)},
        "sms_url": _NULLABLE_STRING,
        "status_callback": _NULLABLE_STRING,
        "status_callback_method": {"type": "string", "enum": sorted(METHODS)},
        "uri": {"type": "string"},
        "voice_caller_id_lookup": {"type": "boolean"},
        "voice_fallback_method": {"type": "string", "enum": sorted(METHODS)},
        "voice_fallback_url": _NULLABLE_STRING,
        "voice_method": {"type": "string", "enum": sorted(METHODS)},
        "voice_url": _NULLABLE_STRING,
    },
}
_APPLICATION_SCHEMA["required"] = sorted(_APPLICATION_SCHEMA["properties"])
_APPLICATION_PAGE_SCHEMA = _page_schema("applications", "Application")
_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "message", "more_info", "status"],
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "more_info": {"type": "string"},
        "status": {"type": "integer"},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _form_body(
    parameters: tuple[forms.Parameter, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    properties = {}
    for parameter in parameters:
        schema = dict(_PARAMETER_SCHEMAS[parameter.kind], description=parameter.description)
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


def _application_body() -> dict[str, Any]:
    """The form of a create or an update: FriendlyName is required in both."""
    body = _form_body(forms.APPLICATION, required=("FriendlyName",))
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    schema["properties"]["FriendlyName"].update(minLength=1, maxLength=MAX_FRIENDLY_NAME)
    return body


def _query(parameters: tuple[forms.Parameter, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.wire,
            "in": "query",
            "required": False,
            "description": p.description,
            "schema": _PARAMETER_SCHEMAS[p.kind],
        }
        for p in parameters
    ]


_COMMON_ERRORS = {
    "401": _error(f"Authentication failed, or the token lacks the numbers scope ({errors.AUTHENTICATION_FAILED})."),
    "404": _error(f"No such resource ({errors.NOT_FOUND})."),
    "405": _error(f"Method not allowed ({errors.METHOD_NOT_ALLOWED})."),
    "503": _error(
        f"The database cannot be reached or cannot store changes at the moment"
        f" ({errors.SERVICE_UNAVAILABLE}); try again after Retry-After seconds."
    ),
}
_BODY_ERRORS = {
    "400": _error(
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
    "413": _error("The body is larger than 64 KiB."),
    "415": _error("The body is not application/x-www-form-urlencoded."),
}
_APPLICATION_BODY_ERRORS = {
    "400": _error(
        f"Invalid input: {errors.INVALID_PARAMETER}, FriendlyName missing, empty or too long "
        f"({errors.INVALID_FRIENDLY_NAME}), {errors.INVALID_METHOD}, {errors.INVALID_URL}."
    ),
    "413": _BODY_ERRORS["413"],
    "415": _BODY_ERRORS["415"],
}
_APPLICATION_ERRORS = {
    **_COMMON_ERRORS,
    "401": _error(f"Authentication failed, or the token lacks the calling, messaging and fax scopes ({errors.AUTHENTICATION_FAILED})."),
}
_SEARCH_ERRORS = {
    "400": _error(
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
        "parameters": _query(forms.SEARCH_FILTERS + forms.UNSUPPORTED_SEARCH_FILTERS + forms.SEARCH_PAGING),
        "responses": {"200": _json("Available numbers.", "AvailablePhoneNumberList"), **_COMMON_ERRORS, **_SEARCH_ERRORS},
    }


_CREDENTIALS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "project_id": {"type": "string"},
        "api_token": {"type": "string", "description": "Holds every scope; shown only here."},
        "signing_key": {"type": "string", "description": "Signs the project's webhook requests."},
    },
    "required": ["project_id", "api_token", "signing_key"],
}

_WIPED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "account_sid": {"type": "string"},
        "numbers_released": {"type": "integer"},
        "applications_deleted": {"type": "integer"},
        "exchanges_forgotten": {"type": "integer"},
    },
    "required": ["account_sid", "numbers_released", "applications_deleted", "exchanges_forgotten"],
}


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
                    "201": _json("The project's credentials.", "ProjectCredentials"),
                    "400": _error(f"FriendlyName empty or too long ({errors.INVALID_FRIENDLY_NAME})."),
                    "401": _error(
                        f"Not the admin token, or the server has none ({errors.AUTHENTICATION_FAILED})."
                    ),
                    "413": _BODY_ERRORS["413"],
                    "415": _BODY_ERRORS["415"],
                    "503": _COMMON_ERRORS["503"],
                },
            },
        },
        "/api/numbersmith/v1/Accounts/{AccountSid}/Reset": {
            "parameters": [account],
            "post": {
                "operationId": "resetProject",
                "summary": "Release every number of the project, delete its applications and forget its journal",
                "responses": {"200": _json("What was wiped.", "Wiped"), **_COMMON_ERRORS},
            },
        },
    }


@functools.cache
def document() -> dict[str, Any]:
    account = {"name": "AccountSid", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The project id."}
    sid = {"name": "Sid", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The phone number's sid."}
    collection = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/IncomingPhoneNumbers.json"
    instance = f"/api/laml/{API_VERSION}/Accounts/{{AccountSid}}/IncomingPhoneNumbers/{{Sid}}.json"
    country = {"name": "IsoCountry", "in": "path", "required": True, "schema": {"type": "string", "enum": list(geography.COUNTRIES)}, "description": "ISO 3166-1 alpha-2 country code."}
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
                "basic": {"type": "http", "scheme": "basic", "description": "Project id and API token."},
                "admin": {"type": "http", "scheme": "bearer", "description": "The server's NUMBERSMITH_ADMIN_TOKEN."},
            },
            "schemas": {
                "IncomingPhoneNumber": _NUMBER_SCHEMA,
                "IncomingPhoneNumberPage": _PAGE_SCHEMA,
                "AvailablePhoneNumber": _AVAILABLE_NUMBER_SCHEMA,
                "AvailablePhoneNumberList": _AVAILABLE_NUMBER_LIST_SCHEMA,
                "AvailablePhoneNumberCountry": _COUNTRY_SCHEMA,
                "AvailablePhoneNumberCountryList": _COUNTRY_LIST_SCHEMA,
                "Application": _APPLICATION_SCHEMA,
                "ApplicationPage": _APPLICATION_PAGE_SCHEMA,
                "Error": _ERROR_SCHEMA,
                "InboundMessage": traffic_schemas.INBOUND_MESSAGE,
                "InboundCall": traffic_schemas.INBOUND_CALL,
                "Delivery": traffic_schemas.DELIVERY,
                "DeliveryPage": traffic_schemas.DELIVERY_PAGE,
                "ProjectCredentials": _CREDENTIALS_SCHEMA,
                "Wiped": _WIPED_SCHEMA,
            },
        },
        "security": [{"basic": []}],
        "paths": {
            collection: {
                "parameters": [account],
                "post": {
                    "operationId": "createIncomingPhoneNumber",
                    "summary": "Buy a phone number, by exact number or by area code",
                    "requestBody": _form_body(forms.PURCHASE),
                    "responses": {"201": _json("The number bought.", "IncomingPhoneNumber"), **_COMMON_ERRORS, **_BODY_ERRORS},
                },
                "get": {
                    "operationId": "listIncomingPhoneNumbers",
                    "summary": "List the project's numbers, newest first",
                    "parameters": _query(forms.LIST_FILTERS + forms.PAGING),
                    "responses": {
                        "200": _json("A page of numbers.", "IncomingPhoneNumberPage"),
                        "400": _error(
                            f"Invalid filter or paging ({errors.INVALID_PARAMETER}, {errors.INVALID_PHONE_NUMBER}, "
                            f"{errors.INVALID_PAGE_TOKEN}, {errors.PAGE_TOKEN_REQUIRED}, {errors.INVALID_PAGE_SIZE})."
                        ),
                        **_COMMON_ERRORS,
                    },
                },
            },
            instance: {
                "parameters": [account, sid],
                "get": {
                    "operationId": "fetchIncomingPhoneNumber",
                    "summary": "Fetch one number",
                    "responses": {"200": _json("The number.", "IncomingPhoneNumber"), **_COMMON_ERRORS},
                },
                "post": {
                    "operationId": "updateIncomingPhoneNumber",
                    "summary": "Change the settings given; others stay as they are",
                    "requestBody": _form_body(forms.SETTINGS),
                    "responses": {"200": _json("The number, updated.", "IncomingPhoneNumber"), **_COMMON_ERRORS, **_BODY_ERRORS},
                },
                "delete": {
                    "operationId": "releaseIncomingPhoneNumber",
                    "summary": "Release the number",
                    "responses": {"204": {"description": "Released."}, **_COMMON_ERRORS},
                },
            },
            applications + ".json": {
                "parameters": [account],
                "post": {
                    "operationId": "createApplication",
                    "summary": "Create an application: URLs that handle the calls and messages of the numbers naming it",
                    "requestBody": _application_body(),
                    "responses": {"201": _json("The application.", "Application"), **_APPLICATION_ERRORS, **_APPLICATION_BODY_ERRORS},
                },
                "get": {
                    "operationId": "listApplications",
                    "summary": "List the project's applications, newest first",
                    "parameters": _query(forms.APPLICATION_LIST_FILTERS + forms.PAGING),
                    "responses": {
                        "200": _json("A page of applications.", "ApplicationPage"),
                        "400": _error(
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
                    "responses": {"200": _json("The application.", "Application"), **_APPLICATION_ERRORS},
                },
                "post": {
                    "operationId": "updateApplication",
                    "summary": "Change the settings given (FriendlyName always); others stay as they are",
                    "requestBody": _application_body(),
                    "responses": {"200": _json("The application, updated.", "Application"), **_APPLICATION_ERRORS, **_APPLICATION_BODY_ERRORS},
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
                    "responses": {"200": _json("The countries.", "AvailablePhoneNumberCountryList"), **_COMMON_ERRORS},
                },
            },
            countries + "/{IsoCountry}.json": {
                "parameters": [account, country],
                "get": {
                    "operationId": "fetchAvailablePhoneNumberCountry",
                    "summary": "One country and the kinds of number offered in it",
                    "responses": {"200": _json("The country.", "AvailablePhoneNumberCountry"), **_COMMON_ERRORS},
                },
            },
            countries + "/{IsoCountry}/Local.json": {
                "parameters": [account, country],
                "get": _search("searchLocalAvailablePhoneNumbers", "Search local numbers available to buy"),
            },
            countries + "/{IsoCountry}/TollFree.json": {
                "parameters": [account, country],
                "get": _search("searchTollFreeAvailablePhoneNumbers", "Search toll-free numbers available to buy"),
            },
            **_traffic_paths(account),
            **_own_paths(account),
        },
    }


_TRAFFIC_ERRORS = {
    "400": _error(
        f"Invalid input: To ({errors.INVALID_TO}; also a call to a number that takes faxes), From "
        f"({errors.INVALID_FROM}), Body over 1,600 characters ({errors.BODY_TOO_LONG}), more than "
        f"10 MediaUrl ({errors.TOO_MANY_MEDIA}), a MediaUrl not http(s) ({errors.INVALID_URL}), "
        f"a Digits or DialCallStatus value that cannot be ({errors.INVALID_PARAMETER})."
    ),
    "413": _BODY_ERRORS["413"],
    "415": _BODY_ERRORS["415"],
}


def _repeatable_body(parameters: tuple[forms.Parameter, ...]) -> dict[str, Any]:
    """A form whose REPEATABLE parameters may be sent several times (``MediaUrl=a&MediaUrl=b``)."""
    body = _form_body(parameters, required=("To",))
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
    exchange = {"name": "Sid", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The exchange's sid."}
    return {
        base + "/InboundMessages": {
            "parameters": [account],
            "post": {
                "operationId": "simulateInboundMessage",
                "summary": "A message reaches one of the project's numbers: its SMS URL is requested and the LaML it answers runs",
                "requestBody": _repeatable_body(forms.INBOUND_MESSAGE),
                "responses": {"201": _json("The exchange.", "InboundMessage"), **_COMMON_ERRORS, **_TRAFFIC_ERRORS},
            },
        },
        base + "/InboundMessages/{Sid}": {
            "parameters": [account, exchange],
            "get": {
                "operationId": "fetchInboundMessage",
                "summary": "A simulated message, as journalled",
                "responses": {"200": _json("The exchange.", "InboundMessage"), **_COMMON_ERRORS},
            },
        },
        base + "/InboundCalls": {
            "parameters": [account],
            "post": {
                "operationId": "simulateInboundCall",
                "summary": "A call reaches one of the project's numbers and runs to its end, the caller doing as told",
                "requestBody": _repeatable_body(forms.INBOUND_CALL),
                "responses": {"201": _json("The call and its transcript.", "InboundCall"), **_COMMON_ERRORS, **_TRAFFIC_ERRORS},
            },
        },
        base + "/InboundCalls/{Sid}": {
            "parameters": [account, exchange],
            "get": {
                "operationId": "fetchInboundCall",
                "summary": "A simulated call, as journalled",
                "responses": {"200": _json("The call and its transcript.", "InboundCall"), **_COMMON_ERRORS},
            },
        },
        base + "/Deliveries": {
            "parameters": [account],
            "get": {
                "operationId": "listDeliveries",
                "summary": "Every webhook request made for the project, newest first",
                "parameters": _query(forms.DELIVERY_FILTERS + forms.PAGING),
                "responses": {
                    "200": _json("A page of webhook requests.", "DeliveryPage"),
                    "400": _error(
                        f"Invalid filter or paging ({errors.INVALID_TO}, {errors.INVALID_PARAMETER}, "
                        f"{errors.INVALID_PAGE_TOKEN}, {errors.PAGE_TOKEN_REQUIRED}, {errors.INVALID_PAGE_SIZE})."
                    ),
                    **_COMMON_ERRORS,
                },
            },
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
