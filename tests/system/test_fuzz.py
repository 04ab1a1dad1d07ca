"""Fuzz a real server with requests generated from its own OpenAPI document, then by hand.

Whatever a client sends, the server must never answer 5xx, and every refusal must be the JSON
error the SDKs parse: exactly ``code``, ``message``, ``more_info`` and ``status``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from support.databases import postgres_database
from support.server import Server, running

ERROR_KEYS = {"code", "message", "more_info", "status"}
EXAMPLES_PER_OPERATION = 50


def error_shape_problems(status: int, content_type: str, body: bytes) -> list[str]:
    """Why a non-2xx response is not the vendor's JSON error (empty when it is)."""
    if not content_type.startswith("application/json"):
        return [f"content-type is {content_type!r}"]
    try:
        error = json.loads(body)
    except ValueError:
        return [f"body is not JSON: {body[:200]!r}"]
    if not isinstance(error, dict) or set(error) != ERROR_KEYS:
        return [f"keys are not exactly {sorted(ERROR_KEYS)}: {error!r}"]
    problems = []
    if type(error["code"]) is not int:
        problems.append(f"code is not an integer: {error['code']!r}")
    if not isinstance(error["message"], str):
        problems.append(f"message is not a string: {error['message']!r}")
    if not isinstance(error["more_info"], str):
        problems.append(f"more_info is not a string: {error['more_info']!r}")
    if type(error["status"]) is not int or error["status"] != status:
        problems.append(f"status {error['status']!r} is not the HTTP status {status}")
    return problems


def assert_sound(response: httpx.Response) -> None:
    """No server error; a refusal is the JSON error shape."""
    request = f"{response.request.method} {response.request.url}"
    if response.request.method == "POST" and isinstance(response.request.stream, httpx.ByteStream):
        request += f" body {response.request.content[:200]!r}"
    assert response.status_code < 500, f"{request} -> {response.status_code} {response.text[:500]}"
    if response.status_code >= 300:
        content_type = response.headers.get("content-type", "")
        problems = error_shape_problems(response.status_code, content_type, response.content)
        assert not problems, f"{request} -> {response.status_code}: {problems}"


# --- One server per back end, shared by every test in this module -------------------------

