"""``numbersmith simulate`` through click, on a SQLite file, against a real receiver."""

from __future__ import annotations

import json

from click.testing import CliRunner

from numbersmith.cli import main
from numbersmith.provisioning import accounts, numbers
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from support.receiver import receiving

MENU = '<Response><Gather numDigits="2" action="/menu"><Say>Your code?</Say></Gather></Response>'


def own_number(url: str, **settings: str) -> str:
    import asyncio

    db = Database(url)
    upgrade(db)
    project = accounts.create_project(db, "cli")
    number = asyncio.run(
        numbers.purchase(
            db, project.project_id, phone_number=None, area_code="415", settings=settings
        )
    )
    db.dispose()
    return number.phone_number


def test_simulate_a_message_prints_the_request_and_the_reply(tmp_path):
    url = f"sqlite:///{tmp_path / 'numbersmith.db'}"
    with receiving() as receiver:
        number = own_number(
            url, sms_url=receiver.answer("/sms", "<Response><Message>pong</Message></Response>")
        )
        result = CliRunner().invoke(
            main,
            ["simulate", "message", "--to", number, "--from", "+14155550100", "--body", "ping"],
            env={"NUMBERSMITH_DATABASE_URL": url},
        )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Message ")
    assert lines[0].endswith(f"from +14155550100 to {number}: received")
    assert any(line.strip().startswith(f"start: POST {receiver.base_url}/sms") for line in lines)
    assert any("→ 200 text/xml" in line for line in lines)
    assert lines[-1] == f"  to +14155550100 from {number}: pong"


def test_simulate_a_call_as_json_runs_the_menu_with_the_digits(tmp_path):
    url = f"sqlite:///{tmp_path / 'numbersmith.db'}"
    with receiving() as receiver:
        number = own_number(url, voice_url=receiver.answer("/voice", MENU))
        receiver.answer("/menu", "<Response><Say>Thank you</Say></Response>")
        result = CliRunner().invoke(
            main,
            ["simulate", "call", "--to", number, "--digits", "42", "--json"],
            env={"NUMBERSMITH_DATABASE_URL": url},
        )
        assert result.exit_code == 0, result.output
        assert receiver.to("/menu")[0].parameters["Digits"] == "42"
    call = json.loads(result.stdout)
    assert call["call_status"] == "completed"
    assert [d["purpose"] for d in call["deliveries"]] == ["start", "gather"]


def test_simulating_to_a_number_nobody_owns_fails_clearly(tmp_path):
    url = f"sqlite:///{tmp_path / 'numbersmith.db'}"
    result = CliRunner().invoke(
        main, ["simulate", "message", "--to", "+14155550100"], env={"NUMBERSMITH_DATABASE_URL": url}
    )
    assert result.exit_code == 1
    assert "+14155550100 is not a number of any project" in result.output
