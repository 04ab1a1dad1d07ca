"""A project's numbers are paged from an index that holds their keys.

A page reads each number's id, sid and version (date_updated) in id order. The index held
only the id, so each of a page's fifty-one entries led to a read of its row; now the index
answers alone.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "incoming_phone_numbers"


def upgrade() -> None:
    op.create_index(
        "ix_incoming_phone_numbers_page", TABLE, ["project_id", "id", "sid", "date_updated"]
    )
    op.drop_index("ix_incoming_phone_numbers_project_id_id", TABLE)


def downgrade() -> None:
    op.create_index("ix_incoming_phone_numbers_project_id_id", TABLE, ["project_id", "id"])
    op.drop_index("ix_incoming_phone_numbers_page", TABLE)
