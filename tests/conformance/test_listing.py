"""Listing numbers: pages, limits, stream() and filters carried from page to page."""

from __future__ import annotations

import re
import uuid

import pytest

#: Only this module buys numbers in this area code, so filtering on it finds exactly LISTED.
LISTED_AREA_CODE = "646"
LISTED = 7
PAGE_SIZE = 3


@pytest.fixture(scope="module")
def label() -> str:
    return f"listed {uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def listed(client, label) -> dict[str, str]:
    """Sid -> phone number of LISTED numbers, all with the friendly name ``label``."""
    bought = [
        client.incoming_phone_numbers.create(area_code=LISTED_AREA_CODE, friendly_name=label)
        for _ in range(LISTED)
    ]
    return {number.sid: number.phone_number for number in bought}


def sids(records) -> list[str]:
    return [record.sid for record in records]


def test_stream_sees_every_number_once(numbers, listed):
    seen = sids(numbers.stream(page_size=PAGE_SIZE))

    assert len(seen) == len(set(seen))
    assert set(listed) <= set(seen)
    assert set(seen) == set(sids(numbers.list(page_size=1000)))


def test_list_follows_pages_to_the_end(numbers, listed, label):
    found = sids(numbers.list(friendly_name=label, page_size=PAGE_SIZE))

    assert sorted(found) == sorted(listed)


def test_pages_hold_page_size_records_and_the_last_one_ends_the_list(numbers, listed, label):
    page = numbers.page(friendly_name=label, page_size=PAGE_SIZE)
    sizes, found = [], []
    while page is not None:
        records = sids(page)
        sizes.append(len(records))
        found += records
        page = page.next_page()

    assert sizes == [3, 3, 1]
    assert sorted(found) == sorted(listed)


def test_limit_stops_the_list(numbers, listed, label):
    found = sids(numbers.list(friendly_name=label, page_size=PAGE_SIZE, limit=5))

    assert len(found) == 5
    assert len(set(found)) == 5
    assert set(found) <= set(listed)


def test_a_partial_phone_number_filter_holds_across_pages(numbers, listed):
    found = numbers.list(phone_number=f"+1{LISTED_AREA_CODE}", page_size=PAGE_SIZE)

    assert sorted(sids(found)) == sorted(listed)
    assert all(number.phone_number.startswith(f"+1{LISTED_AREA_CODE}") for number in found)


def test_a_wildcard_phone_number_filter(numbers, listed):
    sid, phone_number = next(iter(listed.items()))
    # Each * stands for one digit: here the number with its exchange hidden.
    pattern = phone_number[:5] + "***" + phone_number[8:]

    found = numbers.list(phone_number=pattern, page_size=PAGE_SIZE)

    assert sid in sids(found)
    shape = re.escape(phone_number[:5]) + r"\d{3}" + phone_number[8:]
    assert all(re.fullmatch(shape, number.phone_number) for number in found)


def test_the_friendly_name_filter_is_exact(numbers, listed, label):
    assert numbers.list(friendly_name=label[:-1], page_size=PAGE_SIZE) == []


def test_the_beta_filter(numbers, listed, label):
    beta = numbers.list(friendly_name=label, beta=True, page_size=PAGE_SIZE)

    assert sorted(sids(beta)) == sorted(listed)
    assert numbers.list(friendly_name=label, beta=False, page_size=PAGE_SIZE) == []
