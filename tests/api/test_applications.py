"""The Applications resource: create, list, fetch, update, delete; and numbers that name one."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from api.helpers import assert_error
from conftest import new_account
from numbersmith.cli import main
from numbersmith.provisioning import accounts, applications

FIELDS = {
    "account_sid", "api_version", "date_created", "date_updated", "friendly_name",
    "message_status_callback", "sid", "sms_fallback_method", "sms_fallback_url", "sms_method",
    "sms_status_callback", "sms_status_callback_method", "sms_url", "status_callback",
    "status_callback_method", "uri", "voice_caller_id_lookup", "voice_fallback_method",
    "voice_fallback_url", "voice_method", "voice_url",
}  # fmt: skip
META_KEYS = {"uri", "first_page_uri", "next_page_uri", "previous_page_uri", "page", "page_size"}
URLS = (
    "VoiceUrl",
    "VoiceFallbackUrl",
    "StatusCallback",
    "SmsUrl",
    "SmsFallbackUrl",
    "SmsStatusCallback",
)
METHODS = (
    "VoiceMethod", "VoiceFallbackMethod", "StatusCallbackMethod", "SmsMethod", "SmsFallbackMethod",
    "SmsStatusCallbackMethod",
)  # fmt: skip
EVERY_SETTING = {
    "FriendlyName": "Front desk",
    "VoiceUrl": "https://example.com/voice.xml",
    "VoiceMethod": "GET",
    "VoiceFallbackUrl": "https://example.com/voice-fallback.xml",
    "VoiceFallbackMethod": "GET",
    "VoiceCallerIdLookup": "true",
    "StatusCallback": "https://example.com/status",
    "StatusCallbackMethod": "GET",
    "SmsUrl": "http://example.com:8080/sms.xml?x=1",
    "SmsMethod": "GET",
    "SmsFallbackUrl": "https://example.com/sms-fallback.xml",
    "SmsFallbackMethod": "GET",
    "SmsStatusCallback": "https://example.com/sms-status",
    "SmsStatusCallbackMethod": "GET",
}


def path(account, sid: str | None = None, prefix: str = "/2010-04-01") -> str:
    collection = f"{prefix}/Accounts/{account.project_id}/Applications"
    return collection if sid is None else f"{collection}/{sid}"


def create(account, **form):
    response = account.http.post(path(account) + ".json", data={"FriendlyName": "app", **form})
    assert response.status_code == 201, response.text
    return response.json()


def buy(account, **form):
    response = account.http.post(account.numbers_path, data={"AreaCode": "310", **form})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_answers_201_with_every_field_and_the_defaults(account):
    created = create(account, FriendlyName="Front desk")
    assert set(created) == FIELDS
    assert created["friendly_name"] == "Front desk"
    assert created["account_sid"] == account.project_id
    assert created["api_version"] == "2010-04-01"
    assert (
        created["uri"]
        == f"/api/laml/2010-04-01/Accounts/{account.project_id}/Applications/{created['sid']}.json"
    )
    assert created["date_created"] == created["date_updated"]
    assert created["date_created"].endswith(" +0000")  # RFC 2822, UTC
    for name in ("voice_url", "voice_fallback_url", "status_callback", "sms_url", "sms_fallback_url",
                 "sms_status_callback", "message_status_callback"):  # fmt: skip
        assert created[name] is None, name
    for name in ("voice_method", "voice_fallback_method", "status_callback_method", "sms_method",
                 "sms_fallback_method", "sms_status_callback_method"):  # fmt: skip
        assert created[name] == "POST", name
    assert created["voice_caller_id_lookup"] is False
    # A version 7 UUID, as numbers' sids are.
    assert created["sid"][14] == "7" and len(created["sid"]) == 36


def test_every_setting_is_kept_and_fetch_returns_what_create_returned(account):
    created = create(account, **EVERY_SETTING)
    assert created["voice_url"] == "https://example.com/voice.xml"
    assert created["voice_method"] == "GET"
    assert created["voice_fallback_url"] == "https://example.com/voice-fallback.xml"
    assert created["voice_fallback_method"] == "GET"
    assert created["voice_caller_id_lookup"] is True
    assert created["status_callback"] == "https://example.com/status"
    assert created["status_callback_method"] == "GET"
    assert created["sms_url"] == "http://example.com:8080/sms.xml?x=1"
    assert created["sms_method"] == "GET"
    assert created["sms_fallback_url"] == "https://example.com/sms-fallback.xml"
    assert created["sms_fallback_method"] == "GET"
    assert created["sms_status_callback"] == "https://example.com/sms-status"
    assert created["message_status_callback"] == "https://example.com/sms-status"
    assert created["sms_status_callback_method"] == "GET"
    for prefix in ("/2010-04-01", "/api/laml/2010-04-01"):
        for suffix in ("", ".json"):
            response = account.http.get(path(account, created["sid"], prefix) + suffix)
            assert response.status_code == 200, response.text
            assert response.json() == created


def test_both_prefixes_serve_every_route(account):
    laml = "/api/laml/2010-04-01"
    created = account.http.post(path(account, prefix=laml), data={"FriendlyName": "a"})
    assert created.status_code == 201
    sid = created.json()["sid"]
    assert account.http.get(path(account, prefix=laml)).json()["applications"][0]["sid"] == sid
    updated = account.http.post(path(account, sid, laml) + ".json", data={"FriendlyName": "b"})
    assert updated.json()["friendly_name"] == "b"
    assert account.http.delete(path(account, sid, laml) + ".json").status_code == 204


def test_methods_are_read_case_insensitively_and_unknown_parameters_ignored(account):
    created = create(account, VoiceMethod="get", SmsMethod="Post", AccountSid="x", Colour="red")
    assert created["voice_method"] == "GET"
    assert created["sms_method"] == "POST"
    assert set(created) == FIELDS


@pytest.mark.parametrize(
    "form",
    [{}, {"VoiceUrl": "https://example.com/v"}, {"FriendlyName": ""}, {"FriendlyName": "x" * 65}],
)
def test_create_needs_a_friendly_name_of_1_to_64_characters(account, form):
    body = assert_error(account.http.post(path(account), data=form), 400, 20002)
    assert "FriendlyName" in body["message"]
    assert account.http.get(path(account)).json()["applications"] == []


def test_a_friendly_name_of_64_characters_is_accepted(account):
    assert create(account, FriendlyName="é" * 64)["friendly_name"] == "é" * 64


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize(
    "value", ["ftp://example.com/x", "example.com/voice", "https://", "not a url"]
)
def test_a_url_that_is_not_http_is_21402(account, name, value):
    body = assert_error(
        account.http.post(path(account), data={"FriendlyName": "a", name: value}), 400, 21402
    )
    assert name in body["message"]


@pytest.mark.parametrize("name", METHODS)
def test_a_method_other_than_get_or_post_is_21209(account, name):
    body = assert_error(
        account.http.post(path(account), data={"FriendlyName": "a", name: "PUT"}), 400, 21209
    )
    assert name in body["message"]


@pytest.mark.parametrize("form", [
    {"VoiceCallerIdLookup": "maybe"},
    {"FriendlyName": "a\x00b"},
    {"VoiceUrl": "https://example.com/\x00"},
])  # fmt: skip
def test_malformed_parameters_are_20001(account, form):
    assert_error(account.http.post(path(account), data={"FriendlyName": "a", **form}), 400, 20001)


def test_update_needs_a_friendly_name_and_changes_only_what_is_sent(account):
    created = create(account, VoiceUrl="https://example.com/v", SmsUrl="https://example.com/s")
    sid = created["sid"]
    assert_error(
        account.http.post(path(account, sid), data={"VoiceUrl": "https://example.com/w"}),
        400,
        20002,
    )
    assert_error(account.http.post(path(account, sid), data={"FriendlyName": ""}), 400, 20002)
    assert (
        account.http.get(path(account, sid)).json() == created
    )  # a refused update changes nothing
    time.sleep(1.1)  # RFC 2822 dates have one-second resolution
    response = account.http.post(
        path(account, sid) + ".json",
        data={
            "FriendlyName": "renamed",
            "VoiceUrl": "",
            "VoiceMethod": "GET",
            "SmsStatusCallback": "https://example.com/st",
        },
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["friendly_name"] == "renamed"
    assert updated["voice_url"] is None  # an empty URL clears it
    assert updated["voice_method"] == "GET"
    assert updated["sms_url"] == "https://example.com/s"
    assert (
        updated["sms_status_callback"]
        == updated["message_status_callback"]
        == "https://example.com/st"
    )
    assert updated["date_created"] == created["date_created"]
    assert updated["date_updated"] != created["date_updated"]
    assert account.http.get(path(account, sid)).json() == updated


@pytest.mark.parametrize(
    "form",
    [
        {"FriendlyName": "a", "SmsUrl": "mailto:x"},
        {"FriendlyName": "a", "SmsFallbackMethod": "HEAD"},
    ],
)
def test_a_bad_update_changes_nothing(account, form):
    created = create(account, SmsUrl="https://example.com/s")
    assert account.http.post(path(account, created["sid"]), data=form).status_code == 400
    assert account.http.get(path(account, created["sid"])).json() == created


def test_delete_answers_204_with_an_empty_body(account):
    created = create(account)
    response = account.http.delete(path(account, created["sid"]) + ".json")
    assert response.status_code == 204
    assert response.content == b""
    assert_error(account.http.get(path(account, created["sid"])), 404, 20404)
    assert_error(account.http.delete(path(account, created["sid"])), 404, 20404)
    assert account.http.get(path(account)).json()["applications"] == []


@pytest.mark.parametrize("sid", ["b3877c40-0000-0000-0000-000000000000", "nope", "x" * 65, "%00"])
def test_an_unknown_sid_is_20404(account, sid):
    assert_error(account.http.get(path(account, sid)), 404, 20404)
    assert_error(account.http.post(path(account, sid), data={"FriendlyName": "a"}), 404, 20404)
    assert_error(account.http.delete(path(account, sid)), 404, 20404)


def test_another_projects_application_is_not_found(account, db, app_client):
    created = create(account)
    other = new_account(db, app_client, "other")
    # Through its own account path, the other project cannot see the application exists.
    assert_error(other.http.get(path(other, created["sid"])), 404, 20404)
    assert_error(
        other.http.post(path(other, created["sid"]), data={"FriendlyName": "mine"}), 404, 20404
    )
    assert_error(other.http.delete(path(other, created["sid"])), 404, 20404)
    assert other.http.get(path(other)).json()["applications"] == []
    # Through the owner's account path, it is refused like bad credentials.
    assert_error(other.http.get(path(account, created["sid"])), 401, 20003)
    assert_error(other.http.get(path(account)), 401, 20003)
    assert account.http.get(path(account, created["sid"])).json() == created


def test_a_token_needs_the_calling_messaging_or_fax_scope(account, db, app_client):
    created = create(account)
    numbers_only, _ = accounts.create_token(db, account.project_id, ["numbers"])
    http = new_account(db, app_client).http
    http.auth = (account.project_id, numbers_only)
    assert_error(http.get(path(account)), 401, 20003)
    assert_error(http.post(path(account), data={"FriendlyName": "a"}), 401, 20003)
    assert_error(http.delete(path(account, created["sid"])), 401, 20003)
    for scope in ("calling", "messaging", "fax"):
        token, _ = accounts.create_token(db, account.project_id, [scope])
        http.auth = (account.project_id, token)
        assert http.get(path(account, created["sid"])).json() == created, scope


# --- Lists ----------------------------------------------------------------------------------


def pages(account, query):
    """Follow next_page_uri verbatim, as the SDKs do; yield each page."""
    body = account.http.get(path(account) + ".json", params=query).json()
    while True:
        yield body
        if body["next_page_uri"] is None:
            return
        body = account.http.get(body["next_page_uri"]).json()


def test_the_envelope_is_the_numbers_list_envelope_with_applications(account):
    create(account)
    body = account.http.get(path(account)).json()
    assert set(body) == META_KEYS | {"applications"}
    assert body["page"] == 0 and body["page_size"] == 50
    assert body["next_page_uri"] is None and body["previous_page_uri"] is None
    assert body["uri"].startswith(
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/Applications.json?"
    )
    assert body["first_page_uri"] == body["uri"]
    assert set(body["applications"][0]) == FIELDS


def test_paging_visits_every_application_once_newest_first_and_back(account):
    created = [create(account, FriendlyName=f"app {i}")["sid"] for i in range(7)]
    seen, numbers, bodies = [], [], []
    for body in pages(account, {"PageSize": 3}):
        bodies.append(body)
        numbers.append(body["page"])
        seen += [application["sid"] for application in body["applications"]]
    assert seen == list(reversed(created))
    assert numbers == [0, 1, 2]
    # The previous page of the last page is the middle one.
    previous = account.http.get(bodies[2]["previous_page_uri"]).json()
    assert [a["sid"] for a in previous["applications"]] == [
        a["sid"] for a in bodies[1]["applications"]
    ]
    assert previous["page"] == 1


def test_applications_created_while_paging_do_not_shift_pages(account):
    created = [create(account)["sid"] for _ in range(4)]
    first = account.http.get(path(account), params={"PageSize": 2}).json()
    create(account)
    second = account.http.get(first["next_page_uri"]).json()
    assert [a["sid"] for a in second["applications"]] == [created[1], created[0]]


def test_the_friendly_name_filter_is_exact_and_repeated_in_page_uris(account):
    for name in ("ivr", "ivr", "ivr", "IVR", "ivr 2"):
        create(account, FriendlyName=name)
    first = account.http.get(path(account), params={"FriendlyName": "ivr", "PageSize": 2}).json()
    query = parse_qs(urlsplit(first["next_page_uri"]).query)
    assert (
        query["FriendlyName"] == ["ivr"] and query["PageSize"] == ["2"] and query["Page"] == ["1"]
    )
    names = [a["friendly_name"] for body in pages(account, {"FriendlyName": "ivr", "PageSize": 2})
             for a in body["applications"]]  # fmt: skip
    assert names == ["ivr"] * 3


@pytest.mark.parametrize(("query", "code"), [
    ({"PageSize": "0"}, 54454),
    ({"PageSize": "1001"}, 54454),
    ({"Page": "2"}, 54453),
    ({"Page": "1", "PageToken": "garbage"}, 21481),
    ({"Page": "-1"}, 20001),
    ({"FriendlyName": "a\x00"}, 20001),
])  # fmt: skip
def test_bad_paging_is_refused_as_for_numbers(account, query, code):
    assert_error(account.http.get(path(account), params=query), 400, code)


# --- Numbers that name applications ---------------------------------------------------------


def test_a_number_may_name_only_an_application_of_its_project(account, db, app_client):
    own = create(account)["sid"]
    other = new_account(db, app_client, "other")
    theirs = create(other)["sid"]
    number = buy(account, VoiceApplicationSid=own, SmsApplicationSid=own)
    assert number["voice_application_sid"] == number["sms_application_sid"] == own
    assert_error(
        account.http.post(
            account.numbers_path, data={"AreaCode": "310", "SmsApplicationSid": theirs}
        ),
        400,
        21420,
    )
    assert_error(
        account.http.post(
            f"{account.numbers_path}/{number['sid']}", data={"VoiceApplicationSid": theirs}
        ),
        400,
        21420,
    )
    deleted = create(account)["sid"]
    account.http.delete(path(account, deleted))
    assert_error(
        account.http.post(
            f"{account.numbers_path}/{number['sid']}", data={"VoiceApplicationSid": deleted}
        ),
        400,
        21420,
    )


def test_deleting_an_application_clears_it_from_the_numbers_naming_it(account):
    doomed = create(account, FriendlyName="doomed")["sid"]
    kept = create(account, FriendlyName="kept")["sid"]
    both = buy(
        account,
        VoiceApplicationSid=doomed,
        SmsApplicationSid=doomed,
        VoiceUrl="https://example.com/v",
    )
    voice = buy(account, VoiceApplicationSid=doomed, SmsApplicationSid=kept)
    sms = buy(account, SmsApplicationSid=doomed)
    other = buy(account, VoiceApplicationSid=kept)
    numbers = [both, voice, sms, other]
    # Served once before the delete, so that a remembered rendering of the old version exists.
    for number in numbers:
        assert account.http.get(f"{account.numbers_path}/{number['sid']}").json() == number
    assert account.http.get(account.numbers_path).status_code == 200

    assert account.http.delete(path(account, doomed)).status_code == 204

    def current(number):
        return account.http.get(f"{account.numbers_path}/{number['sid']}").json()

    assert (current(both)["voice_application_sid"], current(both)["sms_application_sid"]) == (
        None,
        None,
    )
    assert current(both)["voice_url"] == "https://example.com/v"  # its own URLs apply again
    assert (current(voice)["voice_application_sid"], current(voice)["sms_application_sid"]) == (
        None,
        kept,
    )
    assert current(sms)["sms_application_sid"] is None
    assert current(other) == other  # untouched, not even its version
    listed = {
        n["sid"]: n for n in account.http.get(account.numbers_path).json()["incoming_phone_numbers"]
    }
    assert listed[both["sid"]]["voice_application_sid"] is None
    assert listed[voice["sid"]]["voice_application_sid"] is None
    assert listed[voice["sid"]]["sms_application_sid"] == kept
    assert listed[other["sid"]] == other


def test_the_lookup_for_traffic_gives_every_setting(account, db):
    created = create(account, **EVERY_SETTING)
    found = asyncio.run(applications.get(db, account.project_id, created["sid"]))
    assert found is not None
    assert found.sid == created["sid"] and found.project_id == account.project_id
    assert (found.voice_url, found.voice_method) == ("https://example.com/voice.xml", "GET")
    assert found.voice_caller_id_lookup is True
    assert (found.sms_url, found.sms_fallback_url) == (
        "http://example.com:8080/sms.xml?x=1",
        "https://example.com/sms-fallback.xml",
    )
    assert asyncio.run(applications.get(db, "another-project", created["sid"])) is None
    assert asyncio.run(applications.get(db, account.project_id, "nope")) is None


def test_the_command_line_creates_an_application_the_api_serves(account, db):
    runner = CliRunner()
    environment = {"NUMBERSMITH_DATABASE_URL": str(db.url)}
    made = runner.invoke(
        main,
        ["application", "create", "--project", account.project_id, "--name", "ivr"],
        env=environment,
    )
    assert made.exit_code == 0, made.output
    sid = made.stdout.strip()
    fetched = account.http.get(path(account, sid)).json()
    assert fetched["friendly_name"] == "ivr" and fetched["voice_method"] == "POST"
    assert buy(account, VoiceApplicationSid=sid)["voice_application_sid"] == sid
    too_long = runner.invoke(
        main,
        ["application", "create", "--project", account.project_id, "--name", "x" * 65],
        env=environment,
    )
    assert too_long.exit_code == 1 and "64" in too_long.output
    unknown = runner.invoke(
        main, ["application", "create", "--project", "nope", "--name", "ivr"], env=environment
    )
    assert unknown.exit_code == 1 and "no project" in unknown.output
