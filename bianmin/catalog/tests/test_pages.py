"""The guide pages (no login), in Chinese and English, and the administrators' Excel page."""

from __future__ import annotations

import io
import re

import pytest
import segno
from openpyxl import load_workbook

from bianmin.catalog.choices import CATALOG_CHANGE
from bianmin.catalog.models import ServiceItem
from bianmin.catalog.tests.factories import new_item
from bianmin.org.tests.test_api_permissions import PERSONAS

JOINT_CHIP = '<span class="chip">{}</span>'


@pytest.fixture
def items(county):
    return [
        new_item(county["rsj"]),
        new_item(county["baidi"], "农村宅基地建房审批"),
        new_item(county["rsj"], "残疾人证办理"),
    ]


def test_the_guide_browses_by_life_event_and_level_in_chinese(items, client):
    page = client.get("/guide/")
    html = page.content.decode()
    assert page.status_code == 200 and "办事指南" in html
    assert "社会救助" in html and "残疾" in html and "住房建房" in html  # life-event tiles with items
    assert "村代办" in html
    assert "Content-Security-Policy" in page.headers and "<script" not in html
    by_event = client.get("/guide/", {"event": "disability"}).content.decode()
    assert "残疾人证办理" in by_event and "最低生活保障申请" not in by_event
    by_level = client.get("/guide/", {"level": "county"}).content.decode()
    assert "残疾人证办理" in by_level and "农村宅基地建房审批" not in by_level


def test_the_guide_searches_in_colloquial_words(items, client):
    html = client.get("/guide/", {"q": "盖房子"}).content.decode()
    assert "农村宅基地建房审批" in html and "最低生活保障申请" not in html
    assert JOINT_CHIP.format("联合办理") in html
    assert "没有找到" in client.get("/guide/", {"q": "火星签证"}).content.decode()


