"""On SQLite, inventory numbers live in the b-tree of their number (WITHOUT ROWID).

PostgreSQL has no such choice to make: nothing changes there.

Revision ID: 0006
Revises: 0005
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("phone_number", "area_code", "iso_country", "toll_free", "pick", "owned", "profile_id")
FREE: dict[str, Any] = {"sqlite_where": sa.text("owned = 0")}
INDEXES = {
    "ix_inventory_free_by_area_code": ["area_code", "pick", "phone_number", "profile_id", "owned"],
    "ix_inventory_free": [
        "iso_country",
        "toll_free",
        "pick",
        "phone_number",
        "profile_id",
        "owned",
    ],
}


def _rebuild(with_rowid: bool) -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    op.create_table(
        "inventory_numbers_new",
        sa.Column("phone_number", sa.String(16), primary_key=True),
        sa.Column("area_code", sa.String(3), nullable=False),
        sa.Column("iso_country", sa.String(2), nullable=False),
        sa.Column("toll_free", sa.Boolean, nullable=False),
        sa.Column("pick", sa.Integer, nullable=False),
        sa.Column("owned", sa.Boolean, nullable=False),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sqlite_with_rowid=with_rowid,
    )
    columns = ", ".join(COLUMNS)
    op.execute(
        f"INSERT INTO inventory_numbers_new ({columns})"
        f" SELECT {columns} FROM inventory_numbers ORDER BY phone_number"
    )
    op.drop_table("inventory_numbers")
    op.rename_table("inventory_numbers_new", "inventory_numbers")
    for name, indexed in INDEXES.items():
        op.create_index(name, "inventory_numbers", indexed, **FREE)


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
