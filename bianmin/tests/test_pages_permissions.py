"""Permission matrix for the pages: who reaches the home page and who the admin site."""

from __future__ import annotations

import pytest

from bianmin.org.tests.test_api_permissions import PERSONAS


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_every_signed_in_person_reaches_home_and_only_staff_the_admin(county, client, persona):
    client.force_login(county.people[persona])
    home = client.get("/")
    if persona == "villager":  # a citizen's start is their matters
        assert home.status_code == 302 and home.headers["Location"] == "/me/"
    else:
        assert home.status_code == 200 and "我的单位与角色" in home.content.decode()
    admin = client.get("/admin/")
    if county.people[persona].is_staff:
        assert admin.status_code == 200
    else:
        assert admin.status_code == 302 and admin.headers["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "url", ["/me/", "/me/details/", "/admin/", "/admin/org/unit/", "/admin/workdays/calendaroverride/"]
)
def test_anonymous_visitors_are_sent_to_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and (
        "login" in response.headers["Location"] or "signin" in response.headers["Location"]
    )


def test_the_site_root_serves_citizens_and_links_staff_to_their_sign_in(db, client):
    page = client.get("/").content.decode()
    assert "我要办事" in page and "我要反映" in page and "/signin/" in page and 'href="/login/"' in page


def test_the_login_page_and_health_check_are_public(db, client):
    assert client.get("/login/").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}
