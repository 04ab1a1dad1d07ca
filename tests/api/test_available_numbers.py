"""Searching numbers to buy: GET /Accounts/{AccountSid}/AvailablePhoneNumbers[/{IsoCountry}[/Local|/TollFree]]."""

import re

import pytest
from starlette.testclient import TestClient

from api.helpers import assert_error
from numbersmith.provisioning import accounts

#: What a search answers and what the list of countries answers: not pages, in SignalWire's.
SEARCH_KEYS = {"uri", "available_phone_numbers"}
COUNTRY_LIST_KEYS = {"uri", "countries"}
NUMBER_KEYS = {
    "friendly_name", "phone_number", "lata", "locality", "rate_center", "latitude", "longitude",
    "region", "postal_code", "iso_country", "capabilities", "beta",
}  # fmt: skip
TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}
KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


def countries_path(account):
    return f"/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers"


def search(account, country="US", kind="Local", **query):
    """The numbers found; the search must succeed."""
    response = account.http.get(f"{countries_path(account)}/{country}/{kind}.json", params=query)
    assert response.status_code == 200, response.text
    return response.json()["available_phone_numbers"]


def search_response(account, country="US", kind="Local", **query):
    return account.http.get(f"{countries_path(account)}/{country}/{kind}", params=query)


def buy(account, phone_number):
    return account.http.post(account.numbers_path, data={"PhoneNumber": phone_number})


def national(number):
    return number["phone_number"][2:]


def matches(pattern, number):
    """The pattern (digits, letters, *) appears in the number's 10 national digits."""
    regex = pattern.upper().translate(KEYPAD).replace("*", "[0-9]")
    return re.search(regex, national(number)) is not None


# The countries offered


def test_the_country_list_is_its_uri_and_the_countries(account):
    body = account.http.get(countries_path(account)).json()
    assert set(body) == COUNTRY_LIST_KEYS
    assert body["uri"] == (
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers.json"
    )
    assert {c["country_code"]: c["country"] for c in body["countries"]} == {
        "US": "United States",
        "CA": "Canada",
    }


def test_each_country_links_to_its_searches(account):
    for listed in account.http.get(countries_path(account) + ".json").json()["countries"]:
        code = listed["country_code"]
        assert set(listed) == {"country_code", "country", "uri", "beta", "subresource_uris"}
        assert listed["beta"] is False
        base = f"/api/laml/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers/{code}"
        assert listed["uri"] == base + ".json"
        assert listed["subresource_uris"] == {
            "local": base + "/Local.json",
            "toll_free": base + "/TollFree.json",
        }
        assert account.http.get(listed["uri"]).json() == listed
        for uri in listed["subresource_uris"].values():
            response = account.http.get(uri, params={"PageSize": 2})
            assert response.status_code == 200, response.text
            assert len(response.json()["available_phone_numbers"]) == 2


def test_a_country_is_fetched_by_its_code(account):
    for path in ("/US", "/US.json", "/us"):
        response = account.http.get(countries_path(account) + path)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["country_code"] == "US"


def test_an_unknown_country_is_not_found(account):
    for path in ("/GB", "/ZZ.json", "/GB/Local", "/XX/TollFree.json", "/USA/Local"):
        assert_error(account.http.get(countries_path(account) + path), 404, 20404)


def test_other_kinds_of_number_are_not_found(account):
    assert_error(account.http.get(countries_path(account) + "/US/Mobile.json"), 404, 20404)


def test_searches_are_only_read(account):
    assert_error(account.http.post(countries_path(account) + "/US/Local.json"), 405, 20004)


# Authentication


def test_every_route_needs_credentials(account, app_client):
    anonymous = TestClient(app_client.app, raise_server_exceptions=False)
    for path in ("", ".json", "/US", "/US/Local", "/CA/TollFree.json"):
        assert_error(anonymous.get(countries_path(account) + path), 401, 20003)


def test_a_token_without_the_numbers_scope_cannot_search(account, db, app_client):
    token, _ = accounts.create_token(db, account.project_id, ["messaging"])
    http = TestClient(app_client.app, raise_server_exceptions=False)
    http.auth = (account.project_id, token)
    assert_error(http.get(countries_path(account) + "/US/Local"), 401, 20003)


def test_another_accounts_path_is_refused_even_for_unknown_countries(account, db):
    other = accounts.create_project(db, "other")
    for path in ("", "/US/Local", "/ZZ"):
        url = f"/2010-04-01/Accounts/{other.project_id}/AvailablePhoneNumbers{path}"
        assert_error(account.http.get(url), 401, 20003)


# The search page


