"""Pattern searches of an inventory: exactly the free numbers that match, wherever they lie."""

import random
import re

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from numbersmith.api.app import create_app
from numbersmith.config import Settings
from numbersmith.numbering import area_code_space
from numbersmith.provisioning import accounts, inventory
from numbersmith.store.schema import inventory_numbers

#: Three carrier blocks of 310: 556-0xxx, 234-5xxx (a few of its lines), 959-1xxx.
STOCK = (
    [f"+13105560{line:03d}" for line in range(1000)]
    + [f"+13102345{line:03d}" for line in range(0, 1000, 7)]
    + [f"+13109591{line:03d}" for line in range(0, 1000, 3)]
)


def stock(db, numbers):
    report = inventory.import_rows(
        db, [(line, {"phone_number": n}) for line, n in enumerate(numbers, 2)]
    )
    assert not report.bad and report.added == len(numbers)


def sell(db, numbers):
    """These numbers are owned now, as if bought."""
    t = inventory_numbers
    db.run_sync(
        lambda tx: tx.execute_many(
            t.update().where(t.c.phone_number == sa.bindparam("number")).values(owned=True),
            [{"number": n} for n in numbers],
        ),
        write=True,
    )


KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


def matching(pattern, numbers):
    """The numbers whose national digits contain the pattern (digits, letters, *)."""
    digits = pattern.upper().translate(KEYPAD).replace("*", "[0-9]")
    regex = re.compile(rf"^\+1{digits}$" if len(pattern) == 10 else rf"^\+1.*{digits}")
    return {n for n in numbers if regex.match(n)}


@pytest.fixture
def search(db):
    credentials = accounts.create_project(db, "operator")
    app = create_app(Settings(database_url=str(db.url), supply="inventory"), database=db)
    path = f"/2010-04-01/Accounts/{credentials.project_id}/AvailablePhoneNumbers/US/Local.json"
    with TestClient(app, raise_server_exceptions=False) as http:
        http.auth = (credentials.project_id, credentials.api_token)

        def found(**params):
            response = http.get(path, params={"PageSize": 1000, **params})
            assert response.status_code == 200, response.text
            numbers = [n["phone_number"] for n in response.json()["available_phone_numbers"]]
            assert len(numbers) == len(set(numbers))
            return numbers

        yield found


@pytest.mark.parametrize(
    "pattern",
    ["9*9", "00", "5560", "*0*0", "9591", "23457", "3105560999", "31055609**", "8", "JJM", "w*w"],
)
def test_a_pattern_finds_every_free_number_that_matches(db, search, pattern):
    stock(db, STOCK)
    sold = random.Random(pattern).sample(STOCK, 300)
    sell(db, sold)
    free = set(STOCK) - set(sold)
    assert set(search(Contains=pattern)) == matching(pattern, free)
    assert set(search(Contains=pattern, AreaCode="310")) == matching(pattern, free)
    assert search(Contains=pattern, AreaCode="212") == []


def test_a_page_of_matches_is_all_matches(db, search):
    stock(db, STOCK)
    for _ in range(5):
        page = search(Contains="5", PageSize=20)
        assert len(page) == 20 and all(n in matching("5", STOCK) for n in page)


def test_nearly_sold_out_matches_are_still_all_found(db, search):
    stock(db, STOCK)
    matches = sorted(matching("9", STOCK))
    left = matches[::50]
    sell(db, set(matches) - set(left))
    assert len(left) < 20
    for _ in range(5):
        assert sorted(search(Contains="9", PageSize=20)) == left


def test_matches_spread_over_many_blocks_are_all_found_from_any_start(db, search):
    # One number in each of 150 blocks: more blocks than a search reads at first.
    exchanges = area_code_space("310").exchanges[:25]
    numbers = [f"+1310{exchange}{thousand}777" for exchange in exchanges for thousand in range(6)]
    stock(db, numbers)
    for _ in range(10):
        assert set(search(Contains="777")) == set(numbers)
        assert len(search(Contains="777", PageSize=40)) == 40


def test_removed_numbers_are_no_longer_found(db, search):
    stock(db, STOCK)
    gone = [n for n in STOCK if n.startswith("+13109591")] + STOCK[:500]
    removal = inventory.remove(db, gone)
    assert removal.removed == len(gone)
    left = set(STOCK) - set(gone)
    assert set(search(Contains="*1*")) == matching("*1*", left)
    assert search(Contains="9591") == []
    stock(db, gone[:3])  # and back again
    assert set(search(Contains="9591")) == matching("9591", gone[:3])


def test_a_sparse_inventory_finds_every_free_number_that_matches(db, search):
    # A few numbers in each of many blocks, as years of sales leave an inventory; some sold.
    rng = random.Random(5)
    exchanges = area_code_space("310").exchanges[:40]
    numbers = sorted(
        {f"+1310{rng.choice(exchanges)}{rng.randrange(10_000):04d}" for _ in range(1500)}
    )
    stock(db, numbers)
    sold = rng.sample(numbers, 200)
    sell(db, sold)
    free = set(numbers) - set(sold)
    for pattern in ("5*5", "00", "7"):
        assert set(search(Contains=pattern, AreaCode="310")) == matching(pattern, free)
    page = search(Contains="5*5", PageSize=20)
    assert len(page) == 20 and set(page) <= matching("5*5", free)


def test_a_sparse_area_code_gives_the_numbers_of_exchanges_that_match_whole(db, search):
    """In a sparse inventory, the exchanges 505, 515 … 595 match ``5*5`` whatever the line: a
    page comes from them when they hold enough, and a larger one adds every other match."""
    rng = random.Random(9)
    exchanges = area_code_space("310").exchanges
    numbers = sorted(
        {f"+1310{rng.choice(exchanges)}{rng.randrange(10_000):04d}" for _ in range(3000)}
    )
    deciding = [
        f"+1310{exchange}{line:04d}"
        for exchange in exchanges
        if exchange[0] == exchange[2] == "5"
        for line in range(0, 10_000, 400)
    ]
    stock(db, sorted(set(numbers) | set(deciding)))
    sell(db, deciding[:5])
    free = (set(numbers) | set(deciding)) - set(deciding[:5])

    for _ in range(5):
        page = search(Contains="5*5", AreaCode="310", PageSize=20)
        assert len(page) == 20 and set(page) <= free
        assert all(number[5] == number[7] == "5" for number in page)  # exchanges 5?5
    assert set(search(Contains="5*5", AreaCode="310")) == matching("5*5", free)
