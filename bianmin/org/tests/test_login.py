"""Page login: session, lockout after repeated failures, the home page with units and roles."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from bianmin.org.tests.factories import PASSWORD


def login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_login_then_the_home_page_shows_units_and_roles(county, client):
    response = login(client, "cadre_a", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").content.decode()
    assert "浣花村" in home and "村（社区）干部" in home and "我的单位与角色" in home


def test_the_home_page_is_the_citizens_start_until_staff_log_in(db, client):
    response = client.get("/")
    assert response.status_code == 200 and "工作人员登录" in response.content.decode()
    assert "我的单位与角色" not in response.content.decode()


def test_a_wrong_password_shows_an_error_in_chinese(county, client):
    page = login(client, "cadre_a", "wrong").content.decode()
    assert "请输入一个正确的" in page or "用户名和密码" in page


def test_repeated_failures_lock_the_account_even_for_the_right_password(county, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "cadre_a", "wrong")
    locked = login(client, "cadre_a", PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert not client.session.get("_auth_user_id")


def test_the_lockout_is_per_username_and_address(county, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "cadre_a", "wrong")
    assert login(client, "cadre_b", PASSWORD).status_code == 302


def test_logout_is_a_post(county, client):
    login(client, "cadre_a", PASSWORD)
    assert client.post("/logout/").status_code == 302
    assert "我的单位与角色" not in client.get("/").content.decode()


def test_the_language_can_be_switched_to_english(county, client):
    login(client, "cadre_a", PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My units and roles" in client.get("/").content.decode()


def test_security_headers(client):
    response = client.get("/login/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_login_works_for_the_api_with_csrf_on_writes(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.people["county_admin"])
    assert client.get("/api/v1/me").json()["username"] == "county_admin"
    response = client.patch("/api/v1/units/500236101201", '{"name": "x"}', content_type="application/json")
    assert response.status_code in (401, 403)


def test_the_password_hasher_is_argon2id():
    assert settings.PASSWORD_HASHERS[0].endswith("TunedArgon2PasswordHasher")
