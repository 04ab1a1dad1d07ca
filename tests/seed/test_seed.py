"""Applying a seed, on both back ends: fixed credentials that work, numbers and applications
with their settings, inventory ranges; the same seed twice changes nothing; conflicts refused."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from numbersmith.api.app import create_app
from numbersmith.cli import main
from numbersmith.config import Settings
from numbersmith.provisioning import accounts, inventory, seed_file
from numbersmith.provisioning.seed import SeedError, apply
from numbersmith.provisioning.supply import supply_named
from seed.test_seed_file import YAML

PROJECT = "11111111-2222-3333-4444-555555555555"
APPLICATION = "0193a6f0-0000-7000-8000-000000000001"


def client(db, supply: str = "synthetic") -> TestClient:
    app = create_app(Settings(database_url=str(db.url), supply=supply), database=db)
    http = TestClient(app, raise_server_exceptions=False)
    http.auth = (PROJECT, "PTsecret")
    return http


def snapshot(http: TestClient) -> tuple[list[dict], list[dict]]:
    base = f"/2010-04-01/Accounts/{PROJECT}"
    numbers = http.get(f"{base}/IncomingPhoneNumbers.json")
    applications = http.get(f"{base}/Applications.json")
    assert numbers.status_code == applications.status_code == 200, numbers.text
    return numbers.json()["incoming_phone_numbers"], applications.json()["applications"]


@pytest.mark.parametrize("supply", ["synthetic", "inventory"])
def test_a_seed_gives_fixed_credentials_numbers_and_applications(db, supply):
    seed = seed_file.parse(YAML.replace("+14153880100", "+13103380005"))

    report = apply(db, seed, supply_named(supply))

    assert (report.added, report.changed, report.inventory_added) == (3, 0, 10)
    with client(db, supply) as http:
        (number,), (application,) = snapshot(http)
    assert number["phone_number"] == "+13103380005"
    assert number["sms_url"] == "https://example.com/sms"
    assert number["voice_application_sid"] == APPLICATION
    assert number["voice_caller_id_lookup"] is True
    assert application["sid"] == APPLICATION
    assert application["voice_url"] == "https://example.com/voice"
    if supply == "inventory":  # the number came from the seeded range: without SMS
        assert number["capabilities"]["SMS"] is False
        assert inventory.stats(db)[0].owned == 1
    assert accounts.ensure_project(db, PROJECT, "PTsecret").signing_key == "PSK_fixed"


def test_the_same_seed_twice_changes_nothing(db):
    seed = seed_file.parse(YAML)
    apply(db, seed, supply_named("synthetic"))
    with client(db) as http:
        before = snapshot(http)

    again = apply(db, seed, supply_named("synthetic"))

    assert (again.added, again.changed, again.inventory_added) == (0, 0, 0)
    with client(db) as http:
        assert snapshot(http) == before


def test_a_changed_seed_sets_what_it_names_and_keeps_the_rest(db):
    apply(db, seed_file.parse(YAML), supply_named("synthetic"))
    with client(db) as http:
        http.post(
            f"/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers.json", data={"AreaCode": "212"}
        )
    changed = YAML.replace("https://example.com/sms", "https://example.com/sms2")

    report = apply(db, seed_file.parse(changed), supply_named("synthetic"))

    assert (report.added, report.changed) == (0, 1)
    with client(db) as http:
        numbers, _ = snapshot(http)
    assert len(numbers) == 2  # the number bought meanwhile is not the seed's to delete
    seeded = next(n for n in numbers if n["phone_number"] == "+14153880100")
    assert seeded["sms_url"] == "https://example.com/sms2"
    assert seeded["voice_caller_id_lookup"] is True


def test_a_number_of_another_project_is_refused_with_its_line_and_nothing_kept(db):
    other = accounts.create_project(db, "other")
    with client(db) as http:
        bought = http.post(
            f"/2010-04-01/Accounts/{other.project_id}/IncomingPhoneNumbers.json",
            data={"PhoneNumber": "+14153880100"},
            auth=(other.project_id, other.api_token),
        )
        assert bought.status_code == 201

    with pytest.raises(SeedError) as refused:
        apply(db, seed_file.parse(YAML), supply_named("synthetic"))

    assert refused.value.line == 15
    assert refused.value.reason == "+14153880100 belongs to another project"
    # The projects' transaction rolled back: the seed's project does not exist.
    assert asyncio.run(accounts.authenticate(db, PROJECT, "PTsecret")) is None


def test_a_token_of_another_project_is_refused(db):
    other = accounts.create_project(db, "other")
    text = YAML.replace("PTsecret", other.api_token)
    with pytest.raises(SeedError) as refused:
        apply(db, seed_file.parse(text), supply_named("synthetic"))
    assert refused.value.line == 6
    assert "another project" in refused.value.reason


def test_an_application_a_number_names_must_be_the_projects(db):
    text = YAML.replace(f"voice_application_sid: {APPLICATION}", "voice_application_sid: nope")
    with pytest.raises(SeedError) as refused:
        apply(db, seed_file.parse(text), supply_named("synthetic"))
    assert refused.value.line == 15
    assert "voice_application_sid nope" in refused.value.reason


def test_serve_refuses_a_bad_seed_file_before_serving(db, tmp_path):
    bad = tmp_path / "seed.yaml"
    bad.write_text("projects:\n  - project_id: p\n    api_token: PT\n    colour: red\n")

    done = CliRunner().invoke(
        main, ["serve", "--seed", str(bad)], env={"NUMBERSMITH_DATABASE_URL": str(db.url)}
    )

    assert done.exit_code == 1
    assert f"{bad}: line 4: unknown key 'colour'" in done.stderr
