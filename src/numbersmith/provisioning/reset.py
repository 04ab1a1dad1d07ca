"""Use cases that start over: a project's state wiped (its numbers back to the supply, its
applications and journal gone; the project and its tokens kept), or everything projects made.

For test suites that share fixed credentials (a seed file, NUMBERSMITH_PROJECT_ID): a reset
between tests gives each a clean project, as a fresh project would.
"""

from __future__ import annotations

from dataclasses import dataclass

from numbersmith.provisioning.accounts import UnknownProject
from numbersmith.store import Database, Transaction, journal, wipe
from numbersmith.store import accounts as account_store


@dataclass(frozen=True, slots=True)
class Wiped:
    """What a reset removed."""

    projects: int
    numbers: int
    applications: int
    exchanges: int


def _wipe_project(tx: Transaction, project_id: str) -> Wiped:
    if account_store.get_project(tx, project_id) is None:
        raise UnknownProject(project_id)
    numbers, applications = wipe.project_numbers_and_applications(tx, project_id)
    exchanges = journal.wipe_project(tx, project_id)
    return Wiped(0, numbers, applications, exchanges)


async def reset_project(db: Database, project_id: str) -> Wiped:
    """Release every number of the project (each can be bought again at once), delete its
    applications and forget its journal, in one transaction. Its tokens keep working."""
    return await db.run(lambda tx: _wipe_project(tx, project_id), write=True)


def reset_project_now(db: Database, project_id: str) -> Wiped:
    """``reset_project``, for callers without an event loop (the command line)."""
    return db.run_sync(lambda tx: _wipe_project(tx, project_id), write=True)


def reset_everything(db: Database) -> Wiped:
    """Delete every project, with its tokens, numbers, applications and journal, in one
    transaction. The inventory stays (it is the operator's stock, not state a project made),
    every number of it free again. The next ``serve`` on the database starts as on a new one."""

    def work(tx: Transaction) -> Wiped:
        deleted = wipe.everything(tx)
        return Wiped(
            projects=deleted["projects"],
            numbers=deleted["incoming_phone_numbers"],
            applications=deleted["applications"],
            exchanges=deleted["exchanges"],
        )

    return db.run_sync(work, write=True)
