"""Table definitions: the single description of the schema, used by queries and migrations.

Timestamps are integer microseconds since the epoch (UTC) and booleans are plain columns, so rows
come back from the DBAPI driver ready to use on both SQLite and PostgreSQL.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("signing_key", sa.String(64), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    # SHA-256 of the token: tokens are 256-bit random secrets, so a fast hash is enough and a
    # stolen table reveals no usable credential.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("scopes", sa.String(255), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("sid", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("friendly_name", sa.String(64), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)

incoming_phone_numbers = sa.Table(
    "incoming_phone_numbers",
    metadata,
    # Insertion order: lists page newest-first on it with a keyset cursor.
    # 64-bit on PostgreSQL; on SQLite it must be spelled INTEGER to be the rowid.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("sid", sa.String(36), nullable=False, unique=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    # Unique across all projects: this constraint is what makes a double sale impossible.
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
    sa.Index("ix_incoming_phone_numbers_project_id_id", "project_id", "id"),
)
