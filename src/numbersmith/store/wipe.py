"""Queries that wipe state: one project's numbers and applications, or everything projects made.

The journal has its own (``journal.wipe_project``); these cover the rest, across tables, so
that a reset is a handful of statements whatever a project holds.
"""

from __future__ import annotations

import sqlalchemy as sa

from numbersmith.store.database import Transaction
from numbersmith.store.schema import (
    INVENTORY_FREE,
    api_tokens,
    applications,
    deliveries,
    exchanges,
    incoming_phone_numbers,
    inventory_numbers,
    projects,
)

_OF_PROJECT = incoming_phone_numbers.c.project_id == sa.bindparam("project_id")

# Numbers go back to the supply before they are deleted: in inventory supply a number is free
# again only once the inventory says so (in synthetic supply nothing needs saying).
_GIVE_BACK_OF_PROJECT = (
    inventory_numbers.update()
    .where(
        inventory_numbers.c.phone_number.in_(
            sa.select(incoming_phone_numbers.c.phone_number).where(_OF_PROJECT)
        )
    )
    .values(owned=sa.false())
)
_DELETE_NUMBERS_OF_PROJECT = incoming_phone_numbers.delete().where(_OF_PROJECT)
_DELETE_APPLICATIONS_OF_PROJECT = applications.delete().where(
    applications.c.project_id == sa.bindparam("project_id")
)

_GIVE_BACK_ALL = inventory_numbers.update().where(~INVENTORY_FREE).values(owned=sa.false())
#: Rows that refer to a project, before the projects themselves.
_DELETE_ALL = {
    table.name: table.delete()
    for table in (incoming_phone_numbers, applications, deliveries, exchanges, api_tokens, projects)
}


def project_numbers_and_applications(tx: Transaction, project_id: str) -> tuple[int, int]:
    """Delete the project's numbers (free in the inventory again) and applications; return how
    many of each there were."""
    tx.execute(_GIVE_BACK_OF_PROJECT, project_id=project_id)
    numbers = tx.execute(_DELETE_NUMBERS_OF_PROJECT, project_id=project_id)
    applications_deleted = tx.execute(_DELETE_APPLICATIONS_OF_PROJECT, project_id=project_id)
    return numbers, applications_deleted


def everything(tx: Transaction) -> dict[str, int]:
    """Delete every project with its tokens, numbers, applications and journal; every number of
    the inventory is free again. Return how many rows each table held, by table name."""
    tx.execute(_GIVE_BACK_ALL)
    return {name: tx.execute(statement) for name, statement in _DELETE_ALL.items()}
