"""Any valid phone number, of any country, in E.164 form: callers and senders of inbound
traffic may be anywhere, unlike the numbers we supply."""

from __future__ import annotations

import functools

import phonenumbers


class InvalidNumber(ValueError):
    """The text is not a valid phone number in E.164 form."""


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """``text`` (an international number; spaces, dashes and parentheses allowed) as
    ``+CC…``. Raises InvalidNumber unless libphonenumber deems it a valid number.

    Remembered: parsing costs tens of microseconds, and traffic repeats the same few numbers.
    """
    text = text.strip()
    if not text.startswith("+") or len(text) > 32:
        raise InvalidNumber(text)
    try:
        number = phonenumbers.parse(text)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