#: The servers create projects over HTTP with it (POST /api/numbersmith/v1/Projects).
ADMIN_TOKEN = "fuzz-admin-token"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "sqlite":
        database = tmp_path_factory.mktemp("fuzz") / "numbersmith.db"
        with running(f"sqlite:///{database}", admin_token=ADMIN_TOKEN) as server:
            yield server
    else:
        with postgres_database() as url, running(url, admin_token=ADMIN_TOKEN) as server:
            yield server


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    # A connection per request: a connection the server drops cannot fail the next request.
    with httpx.Client(
        base_url=server.base_url,
        auth=(server.project_id, server.api_token),
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as client:
        yield client


@pytest.fixture(scope="module")
def numbers_path(server: Server) -> str:
    return f"/2010-04-01/Accounts/{server.project_id}/IncomingPhoneNumbers"


class OwnedNumber:
    """A number the project owns, bought again whenever a fuzzed DELETE releases it (or an
    application, created again whenever a fuzzed DELETE deletes it)."""

    def __init__(
        self, http: httpx.Client, numbers_path: str, form: dict[str, str] | None = None
    ) -> None:
        self.http = http
        self.numbers_path = numbers_path
        self.form = form or {"AreaCode": "415"}
        self.sid: str | None = None

    def current(self) -> str:
        if self.sid is None:
            bought = self.http.post(self.numbers_path + ".json", data=self.form)
            assert bought.status_code == 201, bought.text
            self.sid = bought.json()["sid"]
        return self.sid

    def forget_if_released(self, method: str, sid: str, status: int) -> None:
        if method == "DELETE" and status == 204 and sid == self.sid:
            self.sid = None


@pytest.fixture(scope="module")
def owned_number(http: httpx.Client, numbers_path: str) -> OwnedNumber:
    return OwnedNumber(http, numbers_path)


@pytest.fixture(scope="module")
def owned_application(http: httpx.Client, server: Server) -> OwnedNumber:
    path = f"/2010-04-01/Accounts/{server.project_id}/Applications"
    return OwnedNumber(http, path, {"FriendlyName": "fuzzed"})


class Traffic:
    """A number that fuzzed requests never change, for simulations that must reach it (bought
    again after a fuzzed Reset releases it), and the last exchange simulated with it."""

    ROUTES = ("/InboundMessages", "/InboundCalls", "/Deliveries")

    def __init__(self, http: httpx.Client, numbers_path: str) -> None:
        self.http = http
        self.numbers_path = numbers_path
        self.phone_number: str | None = None
        self.exchanges: dict[str, str] = {}  # kind ("InboundMessages"…) → the last sid

    @classmethod
    def handles(cls, case: schemathesis.Case) -> bool:
        return any(route in case.path for route in cls.ROUTES)

    def realistic(self, case: schemathesis.Case) -> None:
        """Aim a simulation at the number with what it needs; name a journalled exchange."""
        kind = case.path.rstrip("/").split("/")[6]
        if case.method.upper() == "POST":
            if self.phone_number is None:
                bought = self.http.post(self.numbers_path + ".json", data={"AreaCode": "415"})
                assert bought.status_code == 201, bought.text
                self.phone_number = bought.json()["phone_number"]
            case.body = {"To": self.phone_number, "Body": "fuzzed"}
        elif kind in self.exchanges and case.path_parameters:
            case.path_parameters["Sid"] = self.exchanges[kind]

    def remember(self, case: schemathesis.Case, response: schemathesis.Response) -> None:
        if case.method.upper() == "POST" and response.status_code == 201:
            self.exchanges[case.path.rstrip("/").split("/")[6]] = response.json()["sid"]

    def forget(self) -> None:
        """A reset released the number and forgot the journal."""
        self.phone_number = None
        self.exchanges.clear()


@pytest.fixture(scope="module")
def traffic(http: httpx.Client, numbers_path: str) -> Traffic:
    return Traffic(http, numbers_path)


@pytest.fixture(scope="module")
def operations(server: Server) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(server.base_url + "/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 5, "the OpenAPI document lost operations"
    return found


#: Generating cases costs far more than answering them, so the generated tests run on one back
#: end; the hand-made requests below run on both.
GENERATED_ON_SQLITE = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def fuzz(
    strategy: SearchStrategy, test: Callable[..., None], examples: int = EXAMPLES_PER_OPERATION
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(strategy)
    def run(drawn: Any) -> None:
        test(drawn)

    run()


def check_case(case: schemathesis.Case, response: schemathesis.Response) -> None:
    request = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, (
        f"{request} -> {response.status_code} {response.text[:500]}\n{case.as_curl_command()}"
    )
    if response.status_code >= 300:
        content_type = ",".join(response.headers.get("content-type", []))
        problems = error_shape_problems(response.status_code, content_type, response.content)
        assert not problems, (
            f"{request} -> {response.status_code}: {problems}\n{case.as_curl_command()}"
        )


@GENERATED_ON_SQLITE
@pytest.mark.parametrize("mode", list(GenerationMode))
def test_generated_requests_with_credentials(
    server: Server,
    operations: list[schemathesis.APIOperation],
    owned_number: OwnedNumber,
    owned_application: OwnedNumber,
    traffic: Traffic,
    mode: GenerationMode,
) -> None:
    credentials = base64.b64encode(f"{server.project_id}:{server.api_token}".encode()).decode()
    succeeded: set[str] = set()

    def authorization(operation: schemathesis.APIOperation) -> str:
        # Projects are created with the server's admin token; everything else as the project.
        if operation.path.endswith("/Projects"):
            return f"Bearer {ADMIN_TOKEN}"
        return f"Basic {credentials}"

    def call(drawn: tuple[schemathesis.Case, bool]) -> None:
        case, realistic = drawn
        # Random sids and area codes only ever reach the refusals. Half the requests name a
        # number (or application) the project owns, or an area code with free numbers, so that
        # purchases, updates and releases with generated settings really happen.
        if Traffic.handles(case):
            if realistic:
                traffic.realistic(case)
            response = case.call()
            check_case(case, response)
            traffic.remember(case, response)
            if 200 <= response.status_code < 300:
                succeeded.add(case.operation.label)
                case.validate_response(response, checks=[response_schema_conformance])
            return
        owned = owned_application if "/Applications" in case.path else owned_number
        sid = (case.path_parameters or {}).get("Sid")
        if realistic and sid is not None:
            sid = case.path_parameters["Sid"] = owned.current()
        is_purchase = case.method.upper() == "POST" and sid is None and owned is owned_number
        if realistic and is_purchase and isinstance(case.body, dict):
            case.body.pop("PhoneNumber", None)
            case.body["AreaCode"] = "415"
        response = case.call()
        check_case(case, response)
        if 200 <= response.status_code < 300:
            succeeded.add(case.operation.label)
            # A success must be the documented representation: the SDKs read every key.
            case.validate_response(response, checks=[response_schema_conformance])
        owned.forget_if_released(case.method.upper(), sid, response.status_code)
        if case.path.endswith("/Reset") and 200 <= response.status_code < 300:
            owned_number.sid = owned_application.sid = None  # the reset released them
            traffic.forget()

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not (len(operation.query) or len(operation.body)):
            continue  # with account and credentials fixed, a fetch or release has nothing to break
        strategy = operation.as_strategy(
            mode,
            # Requests name the server's own account with its credentials, so they get past
            # authentication and reach the endpoint's own validation.
            path_parameters={"AccountSid": server.project_id},
            headers={"Authorization": authorization(operation)},
        )
        fuzz(st.tuples(strategy, st.booleans()), call)
    if mode is GenerationMode.POSITIVE:
        labels = {operation.label for operation in operations}
        assert succeeded == labels, f"never succeeded: {sorted(labels - succeeded)}"


@GENERATED_ON_SQLITE
@pytest.mark.parametrize("mode", list(GenerationMode))
def test_generated_requests_without_credentials(
    server: Server, operations: list[schemathesis.APIOperation], mode: GenerationMode
) -> None:
    def call(case: schemathesis.Case) -> None:
        response = case.call()
        check_case(case, response)
        assert response.status_code in (401, 404, 405), (
            f"{case.method} {case.formatted_path} without credentials -> {response.status_code}"
        )

    for operation in operations:
        # No credentials: the Authorization header, when there is one, is generated garbage.
        strategy = operation.as_strategy(mode, path_parameters={"AccountSid": server.project_id})
        fuzz(strategy, call, examples=EXAMPLES_PER_OPERATION // 2)


# --- Hand-made hostile requests -----------------------------------------------------------


def test_malformed_percent_encoding(http: httpx.Client, numbers_path: str) -> None:
    assert_sound(http.get(numbers_path + ".json?PhoneNumber=%ZZ%4"))
    assert_sound(http.get(numbers_path + ".json?PageSize=%G1&PageToken=%"))
    for path in ("/%ZZ.json", "/%C0%AF.json", "/%"):
        response = http.get(numbers_path + path)
        assert_sound(response)
        assert response.status_code == 404, path
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in (b"AreaCode=%E0%A4%A&FriendlyName=%", b"AreaCode=\xff\xfe", b"%%%=%%%&&=="):
        response = http.post(numbers_path + ".json", content=body, headers=form)
        assert_sound(response)
        assert response.status_code == 400, body


def test_oversized_body(http: httpx.Client, numbers_path: str) -> None:
    body = {"AreaCode": "310", "FriendlyName": "x" * 70_000}
    response = http.post(numbers_path + ".json", data=body)
    assert_sound(response)
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is only known while reading
        yield b"AreaCode=310&FriendlyName="
        for _ in range(70):
            yield b"x" * 1000

    response = http.post(
        numbers_path + ".json",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_sound(response)
    assert response.status_code == 413


def test_wrong_content_type(http: httpx.Client, numbers_path: str) -> None:
    response = http.post(numbers_path + ".json", json={"AreaCode": "310"})
    assert_sound(response)
    assert response.status_code == 415
    response = http.post(numbers_path + ".json", files={"AreaCode": (None, "310")})
    assert_sound(response)
    assert response.status_code == 415
    for content_type in ("text/plain", ";;;", "application/x-www-form-urlencodedx"):
        response = http.post(
            numbers_path + ".json", content=b"AreaCode=310", headers={"Content-Type": content_type}
        )
        assert_sound(response)
        assert response.status_code == 415, content_type


def test_unknown_routes(server: Server, http: httpx.Client) -> None:
    for path in (
        "/index.html",  # "/" itself is the home page, linking to the dashboard and the docs
        "/nope",
        "/2010-04-01/Accounts",
        f"/2010-04-01/Accounts/{server.project_id}/Calls.json",
        f"/api/laml/2010-04-01/Accounts/{server.project_id}/IncomingPhoneNumbers/a/b.json",
        "/" + "x" * 4000,
    ):
        response = http.get(path)
        assert_sound(response)
        assert response.status_code == 404, path
        assert response.json()["code"] == 20404


def test_wrong_methods(http: httpx.Client, numbers_path: str) -> None:
    for method, path in (
        ("PUT", numbers_path + ".json"),
        ("PATCH", numbers_path + ".json"),
        ("DELETE", numbers_path + ".json"),
        ("PUT", numbers_path + "/some-sid.json"),
        ("POST", "/healthz"),
        ("DELETE", "/openapi.json"),
    ):
        response = http.request(method, path)
        assert_sound(response)
        assert response.status_code == 405, (method, path)


def test_nul_bytes(http: httpx.Client, numbers_path: str) -> None:
    for form in (
        {"AreaCode": "310\x00"},
        {"PhoneNumber": "+1310\x00555"},
        {"AreaCode": "310", "FriendlyName": "a\x00b"},
        {"AreaCode": "310", "VoiceUrl": "https://example.com/\x00"},
        {"AreaCode": "310", "VoiceApplicationSid": "\x00"},
    ):
        response = http.post(numbers_path + ".json", data=form)
        assert_sound(response)
        assert response.status_code == 400, form
    assert_sound(http.post(numbers_path + ".json", data={"AreaCode": "310", "Unknown\x00": "x"}))
    for query in ({"PhoneNumber": "\x00"}, {"FriendlyName": "a\x00"}, {"PageToken": "PA\x00"}):
        response = http.get(numbers_path + ".json", params=query)
        assert_sound(response)
        assert response.status_code == 400, query
    for method in ("GET", "POST", "DELETE"):
        response = http.request(method, numbers_path + "/%00.json")
        assert_sound(response)
        assert response.status_code == 404, method


def test_area_codes_written_in_other_digits(http: httpx.Client, numbers_path: str) -> None:
    # Unicode has other digits than 0-9 (superscript, Arabic-Indic, full-width). A purchase may
    # refuse them or understand them, but a number it sells must be plain E.164.
    for area_code in ("²²²", "٣١٠", "３１０"):
        response = http.post(numbers_path + ".json", data={"AreaCode": area_code})
        assert_sound(response)
        if response.status_code == 201:
            assert re.fullmatch(r"\+1310[0-9]{7}", response.json()["phone_number"]), response.text
        else:
            assert (response.status_code, response.json()["code"]) == (400, 21451), area_code


def test_huge_and_invalid_page_sizes(http: httpx.Client, numbers_path: str) -> None:
    # "²" and "٣" are Unicode digits, but not integers a client could mean.
    for size in ("99999999999999999999999999", "1001", "0", "-1", "1e3", "", " ", "²", "٣"):
        response = http.get(numbers_path + ".json", params={"PageSize": size})
        assert_sound(response)
        assert response.status_code == 400, size
        assert response.json()["code"] == 54454, size


def test_garbage_page_tokens(http: httpx.Client, numbers_path: str) -> None:
    for token in (
        "garbage",
        "PA",
        "PA!!!!",
        "PB====",
        "PA" + "A" * 5000,
        "PAOTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",  # 99999999999999999999999
        "PAMA",  # 0
        "PALTE",  # -1
    ):
        response = http.get(numbers_path + ".json", params={"PageToken": token, "Page": "1"})
        assert_sound(response)
        assert response.status_code == 400, token
        assert response.json()["code"] == 21481, token


def test_page_tokens_beyond_32_bit_row_ids(http: httpx.Client, numbers_path: str) -> None:
    # Well-formed tokens for rows that never existed: a page or a refusal, never a crash.
    for row_id in (2**31 - 1, 2**31, 10**17):
        for direction in ("PA", "PB"):
            token = direction + base64.urlsafe_b64encode(str(row_id).encode()).decode().rstrip("=")
            assert_sound(http.get(numbers_path + ".json", params={"PageToken": token, "Page": "1"}))


def test_invalid_page_numbers(http: httpx.Client, numbers_path: str) -> None:
    response = http.get(numbers_path + ".json", params={"Page": "3"})
    assert_sound(response)
    assert response.json()["code"] == 54453
    for page in ("9" * 40, "-1", "²", "1.5"):
        for query in ({"Page": page}, {"Page": page, "PageToken": "PAMQ"}):
            response = http.get(numbers_path + ".json", params=query)
            assert_sound(response)
            assert response.status_code == 400, query


def test_bad_credentials(server: Server, numbers_path: str) -> None:
    url = server.base_url + numbers_path + ".json"
    for authorization in (
        None,
        "Basic",
        "Basic !!!!",
        "Basic " + "A" * 10_000,
        "Basic dXNlcg==",  # "user": no colon
        "Basic /w==",  # not UTF-8
        "Bearer " + server.api_token,
    ):
        headers = {"Authorization": authorization} if authorization else {}
        response = httpx.get(url, headers=headers)
        assert_sound(response)
        assert response.status_code == 401, authorization
        assert response.json()["code"] == 20003
    response = httpx.get(url, auth=(server.project_id, server.api_token + "x"))
    assert response.status_code == 401
    assert_sound(response)
    other_account = "00000000-0000-0000-0000-000000000000"
    response = httpx.get(
        f"{server.base_url}/2010-04-01/Accounts/{other_account}/IncomingPhoneNumbers.json",
        auth=(server.project_id, server.api_token),
    )
    assert_sound(response)
    assert response.status_code == 401


def test_server_still_healthy(server: Server, http: httpx.Client, numbers_path: str) -> None:
    # Runs last in this module: after everything above, ordinary requests still work.
    assert httpx.get(server.base_url + "/healthz").status_code == 200
    bought = http.post(numbers_path + ".json", data={"AreaCode": "212"})
    assert bought.status_code == 201, bought.text
    assert http.get(bought.json()["uri"]).status_code == 200
