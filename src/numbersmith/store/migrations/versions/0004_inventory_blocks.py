"""A directory of the thousand-blocks the inventory holds numbers of, for pattern searches.

Revision ID: 0004
Revises: 0003
"""

import zlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BLOCK_LENGTH = 9  # "+1" and seven digits


def upgrade() -> None:
    blocks = op.create_table(
        "inventory_blocks",
        sa.Column("block", sa.String(9), primary_key=True),
        sa.Column("area_code", sa.String(3), nullable=False),
        sa.Column("iso_country", sa.String(2), nullable=False),
        sa.Column("toll_free", sa.Boolean, nullable=False),
        sa.Column("pick", sa.Integer, nullable=False),
        sa.Column("lines", sa.LargeBinary, nullable=False),
    )
    op.create_index(
        "ix_inventory_blocks_by_area_code", "inventory_blocks", ["area_code", "pick", "block"]
    )
    op.create_index(
        "ix_inventory_blocks", "inventory_blocks", ["iso_country", "toll_free", "pick", "block"]
    )
    numbers = sa.table(
        "inventory_numbers",
        sa.column("phone_number"),
        sa.column("iso_country"),
        sa.column("toll_free"),
    )
    # In number order, so each block's numbers come together and are written once complete.
    rows = op.get_bind().execute(
        sa.select(numbers.c.phone_number, numbers.c.iso_country, numbers.c.toll_free).order_by(
            numbers.c.phone_number
        )
    )
    pending: list[dict[str, Any]] = []
    block, lines, kind = None, 0, ("", False)
    for phone_number, iso_country, toll_free in rows:
        if phone_number[:BLOCK_LENGTH] != block:
            if block is not None:
                pending.append(_row(block, lines, kind))
            block, lines, kind = phone_number[:BLOCK_LENGTH], 0, (iso_country, bool(toll_free))
        lines |= 1 << int(phone_number[BLOCK_LENGTH:])
        if len(pending) >= 10_000:
            op.bulk_insert(blocks, pending)
            pending = []
    if block is not None:
        pending.append(_row(block, lines, kind))
    if pending:
        op.bulk_insert(blocks, pending)


def _row(block: str, lines: int, kind: tuple[str, bool]) -> dict[str, Any]:
    return {
        "block": block,
        "area_code": block[2:5],
        "iso_country": kind[0],
        "toll_free": kind[1],
        "pick": zlib.crc32(block.encode()) >> 1,
        "lines": lines.to_bytes(125, "little"),
    }


def downgrade() -> None:
    op.drop_table("inventory_blocks")
