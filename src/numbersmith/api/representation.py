"""The JSON representation of an owned phone number, and of an application, in each flavour.

SignalWire's: exactly the fields of SignalWire's published schema, plus the deviations
``api.deviations`` lists. Twilio's: exactly the fields of Twilio's published schema. Every field
is always present, ``null`` when it has no value: signalwire 2.x reads the payload with
``payload[key]`` and fails on a missing key. A server renders in one flavour, chosen when its
application is built (``Representation.of``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from starlette.responses import Response

from numbersmith.flavors import API_VERSION, SIGNALWIRE, TWILIO, Flavor
from numbersmith.numbering.nanp import TOLL_FREE_AREA_CODES
from numbersmith.provisioning.clock import rfc2822
from numbersmith.provisioning.model import Application, IncomingNumber

__all__ = ["API_VERSION", "BASE_PATH", "SIGNALWIRE_REPRESENTATION", "Representation"]

BASE_PATH = SIGNALWIRE.base_path


def incoming_numbers_path(account_sid: str) -> str:
    return f"{BASE_PATH}/Accounts/{account_sid}/IncomingPhoneNumbers"


def incoming_number(number: IncomingNumber) -> dict[str, Any]:
    account = number.project_id
    rendered = {
        "account_id": account,
        "account_sid": account,
        "address_requirements": "none",
        "address_sid": number.address_sid,
        "api_version": API_VERSION,
        "beta": bool(number.beta),
        "capabilities": {
            "Voice": bool(number.capability_voice),
            "SMS": bool(number.capability_sms),
            "MMS": bool(number.capability_mms),
            "Fax": bool(number.capability_fax),
        },
        "country_code": number.country_code,
        "date_created": rfc2822(number.date_created),
        "date_updated": rfc2822(number.date_updated),
        "emergency_address_sid": None,
        "emergency_status": "inactive",
        "friendly_name": number.friendly_name,
        "identity_sid": number.identity_sid,
        "origin": number.origin,
        "phone_number": number.phone_number,
        "sid": number.sid,
        "sms_application_sid": number.sms_application_sid,
        "sms_fallback_method": number.sms_fallback_method,
        "sms_fallback_url": number.sms_fallback_url,
        "sms_method": number.sms_method,
        "sms_url": number.sms_url,
        "status_callback": number.status_callback,
        "status_callback_method": number.status_callback_method,
        "trunk_sid": number.trunk_sid,
        "uri": f"{incoming_numbers_path(account)}/{number.sid}.json",
        "voice_application_sid": number.voice_application_sid,
        "voice_caller_id_lookup": bool(number.voice_caller_id_lookup),
        "voice_fallback_method": number.voice_fallback_method,
        "voice_fallback_url": number.voice_fallback_url,
        "voice_method": number.voice_method,
        "voice_receive_mode": number.voice_receive_mode,
        "voice_url": number.voice_url,
    }
    if number.phone_number[2:5] in TOLL_FREE_AREA_CODES:
        # SignalWire shows a toll-free number's verification for messaging, and only theirs;
        # nothing here verifies one.
        rendered["verification_status"] = "Unverified"
    return rendered


def applications_path(account_sid: str) -> str:
    return f"{BASE_PATH}/Accounts/{account_sid}/Applications"


def application(application: Application) -> dict[str, Any]:
    """Exactly the fields of SignalWire's Application schema."""
    account = application.project_id
    return {
        "account_sid": account,
        "api_version": API_VERSION,
        "date_created": rfc2822(application.date_created),
        "date_updated": rfc2822(application.date_updated),
        "friendly_name": application.friendly_name,
        # SignalWire's schema describes it as the same URL as sms_status_callback.
        "message_status_callback": application.sms_status_callback,
        "sid": application.sid,
        "sms_fallback_method": application.sms_fallback_method,
        "sms_fallback_url": application.sms_fallback_url,
        "sms_method": application.sms_method,
        "sms_status_callback": application.sms_status_callback,
        "sms_status_callback_method": application.sms_status_callback_method,
        "sms_url": application.sms_url,
        "status_callback": application.status_callback,
        "status_callback_method": application.status_callback_method,
        "uri": f"{applications_path(account)}/{application.sid}.json",
        "voice_caller_id_lookup": bool(application.voice_caller_id_lookup),
        "voice_fallback_method": application.voice_fallback_method,
        "voice_fallback_url": application.voice_fallback_url,
        "voice_method": application.voice_method,
        "voice_url": application.voice_url,
    }


# Twilio's flavour ---------------------------------------------------------------------------

TWILIO_BASE_PATH = TWILIO.base_path


def _twilio_numbers_path(account_sid: str) -> str:
    return f"{TWILIO_BASE_PATH}/Accounts/{account_sid}/IncomingPhoneNumbers"


def _twilio_applications_path(account_sid: str) -> str:
    return f"{TWILIO_BASE_PATH}/Accounts/{account_sid}/Applications"


