"""``numbersmith reset`` through click, on both back ends."""

import asyncio

from click.testing import CliRunner

from numbersmith.cli import main
from numbersmith.provisioning import accounts, inventory, numbers
from numbersmith.store.numbers import ListFilter


def owned(db, project_id):
    rows, _ = asyncio.run(numbers.page(db, project_id, ListFilter(), size=50))
    return [number.phone_number for _, number in rows]


def test_reset_a_project_or_everything(db):
    environment = {"NUMBERSMITH_DATABASE_URL": str(db.url)}
    first = accounts.create_project(db, "first")
    second = accounts.create_project(db, "second")
    asyncio.run(numbers.purchase(db, first.project_id, area_code="415"))
    kept = asyncio.run(numbers.purchase(db, second.project_id, area_code="415"))
    inventory.add_range(db, "+13103380000", "+13103380009")
    runner = CliRunner()

    done = runner.invoke(main, ["reset", "--project", first.project_id], env=environment)

    assert done.exit_code == 0, done.output
    assert done.stdout == (
        f"reset {first.project_id}: released 1 numbers, deleted 0 applications, "
        "forgot 0 exchanges\n"
    )
    assert owned(db, first.project_id) == []
    assert owned(db, second.project_id) == [kept.phone_number]

    refused = runner.invoke(main, ["reset", "--all"], env=environment, input="n\n")
    assert refused.exit_code == 1
    assert owned(db, second.project_id) == [kept.phone_number]

    everything = runner.invoke(main, ["reset", "--all"], env=environment, input="y\n")
    assert everything.exit_code == 0, everything.output
    assert everything.stdout == "deleted 2 projects, 1 numbers, 0 applications and 0 exchanges\n"
    assert owned(db, second.project_id) == []
    assert asyncio.run(accounts.authenticate(db, second.project_id, second.api_token)) is None
    # The operator's stock stays.
    assert inventory.stats(db)[0].total == 10


def test_reset_needs_a_known_project_or_all(tmp_path):
    environment = {"NUMBERSMITH_DATABASE_URL": f"sqlite:///{tmp_path / 'numbersmith.db'}"}
    runner = CliRunner()

    unknown = runner.invoke(main, ["reset", "--project", "nope"], env=environment)
    neither = runner.invoke(main, ["reset"], env=environment)
    both = runner.invoke(main, ["reset", "--project", "x", "--all", "--yes"], env=environment)
    quiet = runner.invoke(main, ["reset", "--all", "--yes"], env=environment)

    assert unknown.exit_code == 1
    assert "no project nope" in unknown.stderr
    assert neither.exit_code == 2 and both.exit_code == 2
    assert quiet.exit_code == 0
    assert quiet.stdout.startswith("deleted 0 projects")