def test_a_search_answers_its_uri_and_the_numbers_with_no_next_page(account):
    response = account.http.get(
        countries_path(account) + "/US/Local.json", params={"Contains": "STORM"}
    )
    body = response.json()
    assert set(body) == SEARCH_KEYS
    assert len(body["available_phone_numbers"]) == 50
    assert body["uri"].startswith(
        f"/api/laml/2010-04-01/Accounts/{account.project_id}/AvailablePhoneNumbers/US/Local.json?"
    )
    assert "Contains=STORM" in body["uri"]


@pytest.mark.parametrize(
    "country,kind", [("US", "Local"), ("CA", "Local"), ("US", "TollFree"), ("CA", "TollFree")]
)
def test_every_number_has_every_field(account, country, kind):
    found = search(account, country, kind, PageSize=20)
    assert len(found) == 20
    assert len({n["phone_number"] for n in found}) == 20
    for number in found:
        assert set(number) == NUMBER_KEYS
        digits = national(number)
        assert number["phone_number"] == "+1" + digits and len(digits) == 10
        assert number["friendly_name"] == f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        assert number["iso_country"] == country
        assert number["capabilities"] == {"voice": True, "SMS": True, "MMS": True}
        assert number["beta"] is False
        for unknown in ("lata", "rate_center", "latitude", "longitude", "postal_code"):
            assert number[unknown] is None
        assert (digits[:3] in TOLL_FREE) is (kind == "TollFree")
        if kind == "TollFree":
            assert number["region"] is None and number["locality"] is None


