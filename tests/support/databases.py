"""Databases for tests: a SQLite file, or a PostgreSQL database of the test's own."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
from sqlalchemy.engine import make_url

#: The server to create test databases on; each test database is dropped after use.
POSTGRES_URL = os.environ.get(
    "NUMBERSMITH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_database() -> str:
    """A fresh, empty PostgreSQL database; returns its URL."""
    name = f"numbersmith_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; yields its URL and drops it afterwards."""
    url = create_database()
    try:
        yield url
    finally:
        drop_database(url)
