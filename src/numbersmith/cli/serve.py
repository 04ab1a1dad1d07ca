"""``numbersmith serve``: migrate, seed, then serve the API and the dashboard."""

from __future__ import annotations

import ipaddress
import os

import click
import uvicorn

from numbersmith.cli.common import announce, database, settled
from numbersmith.cli.http_protocol import OneWriteHttpToolsProtocol
from numbersmith.config import Settings
from numbersmith.flavors import NAMES as FLAVORS
from numbersmith.provisioning import accounts, seed_file
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.provisioning import seed as seeding
from numbersmith.provisioning.supply import SUPPLIES, supply_named
from numbersmith.store import Database


@click.command()
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
@click.option(
    "--flavor",
    type=click.Choice(FLAVORS),
    default=None,
    help="The vendor to look like [default: $NUMBERSMITH_FLAVOR, else the database's; "
    "signalwire for a new one]",
)
@click.option(
    "--seed",
    "seed_path",
    metavar="FILE",
    help="Load projects, applications, numbers and inventory ranges from a YAML or JSON file "
    "before serving; loading it again changes nothing.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    supply: str | None,
    flavor: str | None,
    seed_path: str | None,
) -> None:
    """Migrate the database, then serve the API."""
    if supply is not None:
        # Workers read their settings from the environment.
        os.environ["NUMBERSMITH_SUPPLY"] = supply
    if flavor is not None:
        os.environ["NUMBERSMITH_FLAVOR"] = flavor
    settings = Settings.from_environment()
    try:
        supply_named(settings.supply)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NUMBERSMITH_SUPPLY") from None
    seed = _read_seed(seed_path) if seed_path is not None else None
    db = database()
    settled(db)
    served = database_flavor.current(db)
    if seed is not None:
        _apply_seed(db, seed, seed_path or "", settings.supply)
    if settings.project_id and settings.api_token:
        if not served.account_sid_form.fullmatch(settings.project_id):
            click.echo(
                f"Warning: NUMBERSMITH_PROJECT_ID is not an account sid of the {served.name} "
                f"flavour ({served.account_sid_form.pattern}): some clients will refuse it.",
                err=True,
            )
        credentials = accounts.ensure_project(db, settings.project_id, settings.api_token)
        announce(credentials, "from NUMBERSMITH_PROJECT_ID / NUMBERSMITH_API_TOKEN")
    elif seed is not None and seed.projects:
        projects = ", ".join(project.project_id for project in seed.projects)
        click.echo(
            f"Projects of the seed (credentials as the file gives them): {projects}", err=True
        )
    elif (first := accounts.ensure_first_project(db)) is not None:
        announce(first, "new database: these credentials are shown only once")
    else:
        click.echo(
            "Existing database. Create a token with: "
            "numbersmith token create --project PROJECT_ID --scope numbers",
            err=True,
        )
    db.dispose()
    if settings.webhook_allow is None and not _is_loopback(host):
        click.echo(
            f"Warning: serving on {host} with NUMBERSMITH_WEBHOOK_ALLOW unset: anyone who can "
            "reach this server can make it send webhook requests to any address it can reach, "
            "inside your network too. Set NUMBERSMITH_WEBHOOK_ALLOW to the networks or hosts "
            "your webhooks live on.",
            err=True,
        )
    click.echo(
        f"Serving on http://{host}:{port} ({settings.database_url}, {settings.supply} supply, "
        f"{served.name} flavour)",
        err=True,
    )
    uvicorn.run(
        "numbersmith.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http=OneWriteHttpToolsProtocol,
        access_log=access_log,
        log_level="info",
        timeout_graceful_shutdown=30,
        # No client addresses are used, so forwarded headers need no parsing on every request.
        proxy_headers=False,
    )


def _read_seed(path: str) -> seeding.Seed:
    try:
        return seed_file.read(path)
    except seeding.SeedError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read: {exc}") from None


def _apply_seed(db: Database, seed: seeding.Seed, path: str, supply: str) -> None:
    try:
        report = seeding.apply(db, seed, supply_named(supply))
    except seeding.SeedError as exc:
        db.dispose()
        raise click.ClickException(f"{path}: {exc}") from None
    click.echo(
        f"Seed {path}: added {report.added}, changed {report.changed} to match it, "
        f"{report.inventory_added} numbers added to the inventory",
        err=True,
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
