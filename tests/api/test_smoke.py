def test_create_by_area_code_then_fetch(account):
    created = account.http.post(account.numbers_path + ".json", data={"AreaCode": "310"})
    assert created.status_code == 201, created.text
    sid = created.json()["sid"]
    fetched = account.http.get(f"{account.numbers_path}/{sid}.json")
    assert fetched.status_code == 200
    assert fetched.json()["phone_number"].startswith("+1310")
