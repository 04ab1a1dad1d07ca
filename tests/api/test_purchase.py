"""Buying numbers: POST /Accounts/{AccountSid}/IncomingPhoneNumbers."""

import asyncio
import email.utils
import random
import time
import uuid

import pytest

from api.helpers import assert_error
from numbersmith.numbering import area_code_space
from numbersmith.provisioning import accounts, numbers
from numbersmith.provisioning.supply import SYNTHETIC

SEED_FIELDS = {
    "account_sid", "address_requirements", "address_sid", "api_version", "beta", "capabilities",
    "date_created", "date_updated", "emergency_address_sid", "emergency_status", "friendly_name",
    "identity_sid", "origin", "phone_number", "sid", "sms_application_sid", "sms_fallback_method",
    "sms_fallback_url", "sms_method", "sms_url", "status_callback", "status_callback_method",
    "trunk_sid", "uri", "voice_application_sid", "voice_caller_id_lookup",
    "voice_fallback_method", "voice_fallback_url", "voice_method", "voice_url",
}  # fmt: skip


def buy(account, **form):
    return account.http.post(account.numbers_path + ".json", data=form)


def test_buying_by_area_code_gives_a_number_in_that_area_code(account):
    response = buy(account, AreaCode="310")
    assert response.status_code == 201, response.text
    number = response.json()
    assert number["phone_number"].startswith("+1310")
    assert len(number["phone_number"]) == 12
    assert number["phone_number"][5:8][1:] != "11"
    assert number["friendly_name"] == "{}-{}-{}".format(
        number["phone_number"][2:5], number["phone_number"][5:8], number["phone_number"][8:]
    )
    assert number["country_code"] == "US"


def test_the_representation_has_every_field_with_defaults(account):
    number = buy(account, AreaCode="212").json()
    # The seed's fields, the two SignalWire's schema adds, and one of our deviations; no
    # Twilio-only field such as status.
    assert set(number) == SEED_FIELDS | {"account_id", "country_code", "voice_receive_mode"}
    assert number["account_sid"] == number["account_id"] == account.project_id
    assert number["api_version"] == "2010-04-01"
    assert number["beta"] is True
    assert number["origin"] == "signalwire"
    assert number["capabilities"] == {"Voice": True, "SMS": True, "MMS": True, "Fax": True}
    for method in ("voice_method", "voice_fallback_method", "sms_method", "sms_fallback_method",
                   "status_callback_method"):  # fmt: skip
        assert number[method] == "POST"
    for absent in ("voice_url", "sms_url", "status_callback", "address_sid", "trunk_sid",
                   "voice_application_sid", "sms_application_sid", "emergency_address_sid"):  # fmt: skip
        assert number[absent] is None
    assert number["voice_receive_mode"] == "voice"
    assert number["voice_caller_id_lookup"] is False
    assert number["uri"] == (
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/IncomingPhoneNumbers/{number['sid']}.json"
    )
    created = email.utils.parsedate_to_datetime(number["date_created"])
    assert number["date_created"].endswith("+0000") and created.tzinfo is not None


def test_sids_are_version_7_uuids_in_the_order_of_purchase(account):
    sids = []
    for _ in range(3):
        sids.append(buy(account, AreaCode="310").json()["sid"])
        time.sleep(0.002)  # version 7 orders by the millisecond
    assert all(uuid.UUID(sid).version == 7 and str(uuid.UUID(sid)) == sid for sid in sids)
    assert sids == sorted(sids)


def test_a_canadian_area_code_gives_a_canadian_number(account):
    number = buy(account, AreaCode="416").json()
    assert number["phone_number"].startswith("+1416")
    assert number["country_code"] == "CA"


def test_toll_free_area_codes_are_sold(account):
    assert buy(account, AreaCode="888").json()["phone_number"].startswith("+1888")