def test_local_numbers_say_where_they_are(account):
    found = search(account, "US", "Local", Contains="3103386745")
    assert found[0]["region"] == "CA" and found[0]["locality"] == "Los Angeles"
    assert all(n["region"] in {"ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "NT", "YT", "NU", None}
               for n in search(account, "CA", "Local"))  # fmt: skip


def test_both_path_prefixes_and_suffixes_are_served(account):
    for path in (
        "/api/laml/2010-04-01/Accounts/{}/AvailablePhoneNumbers/US/Local",
        "/api/laml/2010-04-01/Accounts/{}/AvailablePhoneNumbers/US/Local.json",
        "/2010-04-01/Accounts/{}/AvailablePhoneNumbers/US/TollFree",
        "/api/laml/2010-04-01/Accounts/{}/AvailablePhoneNumbers.json",
        "/api/laml/2010-04-01/Accounts/{}/AvailablePhoneNumbers/CA",
    ):
        response = account.http.get(path.format(account.project_id), params={"PageSize": 1})
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_page_size_is_honoured(account, size):
    assert len(search(account, PageSize=size)) == size


def test_a_bad_page_size_is_refused(account):
    for size in ("0", "1001", "abc", "-1"):
        assert_error(search_response(account, PageSize=size), 400, 54454)


def test_results_vary_between_searches(account):
    first = {n["phone_number"] for n in search(account, PageSize=20)}
    second = {n["phone_number"] for n in search(account, PageSize=20)}
    assert first != second


# Filters


@pytest.mark.parametrize(
    "country,kind,area_code",
    [("US", "Local", "310"), ("CA", "Local", "416"), ("US", "TollFree", "888")],
)
def test_area_code(account, country, kind, area_code):
    found = search(account, country, kind, AreaCode=area_code, PageSize=30)
    assert len(found) == 30
    assert all(national(n).startswith(area_code) for n in found)


def test_an_area_code_of_another_country_finds_nothing(account):
    assert search(account, "US", "Local", AreaCode="416") == []
    assert search(account, "CA", "Local", AreaCode="212") == []


def test_an_invalid_area_code_is_refused(account):
    for kind, area_code in [
        ("Local", "100"), ("Local", "31"), ("Local", "3100"), ("Local", "abc"), ("Local", "900"),
        ("Local", ""), ("Local", "800"), ("TollFree", "310"), ("TollFree", "900"),
    ]:  # fmt: skip
        body = assert_error(search_response(account, "US", kind, AreaCode=area_code), 400, 21451)
        assert f"AreaCode {area_code}" in body["message"]


@pytest.mark.parametrize(
    "pattern", ["7777", "310", "2*2*2", "STORM", "storm", "Pizza", "*0*0", "FLOWER"]
)
def test_contains(account, pattern):
    found = search(account, Contains=pattern, PageSize=25)
    assert len(found) == 25
    assert all(matches(pattern, n) for n in found), [n["phone_number"] for n in found]


def test_a_long_pattern_with_few_matches_per_area_code_still_matches_exactly(account):
    # NUMBERS is 6862377: most area codes hold one or a few matches, so a page may be short.
    found = search(account, Contains="NUMBERS", PageSize=25)
    assert 1 <= len(found) <= 25
    assert all("6862377" in national(n) for n in found)


def test_letters_mean_their_keypad_digits(account):
    found = search(account, Contains="STORM", PageSize=40)
    assert all("78676" in national(n) for n in found)


def test_contains_on_toll_free_numbers(account):
    found = search(account, "US", "TollFree", Contains="FLOWERS", PageSize=10)
    assert len(found) == 10
    assert all(national(n)[:3] in TOLL_FREE and "3569377" in national(n) for n in found)


def test_a_pattern_of_ten_matches_the_whole_number(account):
    assert [n["phone_number"] for n in search(account, Contains="3103386745")] == ["+13103386745"]
    found = search(account, Contains="310338674*")
    assert sorted(n["phone_number"] for n in found) == [f"+1310338674{d}" for d in range(10)]
    found = search(account, Contains="*10338674*")
    assert len(found) == 50 and all(national(n)[1:9] == "10338674" for n in found)


def test_contains_with_an_area_code(account):
    found = search(account, AreaCode="212", Contains="99", PageSize=20)
    assert len(found) == 20
    assert all(national(n).startswith("212") and "99" in national(n) for n in found)


def test_a_pattern_no_number_can_match_finds_nothing(account):
    assert search(account, Contains="3109110000") == []  # an N11 exchange is never sold
    assert search(account, Contains="3105550100") == []  # nor is 555
    assert search(account, Contains="0*********") == []  # no area code starts with 0


def test_an_invalid_pattern_is_refused(account):
    for pattern in ("+1310", "310-338", "12 34", "ab#", "caf\u00e9", "12345678901", "3103386745A"):
        body = assert_error(search_response(account, Contains=pattern), 400, 20001)
        assert "Contains" in body["message"], pattern


@pytest.mark.parametrize("country,region", [("US", "NY"), ("US", "tx"), ("CA", "ON"), ("CA", "bc")])
def test_in_region(account, country, region):
    found = search(account, country, InRegion=region, PageSize=30)
    assert len(found) == 30
    assert all(n["region"] == region.upper() and n["iso_country"] == country for n in found)


def test_in_region_and_locality(account):
    found = search(account, InRegion="CA", InLocality="Los Angeles", PageSize=30)
    assert len(found) == 30
    assert all(n["region"] == "CA" and n["locality"] == "Los Angeles" for n in found)
    found = search(account, "CA", InRegion="on", InLocality="toronto", PageSize=10)
    assert len(found) == 10
    assert all(n["region"] == "ON" and n["locality"] == "Toronto" for n in found)


def test_region_locality_area_code_and_pattern_together(account):
    found = search(
        account,
        InRegion="CA",
        InLocality="Los Angeles",
        AreaCode="310",
        Contains="5*5",
        PageSize=15,
    )
    assert len(found) == 15
    for number in found:
        assert national(number).startswith("310") and matches("5*5", number)
        assert (number["region"], number["locality"]) == ("CA", "Los Angeles")


def test_filters_that_exclude_each_other_find_nothing(account):
    for country, kind, query in [
        ("US", "Local", {"InRegion": "ON"}),  # a province in a US search
        ("CA", "Local", {"InRegion": "NY"}),
        ("US", "Local", {"InRegion": "NY", "AreaCode": "310"}),
        ("US", "Local", {"InRegion": "CA", "InLocality": "Toronto"}),
        ("US", "Local", {"InRegion": "CA", "InLocality": "Nowhere Special"}),
        ("US", "TollFree", {"InRegion": "CA"}),  # toll-free numbers are in no region
    ]:
        assert search(account, country, kind, **query) == [], (country, kind, query)


def test_in_region_must_be_a_state_or_province_code(account):
    for region in ("California", "ZZ", "PR", "1"):
        body = assert_error(search_response(account, InRegion=region), 400, 20001)
        assert "InRegion" in body["message"]


def test_in_locality_requires_in_region(account):
    body = assert_error(search_response(account, InLocality="Los Angeles"), 400, 90000)
    assert "InLocality" in body["message"] and "InRegion" in body["message"]


def test_parameters_signalwire_does_not_support_are_refused(account):
    for parameter, value in [
        ("NearNumber", "+13103386745"), ("NearLatLong", "34.05,-118.24"), ("Distance", "25"),
        ("InPostalCode", "90210"), ("InRateCenter", "LOS ANGELES"), ("InLata", "730"),
    ]:  # fmt: skip
        for kind in ("Local", "TollFree"):
            body = assert_error(
                search_response(account, "US", kind, **{parameter: value}), 400, 90000
            )
            assert parameter in body["message"]


def test_filters_no_synthetic_number_fails_exclude_nothing(account):
    for query in [
        {"SmsEnabled": "true", "MmsEnabled": "true", "VoiceEnabled": "true", "FaxEnabled": "true"},
        # Synthetic numbers have every capability; false means "need not have it", so nothing is
        # excluded either way (SignalWire ignores these filters altogether).
        {"SmsEnabled": "false", "MmsEnabled": "False", "VoiceEnabled": "FALSE", "FaxEnabled": "false"},
        {"ExcludeAllAddressRequired": "true", "ExcludeLocalAddressRequired": "True", "ExcludeForeignAddressRequired": "true"},
        {"Beta": "true"},
        {"Beta": "false"},
        {"ApiVersion": "2010-04-01", "Unheard": "of"},
    ]:  # fmt: skip
        found = search(account, PageSize=10, AreaCode="212", **query)
        assert len(found) == 10, query
        assert all(n["capabilities"] == {"voice": True, "SMS": True, "MMS": True} for n in found)
        assert all(n["beta"] is False for n in found)


def test_a_malformed_boolean_filter_is_refused(account):
    for parameter in ("SmsEnabled", "Beta", "ExcludeAllAddressRequired", "FaxEnabled"):
        body = assert_error(search_response(account, **{parameter: "maybe"}), 400, 20001)
        assert parameter in body["message"]


# What a search returns can be bought, and what is owned is never returned


@pytest.mark.parametrize(
    "country,kind,query",
    [
        ("US", "Local", {}),
        ("CA", "Local", {}),
        ("US", "TollFree", {}),
        ("CA", "TollFree", {}),
        ("US", "Local", {"Contains": "STORM"}),
        ("US", "Local", {"InRegion": "CA", "InLocality": "Los Angeles"}),
        ("CA", "Local", {"InRegion": "NS"}),
    ],
)
def test_every_number_found_can_be_bought(account, country, kind, query):
    found = search(account, country, kind, PageSize=8, **query)
    assert len(found) == 8
    for number in found:
        response = buy(account, number["phone_number"])
        assert response.status_code == 201, (number, response.text)
        bought = response.json()
        assert bought["phone_number"] == number["phone_number"]
        if kind == "Local":
            assert bought["country_code"] == number["iso_country"]


def test_an_owned_number_is_never_found(account, db, app_client):
    from conftest import new_account

    number = buy(account, "+13103386745").json()["phone_number"]
    assert search(account, Contains=national({"phone_number": number})) == []
    # Owned by anyone: another account does not find it either.
    other = new_account(db, app_client, "other")
    assert search(other, Contains="3103386745") == []
    # Released, it can be found again.
    sid = account.http.get(account.numbers_path).json()["incoming_phone_numbers"][0]["sid"]
    assert account.http.delete(f"{account.numbers_path}/{sid}").status_code == 204
    assert [n["phone_number"] for n in search(other, Contains="3103386745")] == [number]


def test_a_search_finds_the_numbers_left_when_most_are_owned(account):
    for digit in range(0, 10, 2):
        assert buy(account, f"+1212338674{digit}").status_code == 201
    found = search(account, Contains="212338674*")
    assert sorted(n["phone_number"] for n in found) == [f"+1212338674{d}" for d in range(1, 10, 2)]
    for digit in range(1, 10, 2):
        assert buy(account, f"+1212338674{digit}").status_code == 201
    assert search(account, Contains="212338674*") == []


def test_a_number_bought_from_a_search_leaves_later_searches(account):
    found = search(account, AreaCode="415", Contains="4242", PageSize=5)
    for number in found:
        assert buy(account, number["phone_number"]).status_code == 201
    owned = {n["phone_number"] for n in found}
    for number in found:
        assert search(account, Contains=national(number)) == []
    assert owned.isdisjoint(
        n["phone_number"] for n in search(account, AreaCode="415", Contains="4242", PageSize=200)
    )


def test_the_api_description_covers_the_search(app_client):
    document = app_client.get("/openapi.json").json()
    base = "/api/laml/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers"
    assert {base + ".json", base + "/{IsoCountry}.json", base + "/{IsoCountry}/Local.json",
            base + "/{IsoCountry}/TollFree.json"} <= set(document["paths"])  # fmt: skip
    local = document["paths"][base + "/{IsoCountry}/Local.json"]["get"]
    names = {p["name"] for p in local["parameters"]}
    assert {
        "AreaCode",
        "Contains",
        "InRegion",
        "InLocality",
        "Beta",
        "SmsEnabled",
        "PageSize",
        "NearNumber",
    } <= names
    number = document["components"]["schemas"]["AvailablePhoneNumber"]
    assert set(number["required"]) == NUMBER_KEYS
