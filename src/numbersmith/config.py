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

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            database_url=os.environ.get("NUMBERSMITH_DATABASE_URL") or default_database_url(),
            project_id=os.environ.get("NUMBERSMITH_PROJECT_ID") or None,
            api_token=os.environ.get("NUMBERSMITH_API_TOKEN") or None,
            supply=os.environ.get("NUMBERSMITH_SUPPLY") or "synthetic",
        )
