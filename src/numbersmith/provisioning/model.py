"""The owned phone number, the application that may handle its traffic, and the rules for
their settings. Pure: no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from numbersmith.provisioning import errors

MAX_FRIENDLY_NAME = 64
MAX_REFERENCE = 64
METHODS = frozenset({"GET", "POST"})
RECEIVE_MODES = frozenset({"voice", "fax"})

URL_SETTINGS = (
    "voice_url",
    "voice_fallback_url",
    "sms_url",
    "sms_fallback_url",
    "status_callback",
    "sms_status_callback",  # applications only
)
METHOD_SETTINGS = (
    "voice_method",
    "voice_fallback_method",
    "sms_method",
    "sms_fallback_method",
    "status_callback_method",
    "sms_status_callback_method",  # applications only
)
REFERENCE_SETTINGS = ("address_sid", "identity_sid", "trunk_sid")
APPLICATION_SETTINGS = ("voice_application_sid", "sms_application_sid")

#: Everything a client may set on a number it owns, at purchase or later.
SETTINGS = (
    "friendly_name",
    *REFERENCE_SETTINGS,
    "voice_url",
    "voice_method",
    "voice_fallback_url",
    "voice_fallback_method",
    "voice_caller_id_lookup",
    "voice_receive_mode",
    "voice_application_sid",
    "sms_url",
    "sms_method",
    "sms_fallback_url",
    "sms_fallback_method",
    "sms_application_sid",
    "status_callback",
    "status_callback_method",
)


@dataclass(slots=True)
class IncomingNumber:
    """A phone number owned by a project. Field order mirrors the stored row.

    Not frozen: a frozen dataclass's __init__ costs several times more, and lists build fifty.
    """

    id: int
    sid: str
    project_id: str
    phone_number: str
    country_code: str
    friendly_name: str
    origin: str
    beta: bool
    capability_voice: bool
    capability_sms: bool
    capability_mms: bool
    capability_fax: bool
    address_sid: str | None
    identity_sid: str | None
    trunk_sid: str | None
    voice_url: str | None
    voice_method: str
    voice_fallback_url: str | None
    voice_fallback_method: str
    voice_caller_id_lookup: bool
    voice_receive_mode: str
    voice_application_sid: str | None
    sms_url: str | None
    sms_method: str
    sms_fallback_url: str | None
    sms_fallback_method: str
    sms_application_sid: str | None
    status_callback: str | None
    status_callback_method: str
    date_created: int
    date_updated: int

    def with_settings(self, settings: Mapping[str, Any], now: int) -> IncomingNumber:
        return dataclasses.replace(self, **settings, date_updated=now)


#: Settings of a newly bought number that the buyer did not choose.
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "address_sid": None,
    "identity_sid": None,
    "trunk_sid": None,
    "voice_url": None,
    "voice_method": "POST",
    "voice_fallback_url": None,
    "voice_fallback_method": "POST",
    "voice_caller_id_lookup": False,
    "voice_receive_mode": "voice",
    "voice_application_sid": None,
    "sms_url": None,
    "sms_method": "POST",
    "sms_fallback_url": None,
    "sms_fallback_method": "POST",
    "sms_application_sid": None,
    "status_callback": None,
    "status_callback_method": "POST",
}


@dataclass(frozen=True, slots=True)
class Application:
    """A project's application: the URLs that handle calls and messages in place of a number's
    own, for numbers that name it in ``VoiceApplicationSid`` or ``SmsApplicationSid``.

    Field order mirrors the stored row; ``id`` orders a project's applications for paging.
    """

    id: int
    sid: str
    project_id: str
    friendly_name: str
    voice_url: str | None
    voice_method: str
    voice_fallback_url: str | None
    voice_fallback_method: str
    voice_caller_id_lookup: bool
    status_callback: str | None
    status_callback_method: str
    sms_url: str | None
    sms_method: str
    sms_fallback_url: str | None
    sms_fallback_method: str
    sms_status_callback: str | None
    sms_status_callback_method: str
    date_created: int
    date_updated: int

    def with_settings(self, settings: Mapping[str, Any], now: int) -> Application:
        return dataclasses.replace(self, **settings, date_updated=now)


#: Settings of a new application that its creator did not choose (every one but its name).
APPLICATION_DEFAULTS: Mapping[str, Any] = {
    "voice_url": None,
    "voice_method": "POST",
    "voice_fallback_url": None,
    "voice_fallback_method": "POST",
    "voice_caller_id_lookup": False,
    "status_callback": None,
    "status_callback_method": "POST",
    "sms_url": None,
    "sms_method": "POST",
    "sms_fallback_url": None,
    "sms_fallback_method": "POST",
    "sms_status_callback": None,
    "sms_status_callback_method": "POST",
}
#: Everything a client may set on an application, at creation or later.
APPLICATION_CONFIGURATION = ("friendly_name", *APPLICATION_DEFAULTS)


def is_web_url(value: str) -> bool:
    """A fully-qualified http(s) URL with a host, as a webhook target must be."""
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value
    except ValueError:
        return False


def check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise settings a client sent; raise the first SettingError found.

    An empty URL or reference clears it, as with the vendor's API.
    """
    checked: dict[str, Any] = {}
    for name, value in settings.items():
        if name in URL_SETTINGS:
            if value and not is_web_url(value):
                raise errors.InvalidUrl(name)
            value = value or None
        elif name in METHOD_SETTINGS:
            value = value.upper()
            if value not in METHODS:
                raise errors.InvalidMethod(name)
        elif name == "voice_receive_mode":
            value = value.lower()
            if value not in RECEIVE_MODES:
                raise errors.InvalidReceiveMode(name)
        elif name == "friendly_name":
            if not value or len(value) > MAX_FRIENDLY_NAME:
                raise errors.InvalidFriendlyName(name)
        elif name in REFERENCE_SETTINGS or name in APPLICATION_SETTINGS:
            if len(value) > MAX_REFERENCE:
                raise errors.InvalidReference(name)
            value = value or None
        checked[name] = value
    return checked
