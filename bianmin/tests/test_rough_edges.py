"""What a first week of use finds (issue 20 item 8): error pages in the platform's layout and language, a
favicon, and the missing-calendar warning only for those who can enter the year."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.utils import translation
from django.views.defaults import permission_denied

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_answered_in_the_platforms_layout_and_language(county):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(county.people["cadre_a"])
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "便民服务" in body and "返回首页" in body


def test_a_refusal_says_so_in_the_layout(county, rf):
    request = rf.get("/somewhere/")
    request.user = county.people["villager"]
    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "无权进行此操作" in response.content.decode()


def test_an_expired_form_is_explained_not_a_technical_csrf_page():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", enforce_csrf_checks=True)
    response = client.post("/service/track/", {"number": "20260101-00001", "phone_tail": "1234"})
    assert response.status_code == 403 and "表单已过期" in response.content.decode()


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_unexpected_error_shows_the_platforms_500_page(county, monkeypatch):
    import bianmin.views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bianmin.views, "is_workday", broken)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    client.force_login(county.people["cadre_a"])
    response = client.get("/")
    assert response.status_code == 500 and "出错了" in response.content.decode()


def test_the_favicon_is_served_from_the_platform(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith(".svg")


@pytest.mark.parametrize(
    ("persona", "warned"), [("cadre_a", False), ("township_leader", False), ("county_admin", True)]
)
def test_only_those_who_keep_the_calendar_hear_that_a_year_is_missing(county, persona, warned, monkeypatch):
    monkeypatch.setattr("bianmin.views.schedule_warning", lambda start, end: "2027 年的节假日安排尚未录入")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(county.people[persona])
    assert ("2027 年的节假日安排尚未录入" in client.get("/").content.decode()) is warned


def test_a_citizen_finds_who_is_on_duty_from_the_start_page(county):
    """Issue 20 item 1: the start page leads to each village's and township's public duty board."""
    from django.test import Client

    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "/on-duty/" in visitor.get("/").content.decode()
    page = visitor.get("/on-duty/").content.decode()
    for unit in (county["baidi"], county["huanhua"], county["kuimen"], county["baotaping"]):
        assert f'href="/duty/today/{unit.code}/"' in page
    assert "其他村" in page  # every township of the platform: a villager may live in another county it serves
    assert visitor.get(f"/duty/today/{county['huanhua'].code}/").status_code == 200
