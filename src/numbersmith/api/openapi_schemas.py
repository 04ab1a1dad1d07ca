"""The shapes of answers in the OpenAPI document: the components every operation refers to."""

from __future__ import annotations

from typing import Any

from numbersmith.api import deviations, traffic_schemas
from numbersmith.api.representation import API_VERSION
from numbersmith.provisioning.model import METHODS

_NULLABLE_STRING = {"type": ["string", "null"]}


def _deviation(deviation: deviations.Deviation) -> dict[str, Any]:
    return {
        **(deviation.value or {}),
        "description": f"Not in SignalWire's schema: {deviation.reason}",
    }


NUMBER: dict[str, Any] = {
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
NUMBER["required"] = sorted(set(NUMBER["properties"]) - {"verification_status"})

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
            records_key: {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{record_schema}"},
            },
        },
    }


NUMBER_PAGE = _page_schema("incoming_phone_numbers", "IncomingPhoneNumber")
AVAILABLE_NUMBER: dict[str, Any] = {
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
        "region": {
            "type": ["string", "null"],
            "description": "Two-letter state or province code, when known",
        },
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
AVAILABLE_NUMBER["required"] = sorted(AVAILABLE_NUMBER["properties"])
AVAILABLE_NUMBER_LIST = {
    "type": "object",
    "additionalProperties": False,
    "description": "Not paged: search again for other numbers.",
    "required": ["uri", "available_phone_numbers"],
    "properties": {
        "uri": {"type": "string"},
        "available_phone_numbers": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/AvailablePhoneNumber"},
        },
    },
}
COUNTRY = {
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
COUNTRY_LIST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["uri", "countries"],
    "properties": {
        "uri": {"type": "string"},
        "countries": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/AvailablePhoneNumberCountry"},
        },
    },
}
APPLICATION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "account_sid": {"type": "string"},
        "api_version": {"type": "string", "const": API_VERSION},
        "date_created": {"type": "string", "description": "RFC 2822"},
        "date_updated": {"type": "string", "description": "RFC 2822"},
        "friendly_name": {"type": "string"},
        "message_status_callback": {
            "type": ["string", "null"],
            "description": "The same URL as sms_status_callback.",
        },
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
APPLICATION["required"] = sorted(APPLICATION["properties"])
APPLICATION_PAGE = _page_schema("applications", "Application")
ERROR = {
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


CREDENTIALS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "project_id": {"type": "string"},
        "api_token": {"type": "string", "description": "Holds every scope; shown only here."},
        "signing_key": {"type": "string", "description": "Signs the project's webhook requests."},
    },
    "required": ["project_id", "api_token", "signing_key"],
}

WIPED: dict[str, Any] = {
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


#: ``components.schemas`` of the document, by the names operations refer to.
COMPONENTS: dict[str, Any] = {
    "IncomingPhoneNumber": NUMBER,
    "IncomingPhoneNumberPage": NUMBER_PAGE,
    "AvailablePhoneNumber": AVAILABLE_NUMBER,
    "AvailablePhoneNumberList": AVAILABLE_NUMBER_LIST,
    "AvailablePhoneNumberCountry": COUNTRY,
    "AvailablePhoneNumberCountryList": COUNTRY_LIST,
    "Application": APPLICATION,
    "ApplicationPage": APPLICATION_PAGE,
    "Error": ERROR,
    "InboundMessage": traffic_schemas.INBOUND_MESSAGE,
    "InboundCall": traffic_schemas.INBOUND_CALL,
    "Delivery": traffic_schemas.DELIVERY,
    "DeliveryPage": traffic_schemas.DELIVERY_PAGE,
    "ProjectCredentials": CREDENTIALS,
    "Wiped": WIPED,
}
