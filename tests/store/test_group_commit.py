"""SQLite's group commit: units of work that arrive together share one transaction and one
commit, each in a savepoint of its own, and none is answered before the commit."""

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import projects


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "numbersmith.db"


@pytest.fixture
def db(path: Path):
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    yield database
    database.dispose()


_ADD = projects.insert().values(id=sa.bindparam("id"), name="p", signing_key="k", date_created=0)


def committed(path: Path) -> set[str]:
    """The projects another connection sees: only what has been committed."""
    with sqlite3.connect(path) as other:
        return {row[0] for row in other.execute("SELECT id FROM projects")}


def add(*ids: str, then_fail: bool = False):
    def work(tx):
        for project_id in ids:
            tx.execute(_ADD, id=project_id)
        if then_fail:
            raise RuntimeError("the unit fails after writing")
        return ids

    return work


@pytest.mark.anyio
async def test_units_that_arrive_together_are_answered_once_committed(db, path):
    async def unit(project_id: str) -> set[str]:
        await db.run(add(project_id), write=True)
        return committed(path)

    seen = await asyncio.gather(*(unit(f"p{i}") for i in range(5)))
    assert all(every >= {f"p{i}" for i in range(5)} for every in seen)


@pytest.mark.anyio
async def test_a_unit_that_fails_after_writing_is_rolled_back_alone(db, path):
    outcomes = await asyncio.gather(
        db.run(add("before"), write=True),
        db.run(add("failed-1", "failed-2", then_fail=True), write=True),
        db.run(add("after"), write=True),
        return_exceptions=True,
    )
    assert outcomes[0] == ("before",) and outcomes[2] == ("after",)
    assert isinstance(outcomes[1], RuntimeError)
    assert committed(path) == {"before", "after"}


@pytest.mark.anyio
async def test_a_failed_commit_fails_every_unit_of_the_batch(db, path):
    def defer_foreign_keys(tx):
        # Checked at the commit, which then fails for the whole batch.
        tx.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        tx.execute(sa.text("INSERT INTO api_tokens VALUES ('h', 'no-such-project', 'numbers', 0)"))

    outcomes = await asyncio.gather(
        db.run(add("a"), write=True),
        db.run(defer_foreign_keys, write=True),
        db.run(add("b"), write=True),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, sqlite3.IntegrityError) for outcome in outcomes), outcomes
    assert committed(path) == set()
    assert await db.run(add("c"), write=True) == ("c",)  # the next batch starts afresh
    assert committed(path) == {"c"}
