"""Buying, reading, changing and releasing numbers, written as the SDKs' users write it."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from twilio.base.exceptions import TwilioRestException

EVERY_CAPABILITY = {"Voice": True, "SMS": True, "MMS": True, "Fax": True}


def formatted(phone_number: str) -> str:
    """The default friendly name: +13103386745 -> 310-338-6745."""
    return f"{phone_number[2:5]}-{phone_number[5:8]}-{phone_number[8:]}"


def test_buying_by_area_code_gives_a_number_in_it(numbers, numbersmith):
    number = numbers.create(area_code="310")

    assert re.fullmatch(r"\+1310[2-9]\d{6}", number.phone_number)
    assert number.friendly_name == formatted(number.phone_number)
    assert number.beta is True
    assert number.capabilities == EVERY_CAPABILITY
    assert number.account_sid == numbersmith.project_id
    assert number.api_version == "2010-04-01"
    assert number.uri == (
        f"/api/laml/2010-04-01/Accounts/{numbersmith.project_id}"
        f"/IncomingPhoneNumbers/{number.sid}.json"
    )
    # The client parses RFC 2822 dates and gives None for anything else.
    assert isinstance(number.date_created, datetime)
    assert isinstance(number.date_updated, datetime)


def test_a_new_number_has_default_settings(numbers):
    number = numbers.create(area_code="310")

    assert number.voice_url is None
    assert number.voice_method == "POST"
    assert number.voice_fallback_url is None
    assert number.voice_fallback_method == "POST"
    assert number.sms_url is None
    assert number.sms_method == "POST"
    assert number.status_callback is None
    assert number.voice_caller_id_lookup is False
    assert number.voice_application_sid is None
    assert number.sms_application_sid is None


def test_two_purchases_in_one_area_code_give_two_numbers(numbers):
    first = numbers.create(area_code="310")
    second = numbers.create(area_code="310")

    assert first.sid != second.sid
    assert first.phone_number != second.phone_number


def test_buying_an_exact_number(numbers, unowned_number):
    number = numbers.create(phone_number=unowned_number)

    assert number.phone_number == unowned_number
    assert number.friendly_name == formatted(unowned_number)
    assert number.beta is True
    assert number.capabilities == EVERY_CAPABILITY


def test_settings_given_at_purchase_are_kept(numbers):
    number = numbers.create(
        area_code="310",
        friendly_name="Front desk",
        voice_url="https://example.com/voice.xml",
        voice_method="GET",
        sms_url="https://example.com/sms.xml",
        status_callback="https://example.com/status",
    )

    assert number.friendly_name == "Front desk"
    assert number.voice_url == "https://example.com/voice.xml"
    assert number.voice_method == "GET"
    assert number.sms_url == "https://example.com/sms.xml"
    assert number.sms_method == "POST"
    assert number.status_callback == "https://example.com/status"


def test_fetch_returns_the_number_as_bought(numbers):
    bought = numbers.create(area_code="310", voice_url="https://example.com/voice.xml")

    fetched = numbers(bought.sid).fetch()

    assert fetched.sid == bought.sid
    assert fetched.phone_number == bought.phone_number
    assert fetched.friendly_name == bought.friendly_name
    assert fetched.voice_url == "https://example.com/voice.xml"
    assert fetched.date_created == bought.date_created
    assert fetched.capabilities == EVERY_CAPABILITY


def test_update_changes_only_what_is_sent(numbers):
    bought = numbers.create(
        area_code="310", friendly_name="Support line", sms_url="https://example.com/sms.xml"
    )

    updated = numbers(bought.sid).update(
        voice_url="https://example.com/answer.xml", voice_method="GET"
    )

    assert updated.voice_url == "https://example.com/answer.xml"
    assert updated.voice_method == "GET"
    assert updated.friendly_name == "Support line"
    assert updated.sms_url == "https://example.com/sms.xml"
    assert updated.sms_method == "POST"
    assert updated.voice_fallback_url is None
    assert updated.phone_number == bought.phone_number
    assert updated.date_created == bought.date_created
    assert updated.date_updated >= bought.date_updated

    fetched = numbers(bought.sid).fetch()
    assert (fetched.voice_url, fetched.voice_method) == ("https://example.com/answer.xml", "GET")
    assert fetched.sms_url == "https://example.com/sms.xml"


def test_update_through_the_instance(numbers):
    bought = numbers.create(area_code="310")

    updated = bought.update(friendly_name="Renamed")

    assert updated.friendly_name == "Renamed"
    assert numbers(bought.sid).fetch().friendly_name == "Renamed"


def test_caller_id_lookup_can_be_switched_on_and_off(numbers):
    bought = numbers.create(area_code="310")
    assert bought.voice_caller_id_lookup is False

    assert numbers(bought.sid).update(voice_caller_id_lookup=True).voice_caller_id_lookup is True
    assert numbers(bought.sid).fetch().voice_caller_id_lookup is True

    assert numbers(bought.sid).update(voice_caller_id_lookup=False).voice_caller_id_lookup is False
    assert numbers(bought.sid).fetch().voice_caller_id_lookup is False


def test_release_removes_the_number(numbers):
    bought = numbers.create(area_code="310")

    assert numbers(bought.sid).delete() is True

    with pytest.raises(TwilioRestException) as raised:
        numbers(bought.sid).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert bought.sid not in {number.sid for number in numbers.stream(page_size=1000)}


def test_a_released_number_can_be_bought_again(numbers, unowned_number):
    first = numbers.create(phone_number=unowned_number)
    assert first.delete() is True

    again = numbers.create(phone_number=unowned_number)

    assert again.phone_number == unowned_number
    assert again.sid != first.sid
