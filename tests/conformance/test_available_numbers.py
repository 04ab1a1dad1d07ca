"""Searching for numbers with the SDK, and buying what the search shows."""

import json

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from conftest import INVENTORY


def test_the_countries_on_offer(client):
    countries = {country.country_code for country in client.available_phone_numbers.list()}
    assert countries == {"US", "CA"}


def test_a_number_found_by_area_code_can_be_bought(client):
    found = client.available_phone_numbers("US").local.list(area_code=310, limit=5)
    assert len(found) == 5 and all(n.phone_number.startswith("+1310") for n in found)
    assert all(n.iso_country == "US" and n.region == "CA" for n in found)
    bought = client.incoming_phone_numbers.create(phone_number=found[0].phone_number)
    assert bought.phone_number == found[0].phone_number


def test_contains_takes_keypad_letters(client):
    found = client.available_phone_numbers("US").local.list(contains="STORM", limit=5)
    assert found and all("78676" in n.phone_number for n in found)


def test_a_toll_free_search(client):
    found = client.available_phone_numbers("US").toll_free.list(area_code=800, limit=5)
    assert len(found) == 5 and all(n.phone_number.startswith("+1800") for n in found)


def test_a_filter_signalwire_does_not_support_is_refused(client):
    # A list that fails raises TwilioException("Unable to fetch page", response) in both SDKs.
    with pytest.raises(TwilioException) as raised:
        client.available_phone_numbers("US").local.list(near_number="+13103386745", limit=5)
    response = raised.value.args[1]
    assert response.status_code == 400
    assert json.loads(response.text)["code"] == 90000


def test_an_inventory_search_shows_the_inventory_and_its_numbers_can_be_bought(operator):
    search = operator.available_phone_numbers("US").local
    found = [n.phone_number for n in search.list(area_code=310, limit=100)]
    assert sorted(found) == INVENTORY
    chosen = [n.phone_number for n in search.list(contains="5560007", limit=5)]
    assert chosen == [INVENTORY[7]]
    bought = operator.incoming_phone_numbers.create(phone_number=chosen[0])
    assert bought.phone_number == INVENTORY[7]
    assert INVENTORY[7] not in {n.phone_number for n in search.list(area_code=310, limit=100)}
    with pytest.raises(TwilioRestException) as raised:
        operator.incoming_phone_numbers.create(phone_number="+13105570000")
    assert raised.value.code == 21422
