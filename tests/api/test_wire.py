"""What every client sees regardless of route: errors in JSON, health, the API description."""

from api.helpers import assert_error
from numbersmith.provisioning import numbers


def test_unknown_routes_answer_json_20404(account):
    assert_error(account.http.get("/2010-04-01/Accounts/x/Calls.json"), 404, 20404)
    assert_error(account.http.get("/nothing-here"), 404, 20404)
    # Under numbersmith's own prefix too, which has a router of its own.
    assert_error(account.http.get("/api/numbersmith/v1/Accounts/x/Nothing.json"), 404, 20404)


def test_wrong_methods_answer_json_20004(account):
    assert_error(account.http.put(account.numbers_path), 405, 20004)
    assert_error(account.http.patch(f"{account.numbers_path}/abc"), 405, 20004)
    own = f"/api/numbersmith/v1/Accounts/{account.project_id}/InboundMessages.json"
    assert_error(account.http.get(own), 405, 20004)


def test_head_answers_as_get_does_without_a_body(account):
    sid = account.http.post(account.numbers_path, data={"AreaCode": "310"}).json()["sid"]
    for path in (account.numbers_path + ".json", f"{account.numbers_path}/{sid}.json"):
        got, head = account.http.get(path), account.http.head(path)
        assert head.status_code == got.status_code == 200
        assert head.headers["content-type"] == got.headers["content-type"] == "application/json"
        assert head.content == b""


def test_a_fault_of_the_server_answers_json_20500_and_is_logged(account, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(numbers, "fetch", broken)
    assert_error(account.http.get(f"{account.numbers_path}/abc.json"), 500, 20500)
    assert "the disk is on fire" in caplog.text
    assert account.http.get(account.numbers_path).status_code == 200  # the server carries on


def test_a_body_over_64_kib_is_refused(account):
    response = account.http.post(
        account.numbers_path, data={"AreaCode": "310", "FriendlyName": "x" * 70_000}
    )
    assert_error(response, 413, 20001)
    assert account.http.get(account.numbers_path).json()["incoming_phone_numbers"] == []


def test_a_non_form_body_is_refused(account):
    response = account.http.post(
        account.numbers_path,
        content=b'{"AreaCode": "310"}',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 415, 20001)


def test_a_body_that_is_not_utf8_is_refused(account):
    response = account.http.post(
        account.numbers_path,
        content=b"AreaCode=310&FriendlyName=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400, 20001)


def test_nul_characters_are_refused(account):
    assert_error(
        account.http.post(account.numbers_path, data={"AreaCode": "310", "FriendlyName": "a\x00b"}),
        400,
        20001,
    )


def test_health(app_client):
    response = app_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_describes_every_operation_and_parameter(app_client):
    document = app_client.get("/openapi.json").json()
    collection = document["paths"][
        "/api/laml/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json"
    ]
    instance = document["paths"][
        "/api/laml/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json"
    ]
    assert set(collection) >= {"get", "post"} and set(instance) >= {"get", "post", "delete"}
    create = collection["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"][
        "schema"
    ]
    assert {
        "AreaCode",
        "PhoneNumber",
        "VoiceUrl",
        "VoiceReceiveMode",
        "StatusCallbackMethod",
    } <= set(create["properties"])
    assert "201" in collection["post"]["responses"] and "204" in instance["delete"]["responses"]
    assert document["components"]["schemas"]["Error"]["required"] == [
        "code",
        "message",
        "more_info",
        "status",
    ]


def test_the_docs_page_and_its_assets_are_served(app_client):
    page = app_client.get("/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert app_client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
