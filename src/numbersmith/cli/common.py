"""What the commands share: the database, migrated and of the right flavour, and how a new
project's credentials are shown."""

from __future__ import annotations

import click

from numbersmith.config import Settings
from numbersmith.provisioning import accounts
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade


def database() -> Database:
    db = Database(Settings.from_environment().database_url)
    upgrade(db)
    return db


def settled(db: Database) -> None:
    """Fix the database's flavour (see provisioning.flavor); refuse the other one, saying why."""
    try:
        database_flavor.settle(db, Settings.from_environment().flavor)
    except database_flavor.FlavorMismatch as exc:
        db.dispose()
        raise click.ClickException(str(exc)) from None


def announce(credentials: accounts.Credentials, note: str) -> None:
    test = ""
    if credentials.test_project_id is not None:
        test = (
            f"Test account sid: {credentials.test_project_id}\n"
            f"Test auth token:  {credentials.test_api_token}\n"
        )
    click.echo(
        f"Project id:  {credentials.project_id}\n"
        f"API token:   {credentials.api_token}\n"
        f"Signing key: {credentials.signing_key}\n"
        f"{test}({note})",
        err=True,
    )
