"""Inventory numbers share their details through profiles.

Each distinct combination of details becomes a profile; the numbers keep only its id (and what
their area code settles: their country, and whether they are toll-free), and the free-number
indexes carry it, so that a search reads nothing but an index.

Revision ID: 0003
Revises: 0002
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DETAILS = (
    "origin",
    "region",
    "locality",
    "rate_center",
    "lata",
    "capability_voice",
    "capability_sms",
    "capability_mms",
    "capability_fax",
)
TOLL_FREE_AREA_CODES = ("800", "833", "844", "855", "866", "877", "888")
# Spelled as SQLAlchemy renders the queries' condition, so SQLite sees that they match.
FREE: dict[str, Any] = {
    "sqlite_where": sa.text("owned = 0"),
    "postgresql_where": sa.text("owned = false"),
}


def upgrade() -> None:
    profiles = op.create_table(
        "inventory_profiles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
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
    old = sa.table(
        "inventory_numbers",
        *(
            sa.column(name)
            for name in ("phone_number", "area_code", "iso_country", "pick", "owned", *DETAILS)
        ),
    )
    op.execute(
        profiles.insert().from_select(
            DETAILS, sa.select(*(old.c[name] for name in DETAILS)).distinct()
        )
    )

    numbers = op.create_table(
        "inventory_numbers_new",
        sa.Column("phone_number", sa.String(16), primary_key=True),
        sa.Column("area_code", sa.String(3), nullable=False),
        sa.Column("iso_country", sa.String(2), nullable=False),
        sa.Column("toll_free", sa.Boolean, nullable=False),
        sa.Column("pick", sa.Integer, nullable=False),
        sa.Column("owned", sa.Boolean, nullable=False),
        sa.Column("profile_id", sa.Integer, nullable=False),
    )
    same_details = sa.and_(
        *(profiles.c[name].is_not_distinct_from(old.c[name]) for name in DETAILS)
    )
    op.execute(
        numbers.insert().from_select(
            [
                "phone_number",
                "area_code",
                "iso_country",
                "toll_free",
                "pick",
                "owned",
                "profile_id",
            ],
            sa.select(
                *(old.c[name] for name in ("phone_number", "area_code", "iso_country")),
                old.c.area_code.in_(TOLL_FREE_AREA_CODES),
                old.c.pick,
                old.c.owned,
                profiles.c.id,
            ).select_from(old.join(profiles, same_details)),
        )
    )
    op.drop_table("inventory_numbers")
    op.rename_table("inventory_numbers_new", "inventory_numbers")
    if op.get_context().dialect.name == "postgresql":
        # The key's constraint and index keep the name they were created with.
        op.execute("ALTER INDEX inventory_numbers_new_pkey RENAME TO inventory_numbers_pkey")
    op.create_index(
        "ix_inventory_free_by_area_code",
        "inventory_numbers",
        ["area_code", "pick", "phone_number", "profile_id"],
        **FREE,
    )
    op.create_index(
        "ix_inventory_free",
        "inventory_numbers",
        ["iso_country", "toll_free", "pick", "phone_number", "profile_id"],
        **FREE,
    )


def downgrade() -> None:
    raise NotImplementedError("inventory profiles cannot be undone; restore a backup instead")