def test_the_guide_in_english(items, client):
    client.cookies["django_language"] = "en"
    html = client.get("/guide/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Service guide" in html and "Social assistance" in html
    item = client.get(f"/guide/{items[0].code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Materials to bring" in item and "20 working days" in item
    joint = client.get(f"/guide/{items[1].code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert JOINT_CHIP.format("Handled jointly") in joint and JOINT_CHIP.format("Handled jointly") not in item


def test_an_item_page_is_printable_with_a_qr_code_to_itself(items, client):
    item = items[0]
    page = client.get(f"/guide/{item.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "最低生活保障申请" in html and "申请材料" in html and "20个工作日" in html
    assert "<svg" in html and f"http://testserver/guide/{item.code}/" in html  # the QR code, inline
    assert "guide.css" in html  # with its print rules
    assert "可由村干部在村便民服务站代为办理" in html
    assert JOINT_CHIP.format("联合办理") not in html
    joint = client.get(f"/guide/{items[1].code}/").content.decode()  # the homestead approval, handled jointly
    assert JOINT_CHIP.format("联合办理") in joint and "45个工作日" in joint


def qr_modules(html: str) -> set[tuple[int, int]]:
    """The dark modules (row, column) of the page's one inline QR code, read back from its SVG path (segno
    draws each run of dark modules as a horizontal line through the middle of its row), border removed."""
    svgs = re.findall(r'<svg[^>]*class="segno"[^>]*>.*?</svg>', html, re.S)
    assert len(svgs) == 1, svgs
    path = re.search(r'<path[^>]*\bd="([^"]+)"', svgs[0])
    assert path is not None, svgs[0]
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, numbers in re.findall(r"([A-Za-z])([^A-Za-z]*)", path.group(1)):
        values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        elif command == "h":
            dark |= {(int(y), int(x) + n) for n in range(int(values[0]))}
            x += values[0]
        else:
            raise AssertionError(f"unexpected path command {command!r} in {path.group(1)[:80]}")
    top, left = min(r for r, _c in dark), min(c for _r, c in dark)  # the finder pattern's corner
    return {(r - top, c - left) for r, c in dark}


def encodings(url: str) -> list[set[tuple[int, int]]]:
    """The dark modules of `url`'s QR code at each error-correction level segno offers."""
    codes = [segno.make(url, error=level).matrix for level in "lmqh"]
    return [{(r, c) for r, row in enumerate(m) for c, bit in enumerate(row) if bit} for m in codes]


def test_the_qr_code_encodes_the_page_address(items, client):
    # Given an item's public page
    html = client.get(f"/guide/{items[0].code}/").content.decode()
    # When its inline QR code is read back into modules
    modules = qr_modules(html)
    # Then they are the QR code of the page's own address, and not of another item's page
    own, other = f"http://testserver/guide/{items[0].code}/", f"http://testserver/guide/{items[1].code}/"
    assert any(modules == code for code in encodings(own)), f"the page's QR code does not encode {own}"
    assert not any(modules == code for code in encodings(other)), f"the page's QR code encodes {other}"


def test_inactive_and_unknown_items_are_not_found(items, client):
    ServiceItem.objects.filter(pk=items[0].pk).update(active=False)
    assert client.get(f"/guide/{items[0].code}/").status_code == 404
    assert client.get("/guide/NOPE/").status_code == 404
    assert "最低生活保障申请" not in client.get("/guide/").content.decode()


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_only_administrators_reach_the_excel_page(items, county, client, persona):
    client.force_login(county.people[persona])
    allowed = persona in {"township_admin", "county_admin", "root"}
    assert client.get("/guide/manage/").status_code == (200 if allowed else 403)
    export = client.get("/guide/manage/catalogue.xlsx")
    assert export.status_code == (200 if allowed else 403)
    if allowed:
        book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
        codes = {row[1] for row in book["事项"].iter_rows(min_row=2, values_only=True)}
        expected = {i.code for i in items if persona != "township_admin" or i.unit == county["baidi"]}
        assert codes == expected


def test_the_excel_page_needs_a_login(client, db):
    response = client.get("/guide/manage/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")


def test_the_excel_page_imports_and_shows_problems(items, county, client):
    client.force_login(county.people["county_admin"])
    export = client.get("/guide/manage/catalogue.xlsx")
    content = b"".join(export.streaming_content)
    done = client.post("/guide/manage/", {"file": _upload("c.xlsx", content)}, follow=True)
    assert "0 项新增、0 项修改、3 项未变" in done.content.decode()
    book = load_workbook(io.BytesIO(content))
    book["事项"]["N2"] = "很多天"
    buffer = io.BytesIO()
    book.save(buffer)
    failed = client.post("/guide/manage/", {"file": _upload("c.xlsx", buffer.getvalue())})
    assert failed.status_code == 200 and "第 2 行「法定办结时限」" in failed.content.decode()
    assert "文件未导入" in failed.content.decode()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_admin_site_lists_items_versions_and_synonyms_and_switches_items_off(items, county, client):
    client.force_login(county.people["root"])
    for url in ("/admin/catalog/serviceitem/", "/admin/catalog/itemversion/", "/admin/catalog/searchsynonym/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/catalog/itemversion/{items[0].current_id}/change/").status_code == 200
    client.post(
        "/admin/catalog/serviceitem/",
        {"action": "deactivate", "_selected_action": [items[0].pk]},
    )
    assert not ServiceItem.objects.get(pk=items[0].pk).active
    assert ServiceItem.objects.restrict(county.people["township_admin"], CATALOG_CHANGE).count() == 1


def test_an_item_is_edited_in_the_admin_as_a_new_version_under_the_catalogues_rules(items, county, client):
    """Issue 20 item 8: the admin edits an item's content through the service (a new version, the same
    checks as the API and the Excel import); a bad value is named on its field and nothing is written."""
    from bianmin.catalog.models import ItemVersion

    client.force_login(county.people["root"])
    item = items[0]
    url = f"/admin/catalog/serviceitem/{item.pk}/change/"
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert form.status_code == 200 and item.current.conditions in form.content.decode()
    data = {k: v for k, v in form.context["adminform"].form.initial.items() if v is not None}
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
    data.update(active="on", promised_limit=3, keywords="低保，救助")
    before = ItemVersion.objects.filter(item=item).count()
    saved = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert saved.status_code == 302, saved.content.decode()[:2000]
    item.refresh_from_db()
    assert item.current.number == before + 1 and item.current.promised_limit == 3
    assert item.current.keywords == ["低保", "救助"]
    refused = client.post(url, {**data, "consult_phone": "不是电话"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and refused.context["adminform"].form.errors["consult_phone"]
    assert ItemVersion.objects.filter(item=item).count() == before + 1
    # A save from a form opened before a colleague's edit is refused, not written over it
    stale = client.post(url, {**data, "promised_limit": 5}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert [m.level_tag for m in stale.context["messages"]] == ["error"]
    item.refresh_from_db()
    assert item.current.number == before + 1 and item.current.promised_limit == 3
