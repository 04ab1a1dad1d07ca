"""``numbersmith serve | project | token | application | reset | simulate | inventory``."""

from __future__ import annotations

import click

from numbersmith.cli import accounts, inventory, serve, simulate


@click.group()
def main() -> None:
    """numbersmith: a self-hosted, SignalWire/Twilio-compatible phone-number service."""


main.add_command(serve.serve)
main.add_command(accounts.project)
main.add_command(accounts.token)
main.add_command(accounts.application)
main.add_command(accounts.reset)
main.add_command(simulate.simulate)
main.add_command(inventory.inventory)


if __name__ == "__main__":  # pragma: no cover
    main()
