"""Purchases made with Twilio's test credentials: nothing is bought, and Twilio's magic values
decide the answer, so that code under test can meet each outcome at will.

As Twilio documents them for IncomingPhoneNumbers: ``PhoneNumber=+15005550006`` succeeds,
``+15005550000`` is unavailable (21422), ``+15005550001`` is invalid (21421); ``AreaCode=500``
succeeds (with +15005550006) and ``AreaCode=533`` has no numbers (21452). Other values are
checked as a real purchase checks them (a malformed number 21401, an unknown area code 21451)
and then refused as unavailable (21422, 21452): test credentials buy no real number. Settings
are checked as for a real purchase and shown in the answer. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from numbersmith import numbering
from numbersmith.flavors import Flavor
from numbersmith.provisioning import errors
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import DEFAULT_SETTINGS, IncomingNumber, check_settings

AVAILABLE = "+15005550006"
UNAVAILABLE = "+15005550000"
INVALID = "+15005550001"
AVAILABLE_AREA_CODE = "500"
EXHAUSTED_AREA_CODE = "533"
_MAGIC = {AVAILABLE, UNAVAILABLE, INVALID}


def _magic(text: str) -> str | None:
    digits = "".join(character for character in text if character.isdigit())
    candidate = "+" + (digits if len(digits) == 11 else "1" + digits)
    return candidate if candidate in _MAGIC else None


def pretend_purchase(
    test_account_sid: str,
    *,
    phone_number: str | None,
    area_code: str | None,
    settings: Mapping[str, Any] | None,
    flavor: Flavor,
) -> IncomingNumber:
    """The number a purchase with test credentials answers with, never stored; or the magic
    value's refusal."""
    checked = check_settings(settings or {})
    if phone_number is not None:
        magic = _magic(phone_number)
        if magic == UNAVAILABLE:
            raise errors.NumberUnavailable(magic)
        if magic == INVALID:
            raise errors.MagicInvalidNumber(magic)
        if magic is None:
            try:
                e164 = numbering.parse_e164(phone_number)
            except numbering.InvalidNumber as exc:
                raise errors.InvalidPhoneNumber(phone_number) from exc
            except numbering.NumberNotSupplied as exc:
                raise errors.NumberUnavailable(phone_number) from exc
            raise errors.NumberUnavailable(e164)
    elif area_code is not None:
        code = area_code.strip()
        if code == EXHAUSTED_AREA_CODE:
            raise errors.AreaCodeExhausted(code)
        if code != AVAILABLE_AREA_CODE:
            if numbering.area_code_space(code) is None:
                raise errors.InvalidAreaCode(area_code)
            raise errors.AreaCodeExhausted(code)
    else:
        raise errors.MissingNumberOrAreaCode()
    moment = now()
    name = flavor.default_friendly_name(AVAILABLE)
    chosen = {**DEFAULT_SETTINGS, "friendly_name": name, **checked}
    return IncomingNumber(
        id=0,
        sid=flavor.new_number_sid(),
        project_id=test_account_sid,
        phone_number=AVAILABLE,
        country_code="US",
        origin="twilio",
        beta=False,
        capability_voice=True,
        capability_sms=True,
        capability_mms=True,
        capability_fax=False,
        date_created=moment,
        date_updated=moment,
        **chosen,
    )
