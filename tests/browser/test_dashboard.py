"""The dashboard in a real browser against a real server: what a person sees and does."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from browser.conftest import Running, assert_controls_labelled, screenshot, sign_in
from support import server as servers
from support.receiver import Receiver

REPLY = "<Response><Message>Thanks, we got it</Message></Response>"


def test_buy_edit_and_text_a_number(page: Page, any_server: Running, tmp_path: Path) -> None:
    """Sign in, buy a number on the Buy page, find it through the API, point its SMS URL at a
    real webhook receiver, send it a test message and read the reply in the transcript."""
    server = any_server
    page.goto(server.base_url + "/dashboard")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_controls_labelled(page)
    screenshot(page, "sign-in", tmp_path)
    sign_in(page, server)
    expect(page.get_by_text("No numbers")).to_be_visible()

    page.get_by_role("link", name="Buy", exact=True).click()
    page.get_by_label("Area code", exact=True).fill("310")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert_controls_labelled(page)
    screenshot(page, "buy", tmp_path)
    chosen = rows.first.locator("td").first.inner_text()
    assert chosen.startswith("+1310")
    rows.first.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    expect(page.get_by_role("status")).to_contain_text(f"You bought {chosen}")

    with server.api() as api:
        listed = api.get(server.numbers_path, params={"PhoneNumber": chosen}).json()
    assert [number["phone_number"] for number in listed["incoming_phone_numbers"]] == [chosen]
    sid = listed["incoming_phone_numbers"][0]["sid"]
    assert page.url.startswith(f"{server.base_url}/dashboard/numbers/{sid}")

    with Receiver() as receiver:
        sms_url = receiver.answer("/sms", REPLY)
        page.get_by_label("SMS URL").fill(sms_url)
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status")).to_have_text("Settings saved.")
        expect(page.get_by_label("SMS URL")).to_have_value(sms_url)
        with server.api() as api:
            assert api.get(f"{server.numbers_path[:-5]}/{sid}.json").json()["sms_url"] == sms_url

        page.get_by_label("Body").fill("Is anyone there?")
        page.get_by_role("button", name="Send test message").click()
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("Message from +12025550123: received")
        expect(transcript.locator(".reply")).to_have_text(
            f"To +12025550123 from {chosen}: “Thanks, we got it”".replace("“", "").replace("”", "")
        )
        expect(transcript.locator(".requests")).to_contain_text(f"POST {sms_url}")
        assert [request.form["Body"] for request in receiver.received] == ["Is anyone there?"]
        signature = receiver.received[0].headers["x-twilio-signature"]
        expect(transcript.locator(".steps")).to_contain_text("<Message>")
        transcript.evaluate("element => element.scrollIntoView()")
        screenshot(page, "number", tmp_path, height=720)
        transcript.locator("summary").first.click()
        expect(transcript.locator(".delivery dl")).to_contain_text(signature)

    page.get_by_role("link", name="Deliveries").click()
    entry = page.locator(".delivery").first
    expect(entry).to_contain_text(f"POST {sms_url}")
    entry.locator("summary").click()
    expect(entry.locator("pre")).to_have_text(REPLY)
    screenshot(page, "deliveries", tmp_path)


def test_place_a_call_with_digits_pressed(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    with Receiver() as receiver, server.api() as api:
        menu = (
            '<Response><Gather numDigits="1" action="/pressed">'
            "<Say>Press one</Say></Gather></Response>"
        )
        voice_url = receiver.answer("/voice", menu)
        receiver.answer("/pressed", "<Response><Say>Connecting you</Say><Hangup/></Response>")
        number = api.post(
            server.numbers_path, data={"AreaCode": "212", "VoiceUrl": voice_url}
        ).json()
        sign_in(page, server)
        page.get_by_role("link", name=number["phone_number"]).click()
        page.get_by_label("Digits to press", exact=False).fill("1")
        page.get_by_role("button", name="Place test call").click()
        transcript = page.locator("#transcript")
        expect(transcript.locator("#transcript-title")).to_have_text(
            "Call from +12025550123: completed, 3 s"
        )
        expect(transcript.locator(".steps li")).to_have_text(
            [
                "<Say> said",
                '<Gather numDigits="1" action="/pressed"> gathered 1',
                "<Say> said",
                "<Hangup> hung up",
            ]
        )
        assert [request.path for request in receiver.received] == ["/voice", "/pressed"]
        assert receiver.received[1].form["Digits"] == "1"

        page.get_by_label("Digits to press", exact=False).fill("x")
        page.locator("form[action$='/calls']").evaluate("form => form.noValidate = true")
        page.get_by_role("button", name="Place test call").click()
        expect(page.get_by_role("alert")).to_contain_text("not a key of 0-9, * or #")

    page.get_by_role("link", name="Deliveries").click()
    page.get_by_label("Number").fill(number["phone_number"])
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".delivery summary")).to_have_count(2)
    page.get_by_label("Number").fill("+12125550000")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No deliveries to +12125550000 yet.")).to_be_visible()


def test_another_server_process_accepts_the_session(
    page: Page, sqlite_server: Running, tmp_path: Path
) -> None:
    """Sessions are signed with a key kept in the database: any process serving it reads them
    (a browser sends one host's cookies to each of its ports)."""
    server = sqlite_server
    sign_in(page, server)
    other = servers.start(
        server.database_url,
        project_id=server.project_id,
        api_token=server.api_token,
        log_path=tmp_path / "other.log",
    )
    try:
        page.goto(other.base_url + "/dashboard/numbers")
        expect(page.get_by_role("heading", level=1)).to_have_text("Numbers")
    finally:
        servers.stop(other.process)


def test_page_through_120_numbers(page: Page, sqlite_server: Running, tmp_path: Path) -> None:
    server = sqlite_server
    with server.api() as api:
        bought = [
            api.post(server.numbers_path, data={"AreaCode": "415"}).json()["phone_number"]
            for _ in range(120)
        ]
    sign_in(page, server)
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += page.locator("table tbody tr td:first-child").all_inner_texts()
        older = page.get_by_role("link", name="Older →")
        if older.count() == 0:
            break
        older.click()
    assert pages == 3
    assert seen == list(reversed(bought))  # newest first, each once
    page.get_by_role("link", name="← Newer").click()
    expect(page.locator("table tbody tr td:first-child").first).to_have_text(seen[50])
    page.get_by_role("link", name="← Newer").click()
    screenshot(page, "numbers", tmp_path)


def test_filter_numbers(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    with server.api() as api:
        first = api.post(
            server.numbers_path, data={"AreaCode": "212", "FriendlyName": "front desk"}
        ).json()
        api.post(server.numbers_path, data={"AreaCode": "415"})
    sign_in(page, server)
    page.get_by_label("Friendly name").fill("front desk")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr td").first).to_have_text(first["phone_number"])
    page.get_by_label("Phone number").fill("abc")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("digits")


def test_a_form_without_its_csrf_token_is_refused(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    with server.api() as api:
        number = api.post(server.numbers_path, data={"AreaCode": "310"}).json()
    sign_in(page, server)
    target = f"{server.base_url}/dashboard/numbers/{number['sid']}"
    for form in (
        {"sms_url": "https://evil.example/sms"},
        {"sms_url": "https://evil.example/sms", "csrf_token": "wrong"},
    ):
        # The browser's own cookie goes with it, as a forged cross-site form would try.
        refused = page.request.post(target, form=form, max_redirects=0)
        assert refused.status == 403
        assert "Form refused" in refused.text()
        refused_release = page.request.post(target + "/release", form=form, max_redirects=0)
        assert refused_release.status == 403
    with server.api() as api:
        kept = api.get(f"{server.numbers_path[:-5]}/{number['sid']}.json").json()
    assert kept["sms_url"] is None
    page.goto(target)
    expect(page.get_by_label("SMS URL")).to_have_value("")


def test_release_with_confirmation(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    with server.api() as api:
        number = api.post(server.numbers_path, data={"AreaCode": "310"}).json()
    sign_in(page, server)
    page.get_by_role("link", name=number["phone_number"]).click()
    page.get_by_role("link", name="Release this number…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Release {number['phone_number']}?")
    page.get_by_role("button", name=f"Release {number['phone_number']}").click()
    expect(page.get_by_role("status")).to_have_text(f"Released {number['phone_number']}.")
    with server.api() as api:
        assert api.get(f"{server.numbers_path[:-5]}/{number['sid']}.json").status_code == 404


def test_buying_errors_are_shown_in_words(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    sign_in(page, server)
    page.goto(server.base_url + "/dashboard/buy")
    page.get_by_label("Area code", exact=True).fill("999")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_have_text(
        "AreaCode 999 is not a valid US or Canadian area code (error 21451)."
    )
    with server.api() as api:
        taken = api.post(server.numbers_path, data={"AreaCode": "310"}).json()["phone_number"]
    page.goto(server.base_url + "/dashboard/buy")
    page.evaluate(
        """taken => {
            const form = document.querySelector('form[action$="/buy"][method=post]');
            form.querySelector('[name=area_code]').outerHTML =
                `<input type=hidden name=phone_number value="${taken}">`;
            form.submit();
        }""",
        taken,
    )
    expect(page.get_by_role("alert")).to_have_text(
        f"PhoneNumber {taken} is not available (error 21422)."
    )


def test_sign_out_and_revoked_tokens_end_the_session(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    sign_in(page, server)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(server.base_url + "/dashboard/numbers")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    token = server.new_token("numbers")
    sign_in(page, server, token)
    page.get_by_label("API token", exact=False).count()  # the numbers page: no such field
    server.cli("token", "revoke", token)
    page.wait_for_timeout(1100)  # a success is remembered for a second
    page.goto(server.base_url + "/dashboard/numbers")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_credentials_are_refused(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    page.goto(server.base_url + "/dashboard/sign-in")
    page.get_by_label("Project id").fill(server.project_id)
    page.get_by_label("API token").fill("PTnotatoken")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That project id and API token do not match.")


def test_keyboard_only(page: Page, sqlite_server: Running) -> None:
    """Sign in and reach a page with the keyboard alone."""
    server = sqlite_server
    page.goto(server.base_url + "/dashboard/sign-in")
    expect(page.locator(":focus")).to_have_id("project_id")  # the first field has the focus
    page.keyboard.type(server.project_id)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_id("api_token")
    page.keyboard.type(server.api_token)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/numbers")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(":focus")).to_have_text("Skip to content")
    for _ in range(3):  # the brand, Numbers, Buy
        page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Buy")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Buy a number")).to_be_visible()


def test_applications(page: Page, sqlite_server: Running, tmp_path: Path) -> None:
    server = sqlite_server
    sign_in(page, server)
    page.get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="New application").click()
    assert_controls_labelled(page)
    page.get_by_label("Name").fill("Front desk")
    page.get_by_label("Voice URL").fill("not a url")
    page.locator("form.settings").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Create application").click()
    expect(page.get_by_role("alert")).to_have_text(
        "VoiceUrl is not a valid, fully-qualified http or https URL (error 21402)."
    )
    page.get_by_label("Voice URL").fill("https://example.com/voice")
    page.get_by_role("button", name="Create application").click()
    expect(page.get_by_role("link", name="Front desk")).to_be_visible()
    page.get_by_role("link", name="Front desk").click()
    page.get_by_label("Name").fill("Reception")
    page.get_by_role("button", name="Save application").click()
    expect(page.get_by_role("link", name="Reception")).to_be_visible()
    screenshot(page, "applications", tmp_path)
    with server.api() as api:
        found = api.get(f"/2010-04-01/Accounts/{server.project_id}/Applications.json").json()
    assert [a["friendly_name"] for a in found["applications"]] == ["Reception"]
    assert found["applications"][0]["voice_url"] == "https://example.com/voice"
    page.get_by_role("link", name="Reception").click()
    page.get_by_role("link", name="Delete this application…").click()
    page.get_by_role("button", name="Delete Reception").click()
    expect(page.get_by_text("No applications yet.")).to_be_visible()


def test_phone_width(page: Page, sqlite_server: Running) -> None:
    """At 375 px nothing runs off the side of the page."""
    server = sqlite_server
    with server.api() as api:
        number = api.post(server.numbers_path, data={"AreaCode": "310"}).json()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, server)
    for path in (
        "/dashboard/numbers",
        f"/dashboard/numbers/{number['sid']}",
        "/dashboard/buy?area_code=310",
        "/dashboard/deliveries",
        "/dashboard/applications",
    ):
        page.goto(server.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide"
        expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()


def test_errors_are_pages(page: Page, sqlite_server: Running) -> None:
    server = sqlite_server
    sign_in(page, server)
    response = page.goto(server.base_url + "/dashboard/numbers/no-such-number")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    response = page.goto(server.base_url + "/dashboard/no/such/page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")


def test_home_links_to_the_dashboard(page: Page, sqlite_server: Running) -> None:
    page.goto(sqlite_server.base_url + "/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
