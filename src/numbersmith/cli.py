"""``numbersmith serve | project | token | application``."""

from __future__ import annotations

import json
import os
import sys

import click
import uvicorn

from numbersmith.config import Settings
from numbersmith.provisioning import accounts
from numbersmith.provisioning.supply import SUPPLIES, supply_named
from numbersmith.store import Database
from numbersmith.store.migrations import upgrade


def _database() -> Database:
    db = Database(Settings.from_environment().database_url)
    upgrade(db)
    return db


@click.group()
def main() -> None:
    """numbersmith: a self-hosted, SignalWire/Twilio-compatible phone-number service."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--access-log/--no-access-log", default=False, show_default=True)
@click.option(
    "--supply",
    type=click.Choice(SUPPLIES),
    default=None,
    help="Where numbers come from [default: $NUMBERSMITH_SUPPLY or synthetic]",
)
def serve(host: str, port: int, workers: int, access_log: bool, supply: str | None) -> None:
    """Migrate the database, then serve the API."""
    if supply is not None:
        # Workers read their settings from the environment.
        os.environ["NUMBERSMITH_SUPPLY"] = supply
    settings = Settings.from_environment()
    try:
        supply_named(settings.supply)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NUMBERSMITH_SUPPLY") from None
    db = _database()
    if settings.project_id and settings.api_token:
        credentials = accounts.ensure_project(db, settings.project_id, settings.api_token)
        _announce(credentials, "from NUMBERSMITH_PROJECT_ID / NUMBERSMITH_API_TOKEN")
    elif (credentials := accounts.ensure_first_project(db)) is not None:
        _announce(credentials, "new database: these credentials are shown only once")
    else:
        click.echo(
            "Existing database. Create a token with: "
            "numbersmith token create --project PROJECT_ID --scope numbers",
            err=True,
        )
    db.dispose()
    click.echo(
        f"Serving on http://{host}:{port} ({settings.database_url}, {settings.supply} supply)",
        err=True,
    )
    uvicorn.run(
        "numbersmith.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=access_log,
        log_level="info",
        timeout_graceful_shutdown=30,
    )


def _announce(credentials: accounts.Credentials, note: str) -> None:
    click.echo(
        f"Project id:  {credentials.project_id}\n"
        f"API token:   {credentials.api_token}\n"
        f"Signing key: {credentials.signing_key}\n"
        f"({note})",
        err=True,
    )


@main.group()
def project() -> None:
    """Manage projects (accounts)."""


@project.command("create")
@click.option("--name", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def project_create(name: str, as_json: bool) -> None:
    """Create a project with an API token holding every scope."""
    credentials = accounts.create_project(_database(), name)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "project_id": credentials.project_id,
                    "api_token": credentials.api_token,
                    "signing_key": credentials.signing_key,
                }
            )
        )
    else:
        _announce(credentials, f"project {name!r}")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(accounts.SCOPES))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def token_create(project_id: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create an API token with the given scopes."""
    try:
        value, granted = accounts.create_token(_database(), project_id, scopes)
    except accounts.UnknownProject:
        raise click.ClickException(f"no project {project_id}") from None
    if as_json:
        click.echo(json.dumps({"token": value, "scopes": granted}))
    else:
        click.echo(value)


@token.command("revoke")
@click.argument("value", metavar="TOKEN")
def token_revoke(value: str) -> None:
    """Revoke an API token; it stops working at once."""
    if not accounts.revoke_token(_database(), value):
        raise click.ClickException("no such token")
    click.echo("revoked", err=True)


@main.group()
def application() -> None:
    """Manage applications (targets of VoiceApplicationSid / SmsApplicationSid)."""


@application.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--name", required=True)
def application_create(project_id: str, name: str) -> None:
    """Create an application; print its sid."""
    try:
        click.echo(accounts.create_application(_database(), project_id, name))
    except accounts.UnknownProject:
        raise click.ClickException(f"no project {project_id}") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
