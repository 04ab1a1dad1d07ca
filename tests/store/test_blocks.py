"""The directory of thousand-blocks that pattern searches read."""

from numbersmith.store import blocks
from numbersmith.store.schema import inventory_blocks


def test_a_search_reads_every_block_whatever_its_pick_and_where_it_starts(db):
    picks = [0, 1, 12_345, blocks.PICKS // 2, blocks.PICKS - 1]  # the ends of the range too
    rows = [
        {
            "block": f"+1310556{index}",
            "area_code": "310",
            "iso_country": "US",
            "toll_free": False,
            "pick": pick,
            "lines": (1 << index).to_bytes(125, "little"),
        }
        for index, pick in enumerate(picks)
    ]
    db.run_sync(lambda tx: tx.execute_many(inventory_blocks.insert(), rows), write=True)
    for start in [0, 7, blocks.PICKS // 2, blocks.PICKS - 1]:
        read = db.run_sync(
            lambda tx, start=start: list(
                blocks.held_lines(tx, area_code="310", country="US", toll_free=False, pick=start)
            )
        )
        assert sorted(read) == sorted((row["block"], 1 << index) for index, row in enumerate(rows))
