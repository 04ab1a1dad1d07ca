"""SQLite's write-ahead log while the server writes without pause: background checkpoints copy
it into the database, and it is written from the start again instead of growing for ever."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import projects


@pytest.fixture
def anyio_backend():
    return "asyncio"


_ADD = projects.insert().values(
    id=sa.bindparam("id"), name=sa.bindparam("name"), signing_key="k", date_created=0
)
_PAGE = "x" * 4000  # a row to a page


@pytest.mark.anyio
async def test_the_log_is_reused_under_steady_writes(tmp_path: Path):
    path = tmp_path / "numbersmith.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.start_background_checkpoints(interval=0.01)
    try:
        written = 0
        for batch in range(1500):
            # A batch of purchases' worth of rows each turn of the loop, with no idle moment
            # in which a checkpoint could catch up on its own.
            ids = [f"p{batch}-{unit}" for unit in range(8)]
            await asyncio.gather(
                *(
                    db.run(lambda tx, i=i: tx.execute(_ADD, id=i, name=i + _PAGE), write=True)
                    for i in ids
                )
            )
            written += len(ids) * len(_PAGE)
        stored = path.stat().st_size
        log = path.with_name(path.name + "-wal").stat().st_size
    finally:
        db.dispose()
    assert written > 40_000_000
    # Without reuse the log holds a frame for every page ever committed: more than the
    # database itself.
    assert log < stored / 4
