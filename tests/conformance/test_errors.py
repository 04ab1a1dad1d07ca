"""Refusals reach SDK users as TwilioRestException with the API's status and error code.

(signalwire's REST client is twilio 6 underneath, and raises twilio's exceptions.)
"""

from __future__ import annotations

import json
import uuid

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException


def refusal(call) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value


def test_buying_a_number_already_owned(numbers, unowned_number):
    numbers.create(phone_number=unowned_number)

    error = refusal(lambda: numbers.create(phone_number=unowned_number))

    assert (error.status, error.code) == (400, 21422)


@pytest.mark.parametrize("area_code", ["100", "31", "abc"])
def test_buying_in_a_malformed_area_code(numbers, area_code):
    error = refusal(lambda: numbers.create(area_code=area_code))

    assert (error.status, error.code) == (400, 21451)


def test_buying_without_area_code_or_number(numbers):
    error = refusal(lambda: numbers.create(friendly_name="Nothing to buy"))

    assert (error.status, error.code) == (400, 21421)


@pytest.mark.parametrize("phone_number", ["+1234", "3105550123", "not a number"])
def test_buying_an_invalid_number(numbers, phone_number):
    error = refusal(lambda: numbers.create(phone_number=phone_number))

    assert (error.status, error.code) == (400, 21401)


def test_buying_with_a_bad_voice_url(numbers):
    error = refusal(lambda: numbers.create(area_code="310", voice_url="not-a-url"))

    assert (error.status, error.code) == (400, 21402)


def test_a_refused_update_changes_nothing(numbers):
    bought = numbers.create(area_code="310", voice_url="https://example.com/voice.xml")

    error = refusal(
        lambda: numbers(bought.sid).update(
            voice_url="ftp://example.com/voice.xml", voice_method="GET"
        )
    )

    assert (error.status, error.code) == (400, 21402)
    fetched = numbers(bought.sid).fetch()
    assert (fetched.voice_url, fetched.voice_method) == ("https://example.com/voice.xml", "POST")


@pytest.mark.parametrize(
    "operation",
    [
        lambda number: number.fetch(),
        lambda number: number.update(friendly_name="Nobody's"),
        lambda number: number.delete(),
    ],
    ids=["fetch", "update", "delete"],
)
def test_an_unknown_sid(numbers, operation):
    error = refusal(lambda: operation(numbers(str(uuid.uuid4()))))

    assert (error.status, error.code) == (404, 20404)


def test_releasing_twice(numbers):
    bought = numbers.create(area_code="310")
    assert bought.delete() is True

    error = refusal(bought.delete)

    assert (error.status, error.code) == (404, 20404)


def test_a_wrong_token(client_with_wrong_token, numbers):
    own = numbers.create(area_code="310")

    error = refusal(lambda: client_with_wrong_token.incoming_phone_numbers(own.sid).fetch())

    assert (error.status, error.code) == (401, 20003)


def test_a_wrong_token_cannot_buy(client_with_wrong_token):
    error = refusal(lambda: client_with_wrong_token.incoming_phone_numbers.create(area_code="310"))

    assert (error.status, error.code) == (401, 20003)


def test_a_wrong_token_cannot_list(client_with_wrong_token):
    # The pager raises the generic TwilioException with the raw response, not TwilioRestException.
    with pytest.raises(TwilioException) as raised:
        client_with_wrong_token.incoming_phone_numbers.list(limit=1)
    response = raised.value.args[1]

    assert response.status_code == 401
    assert json.loads(response.text)["code"] == 20003


def test_another_accounts_numbers_are_out_of_reach(client, numbers):
    own = numbers.create(area_code="310")
    elsewhere = client.api.v2010.accounts(str(uuid.uuid4())).incoming_phone_numbers

    # The same answer whether or not the sid exists, so nothing leaks about other accounts.
    for sid in (own.sid, str(uuid.uuid4())):
        error = refusal(lambda: elsewhere(sid).fetch())  # noqa: B023 - called at once
        assert (error.status, error.code) == (401, 20003)
    error = refusal(lambda: elsewhere.create(area_code="310"))
    assert (error.status, error.code) == (401, 20003)
