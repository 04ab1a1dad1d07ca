"""Units of work and SQLAlchemy's own transactions (migrations) share a database's connections.
Both drivers run some work in autocommit mode (SQLite all of it, PostgreSQL reads), and a
transaction must still be one on both."""

import pytest
import sqlalchemy as sa

from numbersmith.store import Database
from numbersmith.store.migrations import upgrade
from numbersmith.store.schema import projects

_ADD = projects.insert().values(id="p-1", name="p", signing_key="k", date_created=0)
_COUNT = sa.select(sa.func.count()).select_from(projects)


def test_a_transaction_after_reads_still_rolls_back(db):
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)  # the read's connection is pooled again
    with pytest.raises(RuntimeError), db.engine.begin() as connection:
        connection.execute(_ADD)
        raise RuntimeError("the transaction fails after writing")
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)


def test_a_unit_of_work_after_reads_still_rolls_back(db):
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)

    def fails_after_writing(tx):
        tx.execute(_ADD)
        raise RuntimeError("the unit fails after writing")

    with pytest.raises(RuntimeError):
        db.run_sync(fails_after_writing, write=True)
    assert db.run_sync(lambda tx: tx.one(_COUNT)) == (0,)


def test_a_migration_that_fails_leaves_the_schema_as_it_was(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(database, "0006")
        with database.engine.begin() as connection:
            # Stands in the way of the migration's last step: 0007 drops this index.
            connection.exec_driver_sql("DROP INDEX ix_incoming_phone_numbers_project_id_id")
        with pytest.raises(sa.exc.OperationalError):
            upgrade(database)
        indexes = sa.inspect(database.engine).get_indexes("incoming_phone_numbers")
        assert "ix_incoming_phone_numbers_page" not in {index["name"] for index in indexes}
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                ("0006",)
            ]
    finally:
        database.dispose()
