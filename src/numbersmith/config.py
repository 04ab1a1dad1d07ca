"""Settings from the environment: one object, read once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_database_url() -> str:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data_home / 'numbersmith' / 'numbersmith.db'}"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    project_id: str | None = None
    api_token: str | None = None
    #: "synthetic" (every valid number, made on demand) or "inventory" (imported numbers only).
    supply: str = "synthetic"
    #: Where webhooks may be delivered: comma-separated networks and host names; None: anywhere.
    webhook_allow: str | None = None
    #: How long the journal of simulated traffic keeps an exchange and its deliveries.
    journal_days: float = 7.0
    #: Opens ``POST /api/numbersmith/v1/Projects`` (as a Bearer token); None: that route refuses.
    admin_token: str | None = None
    #: "signalwire" or "twilio": the vendor the server looks like. None: the database's (a new
    #: database's is SignalWire's). A flavour other than the database's refuses to start.
    flavor: str | None = None

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            database_url=os.environ.get("NUMBERSMITH_DATABASE_URL") or default_database_url(),
            project_id=os.environ.get("NUMBERSMITH_PROJECT_ID") or None,
            api_token=os.environ.get("NUMBERSMITH_API_TOKEN") or None,
            supply=os.environ.get("NUMBERSMITH_SUPPLY") or "synthetic",
            webhook_allow=os.environ.get("NUMBERSMITH_WEBHOOK_ALLOW") or None,
            journal_days=float(os.environ.get("NUMBERSMITH_JOURNAL_DAYS") or 7),
            admin_token=os.environ.get("NUMBERSMITH_ADMIN_TOKEN") or None,
            flavor=os.environ.get("NUMBERSMITH_FLAVOR") or None,
        )
