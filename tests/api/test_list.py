"""Listing numbers: filters and keyset paging."""

from urllib.parse import parse_qs, urlsplit

import pytest

from api.helpers import assert_error

#: SignalWire's page: no start or end, which Twilio's pages have.
META_KEYS = {"uri", "first_page_uri", "next_page_uri", "previous_page_uri", "page", "page_size"}


def buy(account, **form):
    response = account.http.post(account.numbers_path, data=form or {"AreaCode": "310"})
    assert response.status_code == 201, response.text
    return response.json()


def pages(account, query):
    """Follow next_page_uri verbatim, as the SDKs do; yield each page."""
    body = account.http.get(account.numbers_path + ".json", params=query).json()
    while True:
        yield body
        if body["next_page_uri"] is None:
            return
        body = account.http.get(body["next_page_uri"]).json()


def test_the_envelope_has_the_meta_keys_and_one_records_key(account):
    buy(account)
    body = account.http.get(account.numbers_path).json()
    assert set(body) == META_KEYS | {"incoming_phone_numbers"}
    assert body["page"] == 0 and body["page_size"] == 50
    assert body["next_page_uri"] is None and body["previous_page_uri"] is None
    assert body["first_page_uri"].startswith(
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/IncomingPhoneNumbers.json?"
    )


def test_paging_visits_every_number_once_newest_first(account):
    bought = [buy(account)["sid"] for _ in range(7)]
    seen = []
    page_numbers = []
    for body in pages(account, {"PageSize": 3}):
        page_numbers.append(body["page"])
        assert len(body["incoming_phone_numbers"]) <= 3
        seen += [n["sid"] for n in body["incoming_phone_numbers"]]
    assert seen == list(reversed(bought))
    assert page_numbers == [0, 1, 2]


def test_next_page_uri_repeats_the_filters(account):
    for _ in range(3):
        buy(account, AreaCode="212")
    buy(account, AreaCode="415")
    first = account.http.get(
        account.numbers_path, params={"PhoneNumber": "+1212", "PageSize": 2}
    ).json()
    query = parse_qs(urlsplit(first["next_page_uri"]).query)
    assert (
        query["PhoneNumber"] == ["+1212"] and query["PageSize"] == ["2"] and query["Page"] == ["1"]
    )
    assert query["PageToken"][0].startswith("PA")
    numbers = [n["phone_number"] for body in pages(account, {"PhoneNumber": "+1212", "PageSize": 2})
               for n in body["incoming_phone_numbers"]]  # fmt: skip
    assert len(numbers) == 3 and all(n.startswith("+1212") for n in numbers)


def test_previous_page_uri_leads_back(account):
    for _ in range(5):
        buy(account)
    first = account.http.get(account.numbers_path, params={"PageSize": 2}).json()
    second = account.http.get(first["next_page_uri"]).json()
    assert second["previous_page_uri"] is not None
    back = account.http.get(second["previous_page_uri"]).json()
    assert back["incoming_phone_numbers"] == first["incoming_phone_numbers"]
    assert back["page"] == 0


def test_a_number_bought_while_paging_does_not_shift_pages(account):
    for _ in range(4):
        buy(account)
    first = account.http.get(account.numbers_path, params={"PageSize": 2}).json()
    buy(account)  # newest: it belongs before page 0, not in page 1
    second = account.http.get(first["next_page_uri"]).json()
    first_sids = {n["sid"] for n in first["incoming_phone_numbers"]}
    second_sids = {n["sid"] for n in second["incoming_phone_numbers"]}
    assert not first_sids & second_sids
    assert len(second_sids) == 2


def test_filters(account):
    a = buy(account, PhoneNumber="+12125560101", FriendlyName="front desk")
    b = buy(account, PhoneNumber="+12125560202")
    c = buy(account, PhoneNumber="+14155560303")

    def listed(**query):
        body = account.http.get(account.numbers_path, params=query).json()
        return {n["sid"] for n in body["incoming_phone_numbers"]}

    assert listed(PhoneNumber="+12125560101") == {a["sid"]}
    assert listed(PhoneNumber="+1 212-556-0101") == {a["sid"]}
    assert listed(PhoneNumber="556") == {a["sid"], b["sid"], c["sid"]}
    assert listed(PhoneNumber="+1212") == {a["sid"], b["sid"]}
    assert listed(PhoneNumber="0*0*") == {a["sid"], b["sid"], c["sid"]}
    assert listed(PhoneNumber="+1*15") == {c["sid"]}
    assert listed(FriendlyName="front desk") == {a["sid"]}
    assert listed(Beta="true") == {a["sid"], b["sid"], c["sid"]}
    assert listed(Beta="False") == set()
    assert listed(Origin="signalwire") == {a["sid"], b["sid"], c["sid"]}
    assert listed(Origin="hosted") == set()


@pytest.mark.parametrize(
    "query,code",
    [
        ({"PageSize": "0"}, 54454),
        ({"PageSize": "1001"}, 54454),
        ({"PageSize": "ten"}, 54454),
        ({"PageToken": "garbage"}, 21481),
        ({"PageToken": "PAnot-base64!"}, 21481),
        ({"PageToken": "PA"}, 21481),
        ({"Page": "2"}, 54453),
        ({"Page": "-1"}, 20001),
        ({"PhoneNumber": "abc"}, 21401),
        ({"Beta": "yes"}, 20001),
    ],
)
def test_bad_paging_and_filters(account, query, code):
    assert_error(account.http.get(account.numbers_path, params=query), 400, code)


def test_page_size_of_1000_is_accepted(account):
    assert (
        account.http.get(account.numbers_path, params={"PageSize": 1000}).json()["page_size"]
        == 1000
    )