def test_only_a_toll_free_number_shows_its_verification(account):
    toll_free = buy(account, AreaCode="800").json()
    assert toll_free["verification_status"] == "Unverified"
    assert account.http.get(toll_free["uri"]).json()["verification_status"] == "Unverified"
    assert "verification_status" not in buy(account, AreaCode="310").json()


def test_buying_an_exact_number_normalises_it(account):
    response = buy(account, PhoneNumber="+1 310 338 6745")
    assert response.status_code == 201, response.text
    assert response.json()["phone_number"] == "+13103386745"
    assert response.json()["friendly_name"] == "310-338-6745"


def test_phone_number_takes_precedence_over_area_code(account):
    number = buy(account, PhoneNumber="+12125560199", AreaCode="310").json()
    assert number["phone_number"] == "+12125560199"


def test_every_parameter_is_stored_and_returned(account, db):
    from numbersmith.provisioning import accounts

    application = accounts.create_application(db, account.project_id, "ivr")
    form = {
        "AreaCode": "415",
        "FriendlyName": "Main line",
        "AddressSid": "b3877c40-da60-4998-90ad-b792e98472ad",
        "IdentitySid": "b3877c40-da60-4998-90ad-b792e98472ri",
        "TrunkSid": "b3877c40-da60-4998-90ad-b792e98472tr",
        "VoiceUrl": "https://example.com/voice.xml",
        "VoiceMethod": "GET",
        "VoiceFallbackUrl": "https://example.com/fallback.xml",
        "VoiceFallbackMethod": "get",
        "VoiceCallerIdLookup": "True",
        "VoiceReceiveMode": "fax",
        "VoiceApplicationSid": application,
        "SmsUrl": "http://example.com/sms",
        "SmsMethod": "GET",
        "SmsFallbackUrl": "https://example.com/sms-fallback",
        "SmsFallbackMethod": "GET",
        "SmsApplicationSid": application,
        "StatusCallback": "https://example.com/status",
        "StatusCallbackMethod": "GET",
    }
    response = buy(account, **form)
    assert response.status_code == 201, response.text
    created = response.json()
    fetched = account.http.get(f"{account.numbers_path}/{created['sid']}").json()
    for number in (created, fetched):
        assert number["friendly_name"] == "Main line"
        assert number["address_sid"] == form["AddressSid"]
        assert number["identity_sid"] == form["IdentitySid"]
        assert number["trunk_sid"] == form["TrunkSid"]
        assert number["voice_url"] == form["VoiceUrl"]
        assert number["voice_method"] == "GET"
        assert number["voice_fallback_url"] == form["VoiceFallbackUrl"]
        assert number["voice_fallback_method"] == "GET"
        assert number["voice_caller_id_lookup"] is True
        assert number["voice_receive_mode"] == "fax"
        assert number["voice_application_sid"] == application
        assert number["sms_url"] == form["SmsUrl"]
        assert number["sms_method"] == "GET"
        assert number["sms_fallback_url"] == form["SmsFallbackUrl"]
        assert number["sms_fallback_method"] == "GET"
        assert number["sms_application_sid"] == application
        assert number["status_callback"] == form["StatusCallback"]
        assert number["status_callback_method"] == "GET"


def test_unknown_parameters_are_ignored(account):
    response = buy(account, AreaCode="310", ApiVersion="2010-04-01", EmergencyStatus="Active",
                   BundleSid="BU123", Beta="false", Origin="hosted")  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["origin"] == "signalwire"


@pytest.mark.parametrize("value,expected", [("true", True), ("True", True), ("FALSE", False)])
def test_booleans_are_read_in_any_case(account, value, expected):
    number = buy(account, AreaCode="310", VoiceCallerIdLookup=value).json()
    assert number["voice_caller_id_lookup"] is expected


def test_both_path_prefixes_and_suffixes_are_served(account):
    for path in (
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/IncomingPhoneNumbers",
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/IncomingPhoneNumbers.json",
        f"/2010-04-01/Accounts/{account.project_id}/IncomingPhoneNumbers",
    ):
        response = account.http.post(path, data={"AreaCode": "646"})
        assert response.status_code == 201, (path, response.text)


