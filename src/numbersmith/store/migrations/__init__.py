"""Alembic migrations, applied automatically when the server starts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from numbersmith.store.database import Database

_HERE = Path(__file__).parent


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to the newest revision (or to ``revision``). Safe to call from several
    processes at once."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    with database.engine.begin() as connection:
        if not database.is_sqlite:
            # Servers started together must not apply the same migration twice.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7245310)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
