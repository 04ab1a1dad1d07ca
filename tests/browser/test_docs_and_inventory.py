"""The API's documentation page and the operator's inventory pages, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Running, _running, assert_controls_labelled, screenshot, sign_in
from support import server as servers

METHODS = ("get", "post", "put", "delete", "patch")


def test_docs_list_every_operation_and_try_it_out_works(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    with server.api() as api:
        document = api.get("/openapi.json").json()
        bought = api.post(server.numbers_path, data={"AreaCode": "310"}).json()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    }
    page.goto(server.base_url + "/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator(".version-stamp")).to_contain_text("OAS 3.1")
    shown = set(page.locator(".opblock").evaluate_all("blocks => blocks.map(b => b.id)"))
    for operation_id in operations:
        assert any(block.endswith("-" + operation_id) for block in shown), operation_id
    assert len(shown) == sum(1 for item in document["paths"].values() for m in item if m in METHODS)

    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    # The dialog offers each scheme: HTTP Basic for a project, a bearer token for the admin.
    basic = dialog.locator("form").filter(has_text="basic (http, Basic)")
    basic.locator("input").nth(0).fill(server.project_id)
    basic.locator("input").nth(1).fill(server.api_token)
    basic.get_by_role("button", name="Apply credentials").click()
    dialog.locator("button.btn-done").first.click()

    listing = page.locator(".opblock[id$='-listIncomingPhoneNumbers']")
    listing.locator(".opblock-summary").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.locator("tr[data-param-name='AccountSid'] input").fill(server.project_id)
    listing.get_by_role("button", name="Execute").click()
    live = listing.locator(".live-responses-table")
    expect(live.locator("tbody .response-col_status").first).to_have_text("200", timeout=10_000)
    expect(live).to_contain_text(bought["phone_number"])


@pytest.fixture
def inventory_server(tmp_path: Path) -> Iterator[Running]:
    """A server in inventory supply, holding 200 numbers of area code 415."""
    url = f"sqlite:///{tmp_path / 'inventory.db'}"
    servers.add_range(url, "+14153380000", "+14153380199")
    yield from _running(url, tmp_path, supply="inventory")


def test_inventory_counts_and_import(page: Page, inventory_server: Running, tmp_path: Path) -> None:
    server = inventory_server
    with server.api() as api:
        api.post(server.numbers_path, data={"AreaCode": "415"}).raise_for_status()
    sign_in(page, server)
    page.get_by_role("link", name="Inventory").click()
    row = page.locator("table tbody tr", has_text="415")
    expect(row.locator("td")).to_have_text(["415", "200", "1", "199"])
    assert_controls_labelled(page)

    upload = tmp_path / "numbers.csv"
    upload.write_text(
        "phone_number,region\n"
        "+13103380100,CA\n"
        "not a number,CA\n"
        "+13103380101,CA\n"
        "+13103380100,CA\n"
        "+19993380100,XX\n"
    )
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("status")
    expect(report).to_contain_text("Imported 2 numbers")
    expect(report).to_contain_text("2 bad lines")
    expect(page.locator(".bad-lines li")).to_have_text(
        [re.compile(r"^line 3: .*not a number"), re.compile(r"^line 6: .*\+19993380100")]
    )
    expect(page.locator(".progress li").last).to_contain_text("lines read and stored")
    page.get_by_role("link", name="Back to the inventory").click()
    expect(page.locator("table tbody tr", has_text="310").locator("td")).to_have_text(
        ["310", "2", "0", "2"]
    )
    screenshot(page, "inventory", tmp_path)
