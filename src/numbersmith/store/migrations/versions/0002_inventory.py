"""The operator's inventory of numbers.

Revision ID: 0002
Revises: 0001
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inventory_numbers",
        sa.Column("phone_number", sa.String(16), primary_key=True),
        sa.Column("area_code", sa.String(3), nullable=False),
        sa.Column("pick", sa.Integer, nullable=False),
        sa.Column("owned", sa.Boolean, nullable=False),
        sa.Column("iso_country", sa.String(2), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("region", sa.String(8)),
        sa.Column("locality", sa.String(64)),
        sa.Column("rate_center", sa.String(64)),
        sa.Column("lata", sa.String(8)),
        sa.Column("capability_voice", sa.Boolean, nullable=False),
        sa.Column("capability_sms", sa.Boolean, nullable=False),
        sa.Column("capability_mms", sa.Boolean, nullable=False),
        sa.Column("capability_fax", sa.Boolean, nullable=False),
    )
    # Spelled as SQLAlchemy renders the queries' condition, so SQLite sees that they match.
    free: dict[str, Any] = {
        "sqlite_where": sa.text("owned = 0"),
        "postgresql_where": sa.text("owned = false"),
    }
    # phone_number rides along so that a Contains filter is checked in the index alone.
    op.create_index(
        "ix_inventory_free_by_area_code",
        "inventory_numbers",
        ["area_code", "pick", "phone_number"],
        **free,
    )
    op.create_index("ix_inventory_free", "inventory_numbers", ["pick", "phone_number"], **free)


def downgrade() -> None:
    op.drop_table("inventory_numbers")
