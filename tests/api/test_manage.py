"""Fetch, update and release one number."""

import time

from api.helpers import assert_error
from conftest import new_account


def buy(account, **form):
    response = account.http.post(account.numbers_path, data={"AreaCode": "310", **form})
    assert response.status_code == 201, response.text
    return response.json()


def test_fetch_returns_what_the_purchase_returned(account):
    number = buy(account, VoiceUrl="https://example.com/v")
    for path in (
        f"{account.numbers_path}/{number['sid']}",
        f"{account.numbers_path}/{number['sid']}.json",
    ):
        response = account.http.get(path)
        assert response.status_code == 200
        assert response.json() == number


def test_fetching_an_unknown_sid_is_20404(account):
    assert_error(
        account.http.get(f"{account.numbers_path}/b3877c40-0000-0000-0000-000000000000"), 404, 20404
    )


def test_update_changes_only_what_is_sent(account):
    number = buy(account, VoiceUrl="https://example.com/v", SmsUrl="https://example.com/s")
    time.sleep(0.002)  # so that date_updated can move by a visible amount
    response = account.http.post(
        f"{account.numbers_path}/{number['sid']}.json",
        data={"VoiceUrl": "https://example.com/new", "VoiceMethod": "GET", "FriendlyName": "Sales"},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["voice_url"] == "https://example.com/new"
    assert updated["voice_method"] == "GET"
    assert updated["friendly_name"] == "Sales"
    assert updated["sms_url"] == "https://example.com/s"
    assert updated["phone_number"] == number["phone_number"]
    assert updated["date_created"] == number["date_created"]
    fetched = account.http.get(f"{account.numbers_path}/{number['sid']}").json()
    assert fetched == updated


def test_update_moves_date_updated(account):
    number = buy(account)
    time.sleep(1.1)  # RFC 2822 dates have one-second resolution
    updated = account.http.post(
        f"{account.numbers_path}/{number['sid']}", data={"SmsMethod": "GET"}
    ).json()
    assert updated["date_updated"] != number["date_updated"]
    assert updated["date_created"] == number["date_created"]


def test_update_can_clear_a_url(account):
    number = buy(account, VoiceUrl="https://example.com/v")
    updated = account.http.post(
        f"{account.numbers_path}/{number['sid']}", data={"VoiceUrl": ""}
    ).json()
    assert updated["voice_url"] is None


def test_update_ignores_area_code_and_phone_number(account):
    number = buy(account)
    updated = account.http.post(
        f"{account.numbers_path}/{number['sid']}",
        data={"PhoneNumber": "+12125551234", "AreaCode": "212"},
    ).json()
    assert updated["phone_number"] == number["phone_number"]


def test_bad_update_changes_nothing(account):
    number = buy(account, VoiceUrl="https://example.com/v")
    response = account.http.post(
        f"{account.numbers_path}/{number['sid']}",
        data={"VoiceUrl": "https://example.com/x", "SmsMethod": "PATCH"},
    )
    assert_error(response, 400, 21209)
    assert (
        account.http.get(f"{account.numbers_path}/{number['sid']}").json()["voice_url"]
        == "https://example.com/v"
    )


def test_updating_an_unknown_sid_is_20404(account):
    assert_error(
        account.http.post(f"{account.numbers_path}/nope", data={"VoiceUrl": ""}), 404, 20404
    )


def test_release_answers_204_with_an_empty_body_and_frees_the_number(account):
    number = buy(account)
    response = account.http.delete(f"{account.numbers_path}/{number['sid']}.json")
    assert response.status_code == 204
    assert response.content == b""
    assert_error(account.http.get(f"{account.numbers_path}/{number['sid']}"), 404, 20404)
    assert account.http.get(account.numbers_path).json()["incoming_phone_numbers"] == []
    again = account.http.post(account.numbers_path, data={"PhoneNumber": number["phone_number"]})
    assert again.status_code == 201
    assert again.json()["sid"] != number["sid"]


def test_releasing_twice_is_20404(account):
    number = buy(account)
    assert account.http.delete(f"{account.numbers_path}/{number['sid']}").status_code == 204
    assert_error(account.http.delete(f"{account.numbers_path}/{number['sid']}"), 404, 20404)


def test_projects_are_isolated(account, db, app_client):
    number = buy(account)
    other = new_account(db, app_client, "other")
    # Through its own account path, the other project cannot see the number exists.
    assert_error(other.http.get(f"{other.numbers_path}/{number['sid']}"), 404, 20404)
    assert_error(
        other.http.post(f"{other.numbers_path}/{number['sid']}", data={"FriendlyName": "mine"}),
        404,
        20404,
    )
    assert_error(other.http.delete(f"{other.numbers_path}/{number['sid']}"), 404, 20404)
    assert other.http.get(other.numbers_path).json()["incoming_phone_numbers"] == []
    # Through the owner's account path, it is refused like bad credentials.
    for method in ("get", "delete"):
        assert_error(
            getattr(other.http, method)(f"{account.numbers_path}/{number['sid']}"), 401, 20003
        )
    assert account.http.get(f"{account.numbers_path}/{number['sid']}").json() == number
