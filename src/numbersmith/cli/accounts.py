"""``numbersmith project | token | application | reset``: projects and what they hold."""

from __future__ import annotations

import json

import click

from numbersmith.cli.common import announce, database, settled
from numbersmith.provisioning import accounts
from numbersmith.provisioning import reset as reset_cases
from numbersmith.provisioning.errors import InvalidFriendlyName


@click.group()
def project() -> None:
    """Manage projects (accounts)."""


@project.command("create")
@click.option("--name", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def project_create(name: str, as_json: bool) -> None:
    """Create a project with an API token holding every scope (and, in Twilio's flavour, test
    credentials)."""
    db = database()
    settled(db)
    credentials = accounts.create_project(db, name)
    if as_json:
        shown = {
            "project_id": credentials.project_id,
            "api_token": credentials.api_token,
            "signing_key": credentials.signing_key,
        }
        if credentials.test_project_id is not None:
            shown["test_project_id"] = credentials.test_project_id
            shown["test_api_token"] = credentials.test_api_token or ""
        click.echo(json.dumps(shown))
    else:
        announce(credentials, f"project {name!r}")


@click.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(accounts.SCOPES))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def token_create(project_id: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create an API token with the given scopes."""
    try:
        value, granted = accounts.create_token(database(), project_id, scopes)
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
    if not accounts.revoke_token(database(), value):
        raise click.ClickException("no such token")
    click.echo("revoked", err=True)


@click.group()
def application() -> None:
    """Manage applications (targets of VoiceApplicationSid / SmsApplicationSid)."""


@application.command("create")
@click.option("--project", "project_id", required=True)
@click.option("--name", required=True)
def application_create(project_id: str, name: str) -> None:
    """Create an application; print its sid."""
    try:
        click.echo(accounts.create_application(database(), project_id, name))
    except accounts.UnknownProject:
        raise click.ClickException(f"no project {project_id}") from None
    except InvalidFriendlyName:
        raise click.ClickException("--name must be 1 to 64 characters long") from None


@click.command()
@click.option("--project", "project_id", help="The project to reset.")
@click.option("--all", "everything", is_flag=True, help="Delete every project and all it holds.")
@click.option("--yes", is_flag=True, help="Do not ask before --all.")
def reset(project_id: str | None, everything: bool, yes: bool) -> None:
    """Start over: --project ID releases the project's numbers (back to the supply), deletes its
    applications and forgets its journal, keeping the project and its tokens. --all deletes
    every project with its tokens, numbers, applications and journal (the inventory stays,
    every number of it free); it asks first, unless --yes."""
    if (project_id is None) == (not everything):
        raise click.UsageError("give one of --project ID or --all")
    db = database()
    try:
        if project_id is not None:
            try:
                wiped = reset_cases.reset_project_now(db, project_id)
            except accounts.UnknownProject:
                raise click.ClickException(f"no project {project_id}") from None
            click.echo(
                f"reset {project_id}: released {wiped.numbers} numbers, deleted "
                f"{wiped.applications} applications, forgot {wiped.exchanges} exchanges"
            )
            return
        if not yes:
            click.confirm(
                "Delete every project, with its tokens, numbers, applications and journal?",
                abort=True,
                err=True,
            )
        wiped = reset_cases.reset_everything(db)
        click.echo(
            f"deleted {wiped.projects} projects, {wiped.numbers} numbers, "
            f"{wiped.applications} applications and {wiped.exchanges} exchanges"
        )
    finally:
        db.dispose()
