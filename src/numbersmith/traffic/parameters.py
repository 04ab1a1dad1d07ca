"""The parameters a webhook request carries: Twilio's superset, with SignalWire's ids.

Pure: the values in, a dict of form parameters out, in the order the vendors send them.
"""

from __future__ import annotations

import email.utils
import functools
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import phonenumbers

from numbersmith.numbering.geography import place_of

API_VERSION = "2010-04-01"

# GSM 03.38: the basic character set (one septet each) and its extension table (two septets:
# the escape and the character). A body of these only is sent as GSM-7, anything else as UCS-2.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def segments(body: str) -> int:
    """How many SMS segments ``body`` takes: GSM-7 fits 160 septets in one segment and 153 in
    each of several; UCS-2 fits 70 UTF-16 code units in one and 67 in each of several. An empty
    body (a message of media only) is one segment."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in body):
        length = len(body) + sum(c in _GSM_EXTENDED for c in body)
        single, multiple = 160, 153
    else:
        length = len(body.encode("utf-16-le")) // 2
        single, multiple = 70, 67
    return 1 if length <= single else math.ceil(length / multiple)


def message_parameters(
    account_sid: str,
    message_sid: str,
    to: str,
    from_: str,
    body: str,
    media_urls: Sequence[str] = (),
    media_types: Sequence[str] | None = None,
) -> dict[str, str]:
    """An inbound message, as sent to the number's SmsUrl.

    ``media_types`` lists each media's content type; when not given (or shorter) the type is
    ``application/octet-stream``, the type of content nobody has looked at.
    """
    types = list(media_types or ())
    parameters = {
        "MessageSid": message_sid,
        "SmsSid": message_sid,
        "SmsMessageSid": message_sid,
        "AccountSid": account_sid,
        "From": from_,
        "To": to,
        "Body": body,
        "NumMedia": str(len(media_urls)),
        "NumSegments": str(segments(body)),
        "SmsStatus": "received",
        "ApiVersion": API_VERSION,
    }
    for index, url in enumerate(media_urls):
        parameters[f"MediaUrl{index}"] = url
        parameters[f"MediaContentType{index}"] = (
            types[index] if index < len(types) else "application/octet-stream"
        )
    parameters |= _geography("From", from_) | _geography("To", to)
    return parameters


def call_parameters(
    account_sid: str,
    call_sid: str,
    to: str,
    from_: str,
    caller_name: str | None = None,
    forwarded_from: str | None = None,
) -> dict[str, str]:
    """An inbound call ringing, as sent to the number's VoiceUrl. Later requests of the call
    carry the same set with ``CallStatus=in-progress``.

    ``caller_name`` is given when the number has VoiceCallerIdLookup on.
    """
    parameters = {
        "CallSid": call_sid,
        "AccountSid": account_sid,
        "From": from_,
        "To": to,
        "Caller": from_,
        "Called": to,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": API_VERSION,
    }
    if caller_name is not None:
        parameters["CallerName"] = caller_name
    if forwarded_from is not None:
        parameters["ForwardedFrom"] = forwarded_from
    for prefix, number in (("From", from_), ("To", to), ("Caller", from_), ("Called", to)):
        parameters |= _geography(prefix, number)
    return parameters


def call_status_parameters(
    call: Mapping[str, str], status: str, duration_seconds: int, ended_at: datetime
) -> dict[str, str]:
    """The status callback sent once when a call ends: the call's parameters and its end.

    ``status`` is completed, busy, no-answer or failed; only a completed call was answered, so
    only it has a duration. ``Duration`` is in billable minutes, rounded up.
    """
    answered = status == "completed"
    seconds = max(0, duration_seconds) if answered else 0
    return {
        **call,
        "CallStatus": status,
        "CallDuration": str(seconds),
        "Duration": str(math.ceil(seconds / 60)),
        # RFC 2822 with +0000, as SignalWire sends it: "Thu, 09 Nov 2023 17:05:04 +0000".
        "Timestamp": email.utils.format_datetime(ended_at.astimezone(UTC).replace(microsecond=0)),
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "0",
    }


def _geography(prefix: str, number: str) -> dict[str, str]:
    city, state, zip_code, country = _place(number)
    return {
        f"{prefix}City": city,
        f"{prefix}State": state,
        f"{prefix}Zip": zip_code,
        f"{prefix}Country": country,
    }


@functools.lru_cache(maxsize=65_536)
def _place(number: str) -> tuple[str, str, str, str]:
    """City (upper case, as Twilio sends it), state, ZIP and ISO country of a number; empty
    where unknown. libphonenumber knows no ZIP codes, so that is always empty."""
    if number.startswith("+1") and number[1:].isdigit():
        place = place_of(number)  # NANP: the state and city of the area code and exchange
        if place.region is not None or place.locality is not None:
            return (
                (place.locality or "").upper(),
                place.region or "",
                "",
                place.country or "",
            )
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return ("", "", "", "")  # a SIP address, a short code, "anonymous"…
    country = phonenumbers.region_code_for_number(parsed)
    return ("", "", "", country if country and country != "001" else "")
