"""Applications hold the URLs that handle calls and messages, and page like numbers.

An application gains a row id (its creation order, for keyset pages, as numbers have), the
settings of SignalWire's Application resource, and date_updated. The table is rebuilt on both
back ends, since SQLite cannot add a row id to a table: existing applications keep their sid,
name and creation date, are numbered in creation order, and get the default settings (every
URL empty, every method POST, no caller-name lookup), updated when they were created.

Revision ID: 0008
Revises: 0007
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "applications"
NEW = "applications_new"
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: Columns the rebuilt table takes from the old one, and what the others start as.
KEPT = ("sid", "project_id", "friendly_name", "date_created")
DEFAULTS = {
    "voice_method": "'POST'",
    "voice_fallback_method": "'POST'",
    "voice_caller_id_lookup": "false",
    "status_callback_method": "'POST'",
    "sms_method": "'POST'",
    "sms_fallback_method": "'POST'",
    "sms_status_callback_method": "'POST'",
    "date_updated": "date_created",
}


def _project() -> sa.Column[Any]:
    return sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False)


def _rebuild(columns: list[sa.Column[Any]], values: dict[str, str], order: str) -> None:
    """Replace the table with one of ``columns``, filled from the old rows: ``values`` maps each
    new column to an SQL expression over the old one."""
    op.create_table(NEW, *columns)
    names, expressions = ", ".join(values), ", ".join(values.values())
    op.execute(f"INSERT INTO {NEW} ({names}) SELECT {expressions} FROM {TABLE} ORDER BY {order}")
    op.drop_table(TABLE)
    op.rename_table(NEW, TABLE)
    if op.get_context().dialect.name == "postgresql":
        # PostgreSQL named the constraints (and the id's sequence) after the new table: give
        # them the names a table created as "applications" has.
        has_row_id = any(column.name == "id" for column in columns)
        # With a row id, the sid is a unique key of its own rather than the primary key.
        for suffix in ("pkey", "project_id_fkey", *(["sid_key"] if has_row_id else [])):
            op.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {NEW}_{suffix} TO {TABLE}_{suffix}")
        if has_row_id:
            op.execute(f"ALTER SEQUENCE {NEW}_id_seq RENAME TO {TABLE}_id_seq")


def upgrade() -> None:
    columns: list[sa.Column[Any]] = [
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("sid", sa.String(36), nullable=False, unique=True),
        _project(),
        sa.Column("friendly_name", sa.String(64), nullable=False),
        sa.Column("voice_url", sa.Text),
        sa.Column("voice_method", sa.String(4), nullable=False),
        sa.Column("voice_fallback_url", sa.Text),
        sa.Column("voice_fallback_method", sa.String(4), nullable=False),
        sa.Column("voice_caller_id_lookup", sa.Boolean, nullable=False),
        sa.Column("status_callback", sa.Text),
        sa.Column("status_callback_method", sa.String(4), nullable=False),
        sa.Column("sms_url", sa.Text),
        sa.Column("sms_method", sa.String(4), nullable=False),
        sa.Column("sms_fallback_url", sa.Text),
        sa.Column("sms_fallback_method", sa.String(4), nullable=False),
        sa.Column("sms_status_callback", sa.Text),
        sa.Column("sms_status_callback_method", sa.String(4), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
        sa.Column("date_updated", sa.BigInteger, nullable=False),
    ]
    _rebuild(columns, {**{name: name for name in KEPT}, **DEFAULTS}, "date_created, sid")
    op.create_index("ix_applications_page", TABLE, ["project_id", "id"])


def downgrade() -> None:
    columns = [
        sa.Column("sid", sa.String(36), primary_key=True),
        _project(),
        sa.Column("friendly_name", sa.String(64), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    ]
    _rebuild(columns, {name: name for name in KEPT}, "id")