def twilio_incoming_number(number: IncomingNumber) -> dict[str, Any]:
    """Exactly the fields of Twilio's published IncomingPhoneNumber schema."""
    account = number.project_id
    return {
        "account_sid": account,
        "address_sid": number.address_sid,
        "address_requirements": "none",
        "api_version": API_VERSION,
        "beta": bool(number.beta),
        # Twilio's schema keys a bought number's capabilities in lower case.
        "capabilities": {
            "voice": bool(number.capability_voice),
            "sms": bool(number.capability_sms),
            "mms": bool(number.capability_mms),
            "fax": bool(number.capability_fax),
        },
        "date_created": rfc2822(number.date_created),
        "date_updated": rfc2822(number.date_updated),
        "friendly_name": number.friendly_name,
        "identity_sid": number.identity_sid,
        "phone_number": number.phone_number,
        # Twilio names its own numbers "twilio"; ours come from the operator's inventory or
        # are made up, and a hosted number stays "hosted".
        "origin": "hosted" if number.origin == "hosted" else "twilio",
        "sid": number.sid,
        "sms_application_sid": number.sms_application_sid,
        "sms_fallback_method": number.sms_fallback_method,
        "sms_fallback_url": number.sms_fallback_url,
        "sms_method": number.sms_method,
        "sms_url": number.sms_url,
        "status_callback": number.status_callback,
        "status_callback_method": number.status_callback_method,
        "trunk_sid": number.trunk_sid,
        "uri": f"{_twilio_numbers_path(account)}/{number.sid}.json",
        "voice_receive_mode": number.voice_receive_mode,
        "voice_application_sid": number.voice_application_sid,
        "voice_caller_id_lookup": bool(number.voice_caller_id_lookup),
        "voice_fallback_method": number.voice_fallback_method,
        "voice_fallback_url": number.voice_fallback_url,
        "voice_method": number.voice_method,
        "voice_url": number.voice_url,
        "emergency_status": "Inactive",
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "bundle_sid": None,
        "status": "in-use",
        "type": "toll-free" if number.phone_number[2:5] in TOLL_FREE_AREA_CODES else "local",
    }


def twilio_application(application: Application) -> dict[str, Any]:
    """The fields of Twilio's Application resource: no ``sms_status_callback_method``, and
    ``public_application_connect_enabled``, which nothing here sets."""
    account = application.project_id
    return {
        "account_sid": account,
        "api_version": API_VERSION,
        "date_created": rfc2822(application.date_created),
        "date_updated": rfc2822(application.date_updated),
        # Twilio requires no name: an application created without one has none.
        "friendly_name": application.friendly_name or None,
        "message_status_callback": application.sms_status_callback,
        "sid": application.sid,
        "sms_fallback_method": application.sms_fallback_method,
        "sms_fallback_url": application.sms_fallback_url,
        "sms_method": application.sms_method,
        "sms_status_callback": application.sms_status_callback,
        "sms_url": application.sms_url,
        "status_callback": application.status_callback,
        "status_callback_method": application.status_callback_method,
        "uri": f"{_twilio_applications_path(account)}/{application.sid}.json",
        "voice_caller_id_lookup": bool(application.voice_caller_id_lookup),
        "voice_fallback_method": application.voice_fallback_method,
        "voice_fallback_url": application.voice_fallback_url,
        "voice_method": application.voice_method,
        "voice_url": application.voice_url,
        "public_application_connect_enabled": False,
    }


class SearchResultShape(NamedTuple):
    """What differs in a search result: the keys of its capabilities, in the order voice, SMS,
    MMS, fax (SignalWire's schema spells them unlike a bought number's and has no fax; Twilio's
    are in lower case), and fields of the same value in every result."""

    capability_keys: tuple[str, ...]
    constant_fields: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Representation:
    """How one flavour shows its resources: chosen once, when the application is built."""

    flavor: Flavor
    incoming_number: Callable[[IncomingNumber], dict[str, Any]]
    application: Callable[[Application], dict[str, Any]]
    #: Whether list pages carry ``start`` and ``end`` (Twilio's do, SignalWire's do not).
    page_bounds: bool
    search_result: SearchResultShape

    @property
    def base_path(self) -> str:
        return self.flavor.base_path

    def incoming_numbers_path(self, account_sid: str) -> str:
        return f"{self.flavor.base_path}/Accounts/{account_sid}/IncomingPhoneNumbers"

    def applications_path(self, account_sid: str) -> str:
        return f"{self.flavor.base_path}/Accounts/{account_sid}/Applications"

    @staticmethod
    def of(flavor: Flavor) -> Representation:
        return _REPRESENTATIONS[flavor.name]


_REPRESENTATIONS = {
    SIGNALWIRE.name: Representation(
        SIGNALWIRE,
        incoming_number,
        application,
        page_bounds=False,
        search_result=SearchResultShape(("voice", "SMS", "MMS")),
    ),
    TWILIO.name: Representation(
        TWILIO,
        twilio_incoming_number,
        twilio_application,
        page_bounds=True,
        search_result=SearchResultShape(
            ("voice", "sms", "mms", "fax"), (("address_requirements", "none"),)
        ),
    ),
}


def json_response(body: dict[str, Any] | bytes, status: int = 200) -> Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(content, status, media_type="application/json")


class RenderedNumbers:
    """Numbers already serialised, by (sid, date_updated): one version of a number each.

    Rendering a number costs more than reading its row, and a list renders fifty; versions never
    change once written (an update always moves date_updated forward), so serving a remembered
    rendering is always exact, across processes too. Bounded: the oldest entries go first.
    ``get`` is called from units of work, ``render`` from the routes: both on the event loop.
    """

    def __init__(
        self,
        capacity: int = 20_000,
        represent: Callable[[IncomingNumber], dict[str, Any]] = incoming_number,
    ) -> None:
        self._capacity = capacity
        self._represent = represent
        # Not a dict: evicting a dict's first key scans past every slot freed by earlier
        # evictions, ~12 µs a render once full; OrderedDict.popitem(last=False) is O(1).
        self._rendered: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def get(self, sid: str, date_updated: int) -> bytes | None:
        return self._rendered.get((sid, date_updated))

    def render(self, number: IncomingNumber) -> bytes:
        key = (number.sid, number.date_updated)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = orjson.dumps(self._represent(number))
            if len(self._rendered) >= self._capacity:
                self._rendered.popitem(last=False)
            self._rendered[key] = rendered
        return rendered


SIGNALWIRE_REPRESENTATION = Representation.of(SIGNALWIRE)
