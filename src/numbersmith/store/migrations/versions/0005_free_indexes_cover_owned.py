"""The free-number indexes hold the owned flag too, so that SQLite answers from them alone.

SQLite (3.40) reads a row to test a query's "owned = false" unless the index holds the column,
even when the index holds only rows where it is false.

Revision ID: 0005
Revises: 0004
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Spelled as SQLAlchemy renders the queries' condition, so SQLite sees that they match.
FREE: dict[str, Any] = {
    "sqlite_where": sa.text("owned = 0"),
    "postgresql_where": sa.text("owned = false"),
}
INDEXES = {
    "ix_inventory_free_by_area_code": ["area_code", "pick", "phone_number", "profile_id"],
    "ix_inventory_free": ["iso_country", "toll_free", "pick", "phone_number", "profile_id"],
}


def _rebuild(with_owned: bool) -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, "inventory_numbers")
        op.create_index(
            name, "inventory_numbers", [*columns, "owned"] if with_owned else columns, **FREE
        )


def upgrade() -> None:
    _rebuild(with_owned=True)


def downgrade() -> None:
    _rebuild(with_owned=False)