def test_an_owned_number_cannot_be_bought_again_by_anyone(account, db, app_client):
    from conftest import new_account

    assert buy(account, PhoneNumber="+13103386745").status_code == 201
    assert_error(buy(account, PhoneNumber="+13103386745"), 400, 21422)
    other = new_account(db, app_client, "other")
    assert_error(buy(other, PhoneNumber="+1 310 338 6745"), 400, 21422)


@pytest.mark.parametrize(
    "form,code",
    [
        ({}, 21421),
        ({"FriendlyName": "no number"}, 21421),
        ({"AreaCode": "100"}, 21451),
        ({"AreaCode": "31"}, 21451),
        ({"AreaCode": "abc"}, 21451),
        ({"AreaCode": "900"}, 21451),
        ({"PhoneNumber": "3103386745"}, 21401),
        ({"PhoneNumber": "+1310338674"}, 21401),
        ({"PhoneNumber": "not a number"}, 21401),
        ({"PhoneNumber": "+13109110000"}, 21422),  # an N11 exchange is never sold
        ({"PhoneNumber": "+442079460000"}, 21422),  # outside the supply
        ({"AreaCode": "310", "FriendlyName": ""}, 20002),
        ({"AreaCode": "310", "FriendlyName": "x" * 65}, 20002),
        ({"AreaCode": "310", "VoiceMethod": "PUT"}, 21209),
        ({"AreaCode": "310", "SmsFallbackMethod": ""}, 21209),
        ({"AreaCode": "310", "VoiceReceiveMode": "sms"}, 21209),
        ({"AreaCode": "310", "VoiceUrl": "example.com/voice"}, 21402),
        ({"AreaCode": "310", "SmsUrl": "ftp://example.com/sms"}, 21402),
        ({"AreaCode": "310", "StatusCallback": "https://"}, 21402),
        ({"AreaCode": "310", "VoiceFallbackUrl": "http://exa mple.com"}, 21402),
        ({"AreaCode": "310", "VoiceApplicationSid": "b3877c40-0000-0000-0000-000000000000"}, 21420),
        ({"AreaCode": "310", "SmsApplicationSid": "nope"}, 21420),
        ({"AreaCode": "310", "VoiceCallerIdLookup": "maybe"}, 20001),
        ({"AreaCode": "310", "TrunkSid": "x" * 65}, 20001),
    ],
)
def test_bad_input_gets_its_error_code(account, form, code):
    assert_error(buy(account, **form), 400, code)
    listed = account.http.get(account.numbers_path).json()["incoming_phone_numbers"]
    assert listed == []  # a refused purchase buys nothing


def test_a_friendly_name_of_64_characters_is_accepted(account):
    assert buy(account, AreaCode="310", FriendlyName="x" * 64).status_code == 201


def test_an_empty_url_means_no_url(account):
    number = buy(account, AreaCode="310", VoiceUrl="").json()
    assert number["voice_url"] is None


def test_error_messages_name_the_parameter(account):
    body = assert_error(buy(account, AreaCode="310", SmsFallbackUrl="nope"), 400, 21402)
    assert "SmsFallbackUrl" in body["message"]


def test_a_number_drawn_that_is_owned_already_gives_way_to_a_free_one(db):
    """A purchase by area code first tries a number drawn at random; when someone owns it, the
    purchase still succeeds, with another number of the area code."""
    project_id = accounts.create_project(db, "p").project_id
    space = area_code_space("415")
    assert space is not None
    drawn = SYNTHETIC.draw(space, random.Random(7))
    assert drawn is not None

    async def buy_twice():
        owned = await numbers.purchase(db, project_id, phone_number=drawn.phone_number)
        other = await numbers.purchase(db, project_id, area_code="415", rng=random.Random(7))
        return owned, other

    owned, other = asyncio.run(buy_twice())
    assert owned.phone_number == drawn.phone_number
    assert other.phone_number != drawn.phone_number and other.phone_number.startswith("+1415")
