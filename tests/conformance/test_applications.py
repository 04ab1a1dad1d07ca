"""Applications, written as the SDKs' users write them: create, list, fetch, update, delete,
and numbers handing their traffic to one."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from twilio.base.exceptions import TwilioRestException


@pytest.fixture
def applications(client):
    return client.applications


def refusal(call) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def test_creating_an_application_gives_its_defaults(applications, numbersmith):
    application = applications.create(friendly_name="Front desk")

    assert application.friendly_name == "Front desk"
    assert application.account_sid == numbersmith.project_id
    assert application.api_version == "2010-04-01"
    assert application.uri == (
        f"/api/laml/2010-04-01/Accounts/{numbersmith.project_id}/Applications/{application.sid}.json"
    )
    assert str(uuid.UUID(application.sid)) == application.sid
    assert application.voice_url is None
    assert application.voice_method == "POST"
    assert application.voice_fallback_method == "POST"
    assert application.sms_url is None
    assert application.sms_method == "POST"
    assert application.status_callback is None
    assert application.sms_status_callback is None
    assert application.voice_caller_id_lookup is False
    # The client parses RFC 2822 dates and gives None for anything else.
    assert isinstance(application.date_created, datetime)
    assert isinstance(application.date_updated, datetime)


def test_settings_given_at_creation_are_kept_and_fetched(applications):
    created = applications.create(
        friendly_name="IVR",
        voice_url="https://example.com/voice.xml",
        voice_method="GET",
        voice_fallback_url="https://example.com/fallback.xml",
        voice_caller_id_lookup=True,
        status_callback="https://example.com/status",
        sms_url="https://example.com/sms.xml",
        sms_fallback_url="https://example.com/sms-fallback.xml",
        sms_status_callback="https://example.com/sms-status",
    )

    fetched = applications(created.sid).fetch()

    for application in (created, fetched):
        assert application.voice_url == "https://example.com/voice.xml"
        assert application.voice_method == "GET"
        assert application.voice_fallback_url == "https://example.com/fallback.xml"
        assert application.voice_caller_id_lookup is True
        assert application.status_callback == "https://example.com/status"
        assert application.sms_url == "https://example.com/sms.xml"
        assert application.sms_fallback_url == "https://example.com/sms-fallback.xml"
        assert application.sms_status_callback == "https://example.com/sms-status"
    assert fetched.sid == created.sid
    assert fetched.date_created == created.date_created


def test_updating_changes_only_what_is_sent(applications):
    created = applications.create(friendly_name="Before", sms_url="https://example.com/sms.xml")

    updated = applications(created.sid).update(
        friendly_name="After", voice_url="https://example.com/voice.xml", voice_method="GET"
    )

    assert updated.friendly_name == "After"
    assert updated.voice_url == "https://example.com/voice.xml"
    assert updated.voice_method == "GET"
    assert updated.sms_url == "https://example.com/sms.xml"
    assert applications(created.sid).fetch().friendly_name == "After"


def test_a_friendly_name_is_required_on_create_and_update(applications):
    error = refusal(lambda: applications.create(voice_url="https://example.com/voice.xml"))
    assert (error.status, error.code) == (400, 20002)

    created = applications.create(friendly_name="Named")
    error = refusal(lambda: applications(created.sid).update(voice_url="https://example.com/v.xml"))
    assert (error.status, error.code) == (400, 20002)
    error = refusal(lambda: applications.create(friendly_name="x" * 65))
    assert (error.status, error.code) == (400, 20002)


def test_bad_settings_are_refused_with_the_numbers_codes(applications):
    error = refusal(lambda: applications.create(friendly_name="a", voice_url="not-a-url"))
    assert (error.status, error.code) == (400, 21402)
    error = refusal(lambda: applications.create(friendly_name="a", sms_method="PUT"))
    assert (error.status, error.code) == (400, 21209)


def test_listing_pages_through_applications_newest_first(applications):
    name = unique("listed")
    created = [applications.create(friendly_name=name).sid for _ in range(5)]

    listed = applications.list(friendly_name=name, page_size=2)
    streamed = list(applications.stream(friendly_name=name, page_size=2))

    assert [application.sid for application in listed] == list(reversed(created))
    assert [application.sid for application in streamed] == list(reversed(created))
    assert len(applications.list(friendly_name=name, limit=3)) == 3
    assert applications.list(friendly_name=unique("nobody")) == []


def test_deleting_an_application(applications):
    created = applications.create(friendly_name="Short-lived")

    assert applications(created.sid).delete() is True

    error = refusal(lambda: applications(created.sid).fetch())
    assert (error.status, error.code) == (404, 20404)
    error = refusal(lambda: applications(created.sid).delete())
    assert (error.status, error.code) == (404, 20404)


def test_a_number_hands_its_traffic_to_an_application_until_it_is_deleted(client, numbers):
    application = client.applications.create(friendly_name="Handler")
    number = numbers.create(
        area_code="310",
        voice_application_sid=application.sid,
        sms_application_sid=application.sid,
        voice_url="https://example.com/own-voice.xml",
    )
    assert number.voice_application_sid == application.sid
    assert numbers(number.sid).fetch().sms_application_sid == application.sid

    client.applications(application.sid).delete()

    fetched = numbers(number.sid).fetch()
    assert fetched.voice_application_sid is None
    assert fetched.sms_application_sid is None
    assert fetched.voice_url == "https://example.com/own-voice.xml"


def test_a_number_cannot_name_an_application_that_does_not_exist(numbers):
    error = refusal(lambda: numbers.create(area_code="310", sms_application_sid=str(uuid.uuid4())))
    assert (error.status, error.code) == (400, 21420)
