"""A database's flavour, and Twilio's test credentials of its projects.

A database made before flavours existed holds SignalWire-flavoured data: the flavour is written
as such at the next start (provisioning.flavor), since it has projects already.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_settings",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )
    op.create_table(
        "test_credentials",
        sa.Column("account_sid", sa.String(36), primary_key=True),
        sa.Column(
            "project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False, unique=True
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("test_credentials")
    op.drop_table("server_settings")
