"""The pytest plugin and numbersmith.testing, as a user's test suite meets them: test files run
by pytest in a subprocess (pytester), the plugin loaded from numbersmith's entry point."""

from __future__ import annotations

import importlib.util
import json

import pytest

import numbersmith.testing
from numbersmith.testing import NumbersmithError

#: A user's tests, without an SDK: raw requests, inbound traffic, the journal, isolation.
PLAIN_TESTS = """
from numbersmith.testing import NumbersmithError


def buy(numbersmith, **form):
    path = f"/2010-04-01/Accounts/{numbersmith.project_id}/IncomingPhoneNumbers.json"
    return numbersmith.request("POST", path, list(form.items()))


def test_a_project_of_its_own(numbersmith):
    assert numbersmith.base_url.startswith("http://127.0.0.1:")
    assert numbersmith.signing_key.startswith("PSK_")
    number = buy(numbersmith, AreaCode="415")
    assert number["account_sid"] == numbersmith.project_id


def test_another_project_sees_none_of_that(numbersmith):
    path = f"/2010-04-01/Accounts/{numbersmith.project_id}/IncomingPhoneNumbers.json"
    assert numbersmith.request("GET", path)["incoming_phone_numbers"] == []


def test_inbound_traffic_and_the_journal(numbersmith):
    number = buy(numbersmith, AreaCode="415", SmsUrl="http://127.0.0.1:9/sms")
    exchange = numbersmith.inbound_message(number["phone_number"], "hi", from_="+14155550100")
    call = numbersmith.inbound_call(number["phone_number"], digits=["1"])
    assert exchange["status"] == "failed"  # nothing listens on port 9
    assert call["to"] == number["phone_number"]
    (delivery,) = numbersmith.deliveries()
    assert delivery["error_code"] == 11205
    assert numbersmith.deliveries(phone_number="+14155550199") == []
    assert numbersmith.reset()["numbers_released"] == 1


def test_refusals_carry_the_vendors_code(numbersmith):
    try:
        buy(numbersmith, AreaCode="999")
    except NumbersmithError as error:
        assert (error.status, error.code) == (400, 21451)
    else:
        raise AssertionError("bought in area code 999")
"""


def test_a_suite_gets_a_server_and_a_project_per_test(pytester):
    pytester.makepyfile(PLAIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_projects_are_apart_under_xdist(pytester):
    pytester.makepyfile(PLAIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)


@pytest.mark.skipif(
    importlib.util.find_spec("twilio") is not None, reason="twilio is installed here"
)
def test_a_client_of_an_sdk_that_is_not_installed_says_so(pytester):
    pytester.makepyfile(
        """
        def test_twilio(numbersmith):
            numbersmith.twilio_client()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*SDKNotInstalled: twilio_client() needs the twilio package*pip install twilio*"]
    )


def test_a_suite_attaches_to_a_running_server_with_its_admin_token(pytester, monkeypatch):
    with numbersmith.testing.server() as running:
        pytester.makepyfile(
            f"""
            def test_attached(numbersmith):
                assert numbersmith.base_url == "{running.base_url}"
                assert numbersmith.project_id
            """
        )
        attached = pytester.runpytest_subprocess(
            "-p",
            "no:cacheprovider",
            f"--numbersmith-url={running.base_url}",
            f"--numbersmith-admin-token={running.admin_token}",
        )
        wrong = pytester.runpytest_subprocess(
            "-p",
            "no:cacheprovider",
            f"--numbersmith-url={running.base_url}",
            "--numbersmith-admin-token=wrong",
        )
        monkeypatch.setenv("NUMBERSMITH_URL", running.base_url)
        monkeypatch.delenv("NUMBERSMITH_ADMIN_TOKEN", raising=False)
        tokenless = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    attached.assert_outcomes(passed=1)
    wrong.assert_outcomes(errors=1)
    wrong.stdout.fnmatch_lines(["*refused the admin token*NUMBERSMITH_ADMIN_TOKEN*"])
    tokenless.assert_outcomes(errors=1)
    tokenless.stdout.fnmatch_lines(["*needs its admin token to create a project for each test*"])


def test_the_server_context_manager_for_unittest_and_scripts(tmp_path):
    with numbersmith.testing.server() as running:
        first, second = running.new_project(), running.new_project("second")
        assert first.project_id != second.project_id
        path = f"/2010-04-01/Accounts/{first.project_id}/IncomingPhoneNumbers.json"
        first.request("POST", path, [("AreaCode", "212")])
        with pytest.raises(NumbersmithError) as refused:
            second.request("GET", path)
        assert (refused.value.status, refused.value.code) == (401, 20003)
        directory = running.directory
        assert directory is not None and (directory / "numbersmith.db").exists()
    assert not directory.exists()


SEED = {
    "projects": [
        {
            "project_id": "seeded-project",
            "api_token": "PTseeded",
            "signing_key": "PSK_seeded",
            "numbers": [{"phone_number": "+14153880100", "sms_url": "https://example.com/sms"}],
        }
    ]
}


def test_a_server_started_twice_with_the_same_seed_has_the_same_state(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    database = f"sqlite:///{tmp_path / 'seeded.db'}"
    listings, logs = [], []
    for _ in range(2):
        with numbersmith.testing.server(database_url=database, seed=seed) as running:
            project = numbersmith.testing.Project(
                running.base_url, "seeded-project", "PTseeded", "PSK_seeded"
            )
            path = "/2010-04-01/Accounts/seeded-project/IncomingPhoneNumbers.json"
            listings.append(project.request("GET", path)["incoming_phone_numbers"])
            logs.append(running.log)
    assert listings[0] == listings[1]
    assert "added 2, changed 0" in logs[0]  # the project and its number
    assert "added 0, changed 0" in logs[1]
    assert [number["sms_url"] for number in listings[0]] == ["https://example.com/sms"]


def test_a_bad_seed_stops_the_server_with_the_line(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text("projects:\n  - project_id: p\n    api_token: PT\n    numbers: 3\n")
    with pytest.raises(numbersmith.testing.ServerFailed) as failed:
        numbersmith.testing.start(seed=seed)
    assert f"{seed}: line 4: numbers must be a list" in str(failed.value)
