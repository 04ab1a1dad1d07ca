"""Dashboard pages through the ASGI app: sessions and errors as pages, on both back ends."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from conftest import Account
from numbersmith.dashboard import numbers as number_pages
from numbersmith.store import DatabaseUnavailable
from numbersmith.store.faults import Fault


def signed_in(account: Account) -> TestClient:
    browser = TestClient(account.http.app, raise_server_exceptions=False)
    answer = browser.post(
        "/dashboard/sign-in",
        data={"project_id": account.project_id, "api_token": account.token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    return browser


def test_a_database_fault_is_a_page_with_retry_after(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = signed_in(account)

    async def failing(*args: object, **kwargs: object) -> None:
        raise DatabaseUnavailable(Fault("SQLITE_FULL: database or disk is full", reads_work=True))

    monkeypatch.setattr(number_pages.numbers, "page", failing)
    page = browser.get("/dashboard/numbers")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["retry-after"] == "1"
    assert "<h1>Service unavailable</h1>" in page.text
    assert "Traceback" not in page.text and "SQLITE_FULL" not in page.text


def test_a_cookie_signed_by_another_project_is_no_session(account: Account) -> None:
    browser = signed_in(account)
    cookie = browser.cookies.get("numbersmith_session")
    assert cookie is not None
    project, _, signed = cookie.partition(":")
    browser.cookies.clear()
    browser.cookies.set("numbersmith_session", f"{project}:{signed[:-2]}xx", path="/dashboard")
    answer = browser.get("/dashboard/numbers", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dashboard/sign-in")


def test_the_home_page_links_to_the_dashboard_and_the_docs(account: Account) -> None:
    home = account.http.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert 'href="/dashboard"' in home.text and 'href="/docs"' in home.text


def test_the_api_still_answers_json_for_unknown_routes(account: Account) -> None:
    answer = account.http.get("/2010-04-01/Nothing")
    assert answer.status_code == 404
    assert answer.json()["code"] == 20404


def test_sign_in_refuses_a_token_without_the_numbers_scope(account: Account, db: object) -> None:
    from numbersmith.provisioning import accounts

    token, _ = accounts.create_token(db, account.project_id, ["messaging"])  # type: ignore[arg-type]
    browser = TestClient(account.http.app, raise_server_exceptions=False)
    answer = browser.post(
        "/dashboard/sign-in", data={"project_id": account.project_id, "api_token": token}
    )
    assert answer.status_code == 401
    assert re.search(r"does not hold the numbers scope", answer.text)
