"""Request parameters: their wire names, how they are read, and what they mean.

This catalogue is the one description of the parameters: the routes decode requests with it and
the OpenAPI document is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from numbersmith.api.errors import INVALID_PARAMETER, ApiError

MAX_BODY = 64 * 1024
_FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Parameter:
    wire: str  # PascalCase, as clients send it
    setting: str  # snake_case, as the domain names it
    kind: str  # string | url | method | boolean | receive_mode | integer
    description: str
    example: str | None = None


SETTINGS = (
    Parameter(
        "FriendlyName",
        "friendly_name",
        "string",
        "A name for the number, 1 to 64 characters. Defaults to the formatted number.",
        "310-338-6745",
    ),
    Parameter("AddressSid", "address_sid", "string", "The address associated with the number."),
    Parameter("IdentitySid", "identity_sid", "string", "The identity associated with the number."),
    Parameter("TrunkSid", "trunk_sid", "string", "The trunk associated with the number."),
    Parameter(
        "VoiceUrl",
        "voice_url",
        "url",
        "The URL requested when a call arrives.",
        "https://example.com/voice.xml",
    ),
    Parameter("VoiceMethod", "voice_method", "method", "HTTP method for VoiceUrl."),
    Parameter(
        "VoiceFallbackUrl", "voice_fallback_url", "url", "The URL requested when VoiceUrl fails."
    ),
    Parameter(
        "VoiceFallbackMethod",
        "voice_fallback_method",
        "method",
        "HTTP method for VoiceFallbackUrl.",
    ),
    Parameter(
        "VoiceCallerIdLookup",
        "voice_caller_id_lookup",
        "boolean",
        "Whether to look up the caller's name.",
    ),
    Parameter(
        "VoiceReceiveMode",
        "voice_receive_mode",
        "receive_mode",
        "Whether the number receives voice calls or faxes.",
    ),
    Parameter(
        "VoiceApplicationSid",
        "voice_application_sid",
        "string",
        "An application that handles calls; its URLs replace the number's.",
    ),
    Parameter("SmsUrl", "sms_url", "url", "The URL requested when a message arrives."),
    Parameter("SmsMethod", "sms_method", "method", "HTTP method for SmsUrl."),
    Parameter("SmsFallbackUrl", "sms_fallback_url", "url", "The URL requested when SmsUrl fails."),
    Parameter(
        "SmsFallbackMethod", "sms_fallback_method", "method", "HTTP method for SmsFallbackUrl."
    ),
    Parameter(
        "SmsApplicationSid",
        "sms_application_sid",
        "string",
        "An application that handles messages; its URLs replace the number's.",
    ),
    Parameter("StatusCallback", "status_callback", "url", "The URL that receives status updates."),
    Parameter(
        "StatusCallbackMethod",
        "status_callback_method",
        "method",
        "HTTP method for StatusCallback.",
    ),
)
PHONE_NUMBER = Parameter(
    "PhoneNumber",
    "phone_number",
    "string",
    "The number to buy, in E.164 form. Takes precedence over AreaCode.",
    "+13103386745",
)
AREA_CODE = Parameter(
    "AreaCode",
    "area_code",
    "string",
    "A US or Canadian area code; a free number in it is chosen for you.",
    "310",
)
PURCHASE = (PHONE_NUMBER, AREA_CODE, *SETTINGS)

_NUMBER_SETTINGS = {parameter.wire: parameter for parameter in SETTINGS}
#: An application's settings, in the order of SignalWire's schema. Those a number has too mean
#: the same and are read the same way.
APPLICATION = (
    Parameter(
        "FriendlyName",
        "friendly_name",
        "string",
        "A name for the application, 1 to 64 characters. Required, on updates too.",
        "Front desk",
    ),
    *(
        _NUMBER_SETTINGS[wire]
        for wire in (
            "VoiceUrl",
            "VoiceMethod",
            "VoiceFallbackUrl",
            "VoiceFallbackMethod",
            "StatusCallback",
            "StatusCallbackMethod",
            "VoiceCallerIdLookup",
            "SmsUrl",
            "SmsMethod",
            "SmsFallbackUrl",
            "SmsFallbackMethod",
        )
    ),
    Parameter(
        "SmsStatusCallback",
        "sms_status_callback",
        "url",
        "The URL that receives status updates of messages sent in reply.",
    ),
    Parameter(
        "SmsStatusCallbackMethod",
        "sms_status_callback_method",
        "method",
        "HTTP method for SmsStatusCallback.",
    ),
)
APPLICATION_LIST_FILTERS = (
    Parameter(
        "FriendlyName",
        "friendly_name",
        "string",
        "Only applications with exactly this friendly name.",
    ),
)

LIST_FILTERS = (
    Parameter(
        "PhoneNumber",
        "phone_number",
        "string",
        "A full or partial number; * matches any one digit.",
        "+1310*",
    ),
    Parameter(
        "FriendlyName", "friendly_name", "string", "Only numbers with exactly this friendly name."
    ),
    Parameter("Beta", "beta", "boolean", "Only beta (true) or only non-beta (false) numbers."),
    Parameter("Origin", "origin", "string", "Only numbers of this origin: signalwire or hosted."),
)
PAGING = (
    Parameter("PageSize", "page_size", "integer", "Records per page, 1 to 1000. Default 50."),
    Parameter("Page", "page", "integer", "The zero-based page number, as given in next_page_uri."),
    Parameter(
        "PageToken",
        "page_token",
        "string",
        "The opaque cursor given in next_page_uri and previous_page_uri.",
    ),
)

INBOUND_MESSAGE = (
    Parameter(
        "To",
        "to",
        "string",
        "The project's number the message reaches, in E.164 form.",
        "+13103386745",
    ),
    Parameter(
        "From",
        "from_",
        "string",
        "Who sends it, in E.164 form. Defaults to +12025550123.",
        "+14155550100",
    ),
    Parameter("Body", "body", "string", "The text, at most 1,600 characters.", "Hello"),
    Parameter("MediaUrl", "media", "url", "A media URL; repeat for more, at most 10."),
)
INBOUND_CALL = (
    Parameter("To", "to", "string", "The project's number called, in E.164 form.", "+13103386745"),
    Parameter(
        "From",
        "from_",
        "string",
        "Who calls, in E.164 form. Defaults to +12025550123.",
        "+14155550100",
    ),
    Parameter(
        "Digits",
        "digits",
        "string",
        "What the caller presses at a Gather; repeat for each Gather in turn. None left: the Gather times out.",
        "1",
    ),
    Parameter(
        "SpeechResult",
        "speech",
        "string",
        "What the caller says at a speech Gather; repeat for each in turn.",
    ),
    Parameter(
        "DialCallStatus",
        "dial",
        "string",
        "How a Dial ends (completed, busy, no-answer, failed, optionally :SECONDS as in completed:42); repeat for each Dial in turn.",
        "completed:42",
    ),
    Parameter(
        "CallerName",
        "caller_name",
        "string",
        "The caller's name, sent as CallerName when the number has VoiceCallerIdLookup.",
    ),
    Parameter(
        "ForwardedFrom",
        "forwarded_from",
        "string",
        "The number the call was forwarded from, sent as ForwardedFrom.",
    ),
)
DELIVERY_FILTERS = (
    Parameter(
        "PhoneNumber",
        "phone_number",
        "string",
        "Only requests made for this number of the project, in E.164 form.",
        "+13103386745",
    ),
    Parameter(
        "ExchangeSid",
        "exchange_sid",
        "string",
        "Only requests made for this inbound message or call.",
    ),
)
#: Parameters that may be given more than once: every value counts, in order.
REPEATABLE = frozenset({"MediaUrl", "Digits", "SpeechResult", "DialCallStatus"})

SEARCH_FILTERS = (
    Parameter(
        "AreaCode",
        "area_code",
        "string",
        "Only numbers in this area code; for TollFree, a toll-free code.",
        "310",
    ),
    Parameter(
        "Contains",
        "contains",
        "string",
        "A pattern the 10-digit national number contains: digits, letters (their keypad digits: STORM is 78676) and * for any one digit. Ten characters match the whole number.",
        "STORM",
    ),
    Parameter(
        "InRegion",
        "in_region",
        "string",
        "Only numbers in this state or province, by its two-letter code.",
        "CA",
    ),
    Parameter(
        "InLocality",
        "in_locality",
        "string",
        "Only numbers in this city. Requires InRegion.",
        "Los Angeles",
    ),
    Parameter(
        "Beta",
        "beta",
        "boolean",
        "Whether beta numbers may be included. Available numbers are never beta, so it excludes nothing.",
    ),
    # Every synthetic number has every capability and needs no address: these exclude nothing,
    # whether true ("must have it") or false ("need not have it", as SignalWire ignores them).
    Parameter(
        "SmsEnabled",
        "sms_enabled",
        "boolean",
        "Accepted for compatibility; every number can receive SMS.",
    ),
    Parameter(
        "MmsEnabled",
        "mms_enabled",
        "boolean",
        "Accepted for compatibility; every number can receive MMS.",
    ),
    Parameter(
        "VoiceEnabled",
        "voice_enabled",
        "boolean",
        "Accepted for compatibility; every number can receive calls.",
    ),
    Parameter(
        "FaxEnabled",
        "fax_enabled",
        "boolean",
        "Accepted for compatibility; every number can receive faxes.",
    ),
    Parameter(
        "ExcludeAllAddressRequired",
        "exclude_all_address_required",
        "boolean",
        "Accepted for compatibility; no number requires an address.",
    ),
    Parameter(
        "ExcludeLocalAddressRequired",
        "exclude_local_address_required",
        "boolean",
        "Accepted for compatibility; no number requires an address.",
    ),
    Parameter(
        "ExcludeForeignAddressRequired",
        "exclude_foreign_address_required",
        "boolean",
        "Accepted for compatibility; no number requires an address.",
    ),
)
#: Twilio's search parameters that SignalWire does not support: a search using one is refused.
UNSUPPORTED_SEARCH_FILTERS = tuple(
    Parameter(wire, setting, kind, "Not supported: a search with it is refused with code 90000.")
    for wire, setting, kind in (
        ("NearNumber", "near_number", "string"),
        ("NearLatLong", "near_lat_long", "string"),
        ("Distance", "distance", "integer"),
        ("InPostalCode", "in_postal_code", "string"),
        ("InRateCenter", "in_rate_center", "string"),
        ("InLata", "in_lata", "string"),
    )
)
#: A search answers one page, so only its size can be chosen.
SEARCH_PAGING = tuple(parameter for parameter in PAGING if parameter.wire == "PageSize")

_WIRE_NAMES = {parameter.setting: parameter.wire for parameter in (*PURCHASE, *APPLICATION)}


def wire_name(setting: str) -> str:
    return _WIRE_NAMES.get(setting, setting)


def parse_boolean(name: str, value: str) -> bool:
    """Clients send ``true``/``false`` (twilio 9) or ``True``/``False`` (signalwire 2.x)."""
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ApiError(400, INVALID_PARAMETER, f"{name} must be true or false")


async def read_form(request: Request) -> dict[str, str]:
    """The url-encoded body as a dict. Refuses bodies over 64 KiB and other content types."""
    return dict(await read_form_items(request))


async def read_form_items(request: Request) -> list[tuple[str, str]]:
    """The url-encoded body as (name, value) pairs in order, for parameters that repeat
    (``MediaUrl``, ``Digits``). Refuses bodies over 64 KiB and other content types."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise ApiError(413, INVALID_PARAMETER, "The request body must be at most 64 KiB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ApiError(413, INVALID_PARAMETER, "The request body must be at most 64 KiB")
    if not body:
        return []
    content_type = request.headers.get("content-type", _FORM_TYPE).split(";")[0].strip().lower()
    if content_type != _FORM_TYPE:
        raise ApiError(415, INVALID_PARAMETER, f"The request body must be {_FORM_TYPE}")
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, INVALID_PARAMETER, "The request body is not valid form data") from exc


def decode(parameters: tuple[Parameter, ...], values: Mapping[str, str]) -> dict[str, Any]:
    """The parameters present in ``values``, keyed by setting name; booleans decoded."""
    decoded: dict[str, Any] = {}
    for parameter in parameters:
        value = values.get(parameter.wire)
        if value is None:
            continue
        if "\x00" in value:
            raise ApiError(
                400, INVALID_PARAMETER, f"{parameter.wire} must not contain NUL characters"
            )
        decoded[parameter.setting] = (
            parse_boolean(parameter.wire, value) if parameter.kind == "boolean" else value
        )
    return decoded
