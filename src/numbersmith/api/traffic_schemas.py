"""JSON schemas of simulated traffic's answers, for the OpenAPI document: an exchange (an
inbound message or call), the webhook requests made for it, and the journal's pages."""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INTEGER = {"type": ["integer", "null"]}
_STRINGS = {"type": "array", "items": _STRING}
_NULLABLE_URI = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


DELIVERY = _object(
    {
        "exchange_sid": _STRING,
        "phone_number": _STRING,
        "purpose": {
            "type": "string",
            "description": "start, gather, dial, record, redirect, message or status-callback",
        },
        "url": {
            "type": "string",
            "description": "As requested: a GET with its query, never the #fragment",
        },
        "method": {"type": "string", "enum": ["GET", "POST"]},
        "parameters": {"type": "object", "additionalProperties": _STRING},
        "signature": {
            "type": "string",
            "description": "X-SignalWire-Signature and X-Twilio-Signature",
        },
        "fallback": {
            "type": "boolean",
            "description": "Whether this request went to the fallback URL",
        },
        "date_created": _STRING,
        "duration_ms": {"type": "number"},
        "status": _NULLABLE_INTEGER,
        "content_type": _NULLABLE_STRING,
        "body": {"type": ["string", "null"], "description": "The answer, at most 64 KiB"},
        "error_code": _NULLABLE_INTEGER,
    },
    "One webhook request and what came back.",
)

_STEP = _object(
    {
        "verb": _STRING,
        "attributes": {"type": "object", "additionalProperties": _STRING},
        "result": _STRING,
        "details": {"type": "object"},
    },
    "One LaML verb met, and what happened.",
)
_REPLY = _object(
    {"to": _STRING, "from": _STRING, "body": _STRING, "media": _STRINGS},
    "A message the LaML sent back.",
)
_COMMON = {
    "sid": _STRING,
    "account_sid": _STRING,
    "direction": {"type": "string", "const": "inbound"},
    "to": _STRING,
    "from": _STRING,
    "application_sid": _NULLABLE_STRING,
    "ended_by": _STRING,
    "error_code": _NULLABLE_INTEGER,
    "warnings": _STRINGS,
    "replies": {"type": "array", "items": _REPLY},
    "date_created": _STRING,
    "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}},
    "uri": _STRING,
}

INBOUND_MESSAGE = _object(
    {
        **_COMMON,
        "body": _STRING,
        "media_urls": _STRINGS,
        "status": {"type": "string", "enum": ["received", "failed"]},
        "steps": {"type": "array", "items": _STEP},
    },
    "A simulated inbound message, delivered to the number's SMS handler.",
)

INBOUND_CALL = _object(
    {
        **_COMMON,
        "caller": {
            "type": "object",
            "additionalProperties": _STRINGS,
            "description": "The script the caller followed",
        },
        "call_status": {"type": "string", "enum": ["completed", "busy", "no-answer", "failed"]},
        "call_duration": {"type": "integer", "description": "Simulated seconds"},
        "answered": {"type": "boolean"},
        "transcript": {"type": "array", "items": _STEP},
    },
    "A simulated inbound call, run to its end.",
)

DELIVERY_PAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "deliveries",
    ],
    "properties": {
        "uri": _STRING,
        "first_page_uri": _STRING,
        "next_page_uri": _NULLABLE_URI,
        "previous_page_uri": _NULLABLE_URI,
        "page": {"type": "integer"},
        "page_size": {"type": "integer"},
        "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}},
    },
}
