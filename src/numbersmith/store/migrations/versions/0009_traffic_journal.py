"""The journal of simulated traffic: exchanges (inbound messages and calls) and the webhook
deliveries made for them.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "exchanges",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("sid", sa.String(36), nullable=False, unique=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("phone_number", sa.String(16), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_exchanges_date_created", "exchanges", ["date_created"])
    op.create_table(
        "deliveries",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("exchange_sid", sa.String(36), nullable=False),
        sa.Column("phone_number", sa.String(16), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_deliveries_page", "deliveries", ["project_id", "id"])
    op.create_index("ix_deliveries_by_number", "deliveries", ["project_id", "phone_number", "id"])
    op.create_index("ix_deliveries_by_exchange", "deliveries", ["exchange_sid", "id"])
    op.create_index("ix_deliveries_date_created", "deliveries", ["date_created"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("exchanges")
