"""A database that can be read but not written: changes are refused with 503, reads answered.

The read-only state is the database's own: SQLite's ``query_only`` on the server's connection,
and on PostgreSQL ``default_transaction_read_only``, which the server's connections take up when
they are opened again (as when it reconnects to a replica). Outages and full disks, which need
a server process of their own, are in tests/system/test_faults.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from api.helpers import assert_error
from numbersmith.store import Database
from numbersmith.store.faults import SETTLE_SECONDS

Switch = Callable[[bool], None]


@pytest.fixture
def read_only(db: Database) -> Iterator[Switch]:
    """Make the database read-only (True) or writable again (False)."""
    if db.is_sqlite:

        def switch(on: bool) -> None:
            pragma = sa.text(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
            db.run_sync(lambda tx: tx.execute(pragma))

        yield switch
        switch(False)
        return

    url = make_url(str(db.url))
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:

        def switch(on: bool) -> None:
            setting = (
                "SET default_transaction_read_only = on"
                if on
                else "RESET default_transaction_read_only"
            )
            admin.execute(f'ALTER DATABASE "{url.database}" {setting}')
            db.engine.dispose()  # the pool's next connections start read-only, or not

        yield switch
        switch(False)


def test_while_the_database_cannot_be_written_changes_are_refused_and_reads_answered(
    account, read_only: Switch, caplog: pytest.LogCaptureFixture
) -> None:
    owned = account.http.post(account.numbers_path, data={"AreaCode": "310"}).json()
    number_path = f"{account.numbers_path}/{owned['sid']}.json"
    read_only(True)

    for refused in (
        account.http.post(account.numbers_path, data={"AreaCode": "212"}),
        account.http.post(account.numbers_path, data={"PhoneNumber": "+13103386745"}),
        account.http.post(number_path, data={"FriendlyName": "renamed"}),
        account.http.delete(number_path),
    ):
        body = assert_error(refused, 503, 20503)
        assert "reads still work" in body["message"]
        assert refused.headers["Retry-After"] == "1"

    assert account.http.get(number_path).json() == owned
    listed = account.http.get(account.numbers_path).json()["incoming_phone_numbers"]
    assert listed == [owned]
    search = account.http.get(
        f"/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers/US/Local.json",
        params={"AreaCode": "415"},
    )
    assert search.status_code == 200 and search.json()["available_phone_numbers"]

    health = account.http.get("/healthz")
    body = assert_error(health, 503, 20503)
    assert "reads still work" in body["message"]
    assert health.headers["Retry-After"] == "1"

    read_only(False)
    time.sleep(SETTLE_SECONDS)  # a fault ends at the first success this long after a failure
    assert account.http.get("/healthz").status_code == 200
    bought = account.http.post(account.numbers_path, data={"AreaCode": "212"})
    assert bought.status_code == 201, bought.text
    assert account.http.delete(number_path).status_code == 204

    # One line for each refused request, one when the fault began and one when it ended.
    assert "Traceback" not in caplog.text
    assert caplog.text.count("answered 503") == 5
    assert caplog.text.count("database fault began") == 1
    assert caplog.text.count("database fault ended") == 1


def test_a_fault_of_the_database_is_not_answered_as_a_fault_of_ours(account, read_only: Switch):
    read_only(True)
    response = account.http.post(account.numbers_path, data={"AreaCode": "212"})
    assert response.status_code == 503
    assert account.http.get(account.numbers_path).status_code == 200
