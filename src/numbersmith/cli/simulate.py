"""``numbersmith simulate message | call``: inbound traffic from the command line."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import click

from numbersmith.cli.common import database
from numbersmith.config import Settings
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.traffic import transcript
from numbersmith.traffic.delivery import Allowlist, Courier
from numbersmith.traffic.interpreter import CallerScript
from numbersmith.traffic.simulation import Exchange, Simulator, TrafficError


@click.group()
def simulate() -> None:
    """Send a number a message or a call, as if from outside: its webhooks are requested, the
    LaML that comes back runs, and the exchange is journalled."""


def _simulator_run(work: Callable[[Simulator], Awaitable[Exchange]]) -> Exchange:
    async def run() -> Exchange:
        db = database()
        settings = Settings.from_environment()
        allow = Allowlist.parse(settings.webhook_allow) if settings.webhook_allow else None
        try:
            kind = database_flavor.current(db, settings.flavor)
        except database_flavor.FlavorMismatch as exc:
            raise click.ClickException(str(exc)) from None
        courier = Courier(flavor=kind.name, allow=allow)
        try:
            return await work(Simulator(db, courier, kind))
        except TrafficError as exc:
            raise click.ClickException(transcript.refusal(exc)) from None
        finally:
            await courier.aclose()
            await db.close()

    return asyncio.run(run())


def _show(exchange: Exchange, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({**exchange.record, "deliveries": exchange.deliveries}, indent=2))
    else:
        click.echo(transcript.text(exchange.record, exchange.deliveries))


@simulate.command("message")
@click.option("--to", required=True, help="The number that receives it (E.164).")
@click.option("--from", "from_", help="Who sends it (E.164). [default: +12025550123]")
@click.option("--body", default="", help="The text.")
@click.option("--media", multiple=True, help="A media URL; repeat for more.")
@click.option("--json", "as_json", is_flag=True, help="Print the exchange as JSON.")
def simulate_message(
    to: str, from_: str | None, body: str, media: tuple[str, ...], as_json: bool
) -> None:
    """Deliver a message to a number; print what its webhook answered and the replies."""
    exchange = _simulator_run(
        lambda simulator: simulator.message_to(to, from_=from_, body=body, media=media)
    )
    _show(exchange, as_json)


@simulate.command("call")
@click.option("--to", required=True, help="The number called (E.164).")
@click.option("--from", "from_", help="Who calls (E.164). [default: +12025550123]")
@click.option("--digits", multiple=True, help="What to press at each Gather, in turn.")
@click.option("--speech", multiple=True, help="What to say at each speech Gather, in turn.")
@click.option("--dial", multiple=True, help="How each Dial ends (completed[:SECONDS], busy, …).")
@click.option("--json", "as_json", is_flag=True, help="Print the exchange as JSON.")
def simulate_call(
    to: str,
    from_: str | None,
    digits: tuple[str, ...],
    speech: tuple[str, ...],
    dial: tuple[str, ...],
    as_json: bool,
) -> None:
    """Place a call to a number and run it to its end; print the transcript."""
    script = CallerScript(digits=digits, speech=speech, dial=dial)
    exchange = _simulator_run(lambda simulator: simulator.call_to(to, from_=from_, script=script))
    _show(exchange, as_json)
