"""HTTP Basic authentication and token scopes."""

import base64
import time

import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from numbersmith.api.auth import REMEMBER_SECONDS
from numbersmith.provisioning import accounts


def client(app_client, username, password):
    http = TestClient(app_client.app, raise_server_exceptions=False)
    http.auth = (username, password)
    return http


def test_no_credentials(account, app_client):
    http = TestClient(app_client.app, raise_server_exceptions=False)
    response = http.get(account.numbers_path)
    assert_error(response, 401, 20003)
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_token(account, app_client):
    assert_error(
        client(app_client, account.project_id, "PTwrong").get(account.numbers_path), 401, 20003
    )


def test_a_token_is_bound_to_its_project(account, db, app_client):
    other = accounts.create_project(db, "other")
    # The other project's valid token, presented under this project's id.
    http = client(app_client, account.project_id, other.api_token)
    assert_error(http.get(account.numbers_path), 401, 20003)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic",
    ],
)
def test_malformed_authorization_headers(account, app_client, header):
    http = TestClient(app_client.app, raise_server_exceptions=False)
    assert_error(http.get(account.numbers_path, headers={"Authorization": header}), 401, 20003)


def test_a_token_without_the_numbers_scope_is_refused(account, db, app_client):
    token, _ = accounts.create_token(db, account.project_id, ["messaging", "calling"])
    http = client(app_client, account.project_id, token)
    assert_error(http.get(account.numbers_path), 401, 20003)
    assert_error(http.post(account.numbers_path, data={"AreaCode": "310"}), 401, 20003)
    assert account.http.get(account.numbers_path).json()["incoming_phone_numbers"] == []


def test_a_token_with_the_numbers_scope_works(account, db, app_client):
    token, scopes = accounts.create_token(db, account.project_id, ["numbers"])
    assert scopes == ["numbers"]
    http = client(app_client, account.project_id, token)
    assert http.post(account.numbers_path, data={"AreaCode": "310"}).status_code == 201


def test_a_revoked_token_stops_working_within_a_second(account, db, app_client):
    token, _ = accounts.create_token(db, account.project_id, ["numbers"])
    http = client(app_client, account.project_id, token)
    assert http.get(account.numbers_path).status_code == 200
    assert accounts.revoke_token(db, token)
    time.sleep(REMEMBER_SECONDS + 0.1)
    assert_error(http.get(account.numbers_path), 401, 20003)


def test_a_token_never_seen_is_checked_even_after_another_succeeded(account, db, app_client):
    assert account.http.get(account.numbers_path).status_code == 200
    assert_error(
        client(app_client, account.project_id, account.token + "x").get(account.numbers_path),
        401,
        20003,
    )


def test_tokens_are_stored_hashed(account, db):
    import sqlalchemy as sa

    with db.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert account.token not in stored
    assert all(len(value) == 64 for value in stored)


def test_another_accounts_path_reveals_nothing(account, app_client):
    # Whether or not the account in the path exists, the answer is the same.
    for account_sid in ("b3877c40-da60-4998-90ad-b792e98472ac", "not-even-a-uuid"):
        path = f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json"
        assert_error(account.http.get(path), 401, 20003)


def test_ensure_project_makes_fixed_credentials_work(db, app_client):
    project_id = "0b5f7e4a-1d59-4a41-9c0e-6a2f1b1d2c3e"
    credentials = accounts.ensure_project(db, project_id, "PTfixed-ci-token")
    again = accounts.ensure_project(db, project_id, "PTfixed-ci-token")
    assert again.signing_key == credentials.signing_key
    http = client(app_client, project_id, "PTfixed-ci-token")
    assert http.get(f"/2010-04-01/Accounts/{project_id}/IncomingPhoneNumbers").status_code == 200
