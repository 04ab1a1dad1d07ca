"""On PostgreSQL, units of work and SQLAlchemy's own transactions (migrations) share pooled
connections: a read switches its connection to autocommit, and must not leave it so."""

import pytest
import sqlalchemy as sa

from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import metadata, projects

_ADD = projects.insert().values(id="p-1", name="p", signing_key="k", date_created=0)
_COUNT = sa.select(sa.func.count()).select_from(projects)


@pytest.fixture
def pg(postgres_url):
    database = Database(postgres_url)
    upgrade(database)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)}")
    yield database
    database.dispose()


def test_a_transaction_after_reads_still_rolls_back(pg):
    assert pg.run_sync(lambda tx: tx.one(_COUNT)) == (0,)  # the read's connection is pooled again
    with pytest.raises(RuntimeError), pg.engine.begin() as connection:
        connection.execute(_ADD)
        raise RuntimeError("the transaction fails after writing")
    assert pg.run_sync(lambda tx: tx.one(_COUNT)) == (0,)


def test_a_unit_of_work_after_reads_still_rolls_back(pg):
    assert pg.run_sync(lambda tx: tx.one(_COUNT)) == (0,)

    def fails_after_writing(tx):
        tx.execute(_ADD)
        raise RuntimeError("the unit fails after writing")

    with pytest.raises(RuntimeError):
        pg.run_sync(fails_after_writing, write=True)
    assert pg.run_sync(lambda tx: tx.one(_COUNT)) == (0,)
