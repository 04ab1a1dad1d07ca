"""``numbersmith inventory`` through click, on a SQLite file."""

from click.testing import CliRunner

from numbersmith.cli import main


def test_import_stats_and_remove_from_the_command_line(tmp_path):
    runner = CliRunner()
    environment = {"NUMBERSMITH_DATABASE_URL": f"sqlite:///{tmp_path / 'numbersmith.db'}"}
    inventory_file = tmp_path / "numbers.csv"
    inventory_file.write_text(
        "phone_number,rate_center,colour\n"
        "+13103386745,LSAN DA 01,red\n"
        "3103386746,,blue\n"
        "+13104116745,,\n"
        "+13103386745,,\n"
    )

    imported = runner.invoke(main, ["inventory", "import", str(inventory_file)], env=environment)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == (
        "added 2, skipped 1 (0 already in the inventory, 1 repeated in the file), bad 1\n"
    )
    assert imported.stderr.splitlines() == [
        "ignoring unknown columns: colour",
        (
            "line 4: +13104116745 is not a number we supply (not a US or Canadian geographic "
            "or toll-free number, or a reserved exchange such as N11 or 555)"
        ),
        "line 5: +13103386745 repeats line 2, skipped",
    ]

    again = runner.invoke(main, ["inventory", "import", str(inventory_file)], env=environment)
    assert again.exit_code == 0
    assert again.stdout.startswith("added 0, skipped 3 (2 already in the inventory")

    added = runner.invoke(
        main,
        ["inventory", "add-range", "+12123860000", "+12123860009", "--no-sms"],
        env=environment,
    )
    assert added.exit_code == 0, added.output
    assert added.stdout == "added 10, skipped 0 already in the inventory, left out 0 not supplied\n"

    stats = runner.invoke(main, ["inventory", "stats", "--area-code"], env=environment)
    assert stats.exit_code == 0
    assert [line.split() for line in stats.stdout.splitlines()] == [
        ["area", "code", "total", "owned", "free"],
        ["212", "10", "0", "10"],
        ["310", "2", "0", "2"],
        ["all", "12", "0", "12"],
    ]

    removed = runner.invoke(
        main, ["inventory", "remove", "--range", "+12123860000", "+12123860004"], env=environment
    )
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == "removed 5, not in the inventory 0\n"
    total = runner.invoke(main, ["inventory", "stats"], env=environment)
    assert total.stdout.splitlines()[1].split() == ["all", "7", "0", "7"]


def test_a_file_that_cannot_be_imported_exits_1(tmp_path):
    runner = CliRunner()
    environment = {"NUMBERSMITH_DATABASE_URL": f"sqlite:///{tmp_path / 'numbersmith.db'}"}
    no_column = tmp_path / "numbers.csv"
    no_column.write_text("number\n+13103386745\n")

    missing = runner.invoke(
        main, ["inventory", "import", str(tmp_path / "nope.csv")], env=environment
    )
    headless = runner.invoke(main, ["inventory", "import", str(no_column)], env=environment)

    assert missing.exit_code == 1
    assert "nope.csv: cannot be read" in missing.stderr
    assert headless.exit_code == 1
    assert "the header has no phone_number column (it has: number)" in headless.stderr
