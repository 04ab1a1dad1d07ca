"""The flavour on the command line: ``project create --json`` keeps its keys in both flavours and
adds the test credentials in Twilio's, and ``serve`` refuses a flavour other than its
database's, saying why. On both back ends."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from numbersmith.cli import main


def project_create(database_url: str, **env: str) -> dict[str, str]:
    result = CliRunner().invoke(
        main,
        ["project", "create", "--name", "cli", "--json"],
        env={"NUMBERSMITH_DATABASE_URL": database_url, **env},
    )
    assert result.exit_code == 0, result.output
    created: dict[str, str] = json.loads(result.stdout)
    return created


def test_project_create_in_signalwire_s_flavour(db, database_url):
    created = project_create(database_url)
    assert set(created) == {"project_id", "api_token", "signing_key"}
    assert created["signing_key"].startswith("PSK_")


def test_project_create_in_twilio_s_flavour_adds_test_credentials(db, database_url):
    created = project_create(database_url, NUMBERSMITH_FLAVOR="twilio")
    assert set(created) == {
        "project_id",
        "api_token",
        "signing_key",
        "test_project_id",
        "test_api_token",
    }
    assert re.fullmatch(r"AC[0-9a-f]{32}", created["project_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", created["api_token"])
    assert created["signing_key"] == created["api_token"]
    assert re.fullmatch(r"AC[0-9a-f]{32}", created["test_project_id"])
    # A later project follows the database's flavour without being told.
    assert project_create(database_url)["project_id"].startswith("AC")


def test_application_create_gives_an_ap_sid_in_twilio_s_flavour(db, database_url):
    created = project_create(database_url, NUMBERSMITH_FLAVOR="twilio")
    result = CliRunner().invoke(
        main,
        ["application", "create", "--project", created["project_id"], "--name", "app"],
        env={"NUMBERSMITH_DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"AP[0-9a-f]{32}", result.stdout.strip())


def test_the_other_flavour_is_refused_with_the_reason(db, database_url):
    project_create(database_url, NUMBERSMITH_FLAVOR="twilio")
    env = {"NUMBERSMITH_DATABASE_URL": database_url}
    refused = [
        CliRunner().invoke(main, ["serve", "--flavor", "signalwire"], env=env),
        CliRunner().invoke(
            main,
            ["project", "create", "--name", "x"],
            env={**env, "NUMBERSMITH_FLAVOR": "signalwire"},
        ),
    ]
    for result in refused:
        assert result.exit_code == 1, result.output
        assert "created for the twilio flavour" in result.output
        assert "--flavor twilio" in result.output
