"""Projects, API tokens, applications and incoming phone numbers.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("signing_key", sa.String(64), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("scopes", sa.String(255), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("sid", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("friendly_name", sa.String(64), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "incoming_phone_numbers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("sid", sa.String(36), nullable=False, unique=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("phone_number", sa.String(16), nullable=False, unique=True),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("friendly_name", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("beta", sa.Boolean, nullable=False),
        sa.Column("capability_voice", sa.Boolean, nullable=False),
        sa.Column("capability_sms", sa.Boolean, nullable=False),
        sa.Column("capability_mms", sa.Boolean, nullable=False),
        sa.Column("capability_fax", sa.Boolean, nullable=False),
        sa.Column("address_sid", sa.String(64)),
        sa.Column("identity_sid", sa.String(64)),
        sa.Column("trunk_sid", sa.String(64)),
        sa.Column("voice_url", sa.Text),
        sa.Column("voice_method", sa.String(4), nullable=False),
        sa.Column("voice_fallback_url", sa.Text),
        sa.Column("voice_fallback_method", sa.String(4), nullable=False),
        sa.Column("voice_caller_id_lookup", sa.Boolean, nullable=False),
        sa.Column("voice_receive_mode", sa.String(8), nullable=False),
        sa.Column("voice_application_sid", sa.String(36)),
        sa.Column("sms_url", sa.Text),
        sa.Column("sms_method", sa.String(4), nullable=False),
        sa.Column("sms_fallback_url", sa.Text),
        sa.Column("sms_fallback_method", sa.String(4), nullable=False),
        sa.Column("sms_application_sid", sa.String(36)),
        sa.Column("status_callback", sa.Text),
        sa.Column("status_callback_method", sa.String(4), nullable=False),
        sa.Column("date_created", sa.BigInteger, nullable=False),
        sa.Column("date_updated", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_incoming_phone_numbers_project_id_id", "incoming_phone_numbers", ["project_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("incoming_phone_numbers")
    op.drop_table("applications")
    op.drop_table("api_tokens")
    op.drop_table("projects")
