"""Every channel renders the same published version: the board, the screen page, the A4 PDF (its text extracts
in Chinese; its QR code decodes to the web page of that version), the broadcast script and the group text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from bianmin.tests.browser import ARTIFACTS
from bianmin.village import channels, services
from bianmin.village.choices import PublicationAction
from bianmin.village.tests.factories import published

BODY = "本季度村集体收入12,345.60元。\n支出8,000元，用于三组便民路维修。"


@pytest.fixture
def notice(village):
    return published(village["huanhua"], village.people["cadre_a"], village.people["monitor"], body=BODY)


def test_the_board_the_screen_and_the_pdf_show_the_same_text(village, notice, client):
    code = village["huanhua"].code
    board = client.get(f"/village/board/{code}/")
    assert board.status_code == 200 and "2026年第1季度村务公开" in board.content.decode()
    page = client.get(f"/village/board/{code}/{notice.pk}/").content.decode()
    screen = client.get(f"/village/board/{code}/screen/").content.decode()
    pdf = client.get(f"/village/board/{code}/{notice.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = re.sub(r"\s+", "", text)
    for line in BODY.splitlines():
        assert line in page and line in screen
        assert line in flat, (line, flat)
    assert "浣花村村民委员会" in flat and notice.current.sha256[:16] in flat
    # The font is embedded (a subset), so the sheet prints the same on a machine without Chinese fonts
    fonts = PdfReader(io.BytesIO(pdf.content)).pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object().get("/FontDescriptor") for f in fonts.values()]
    assert descriptors and all(d is not None and "/FontFile2" in d.get_object() for d in descriptors)


def test_the_pdf_qr_code_decodes_to_the_web_page_of_that_version(village, notice, client):
    pdfium = pytest.importorskip("pypdfium2")  # dev dependencies (pins in the report)
    zxingcpp = pytest.importorskip("zxingcpp")
    code = village["huanhua"].code
    pdf = client.get(f"/village/board/{code}/{notice.pk}.pdf").content
    image = pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "village-notice-pdf.png")  # look at it: it must read right in Chinese
    found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found] == [f"http://testserver/village/board/{code}/{notice.pk}/v1/"]
    assert client.get(found[0].text.removeprefix("http://testserver")).status_code == 200


def test_broadcast_script_and_group_text(village, notice):
    s = channels.sheet(notice, notice.current, "https://bianmin.example/village/board/x/1/v1/")
    script = channels.broadcast_script(s)
    assert "一万二千三百四十五元六角" in script and "八千元" in script and "二零二六年第一季度" in script
    assert not re.search(r"\d", script)  # plain speech: no digit left
    text = channels.group_text(s)
    assert text.startswith("【浣花村村务公开】2026年第1季度村务公开") and s.url in text


def test_the_public_sees_only_published_records_and_no_identity_numbers(village, client):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    draft = services.draft_publication(
        actor=cadre, village=village["huanhua"], category="village", title="未公开的草稿", body="草稿"
    )
    code = village["huanhua"].code
    assert "未公开的草稿" not in client.get(f"/village/board/{code}/").content.decode()
    assert client.get(f"/village/board/{code}/{draft.pk}/").status_code == 404
    assert client.get(f"/village/board/{code}/{draft.pk}.pdf").status_code == 404
    assert client.get(f"/api/v1/village/public/{code}/publications").json()["count"] == 0
    pub = published(village["huanhua"], cadre, monitor, title="工程公示")
    services.act(pub, PublicationAction.WITHDRAW, actor=cadre, note="金额有误")
    board = client.get(f"/village/board/{code}/").content.decode()
    assert "金额有误" in board  # withdrawn, and visible in the history with its reason
    assert client.get("/village/board/000000/").status_code == 404


def test_the_board_is_cached_under_its_etag_and_a_new_notice_shows_at_once(village, notice, client):
    code = village["huanhua"].code
    first = client.get(f"/village/board/{code}/")
    etag = first["ETag"]
    assert client.get(f"/village/board/{code}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    published(village["huanhua"], village.people["cadre_a"], village.people["monitor"], title="第二条公开")
    again = client.get(f"/village/board/{code}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag and "第二条公开" in again.content.decode()
    assert "csrfmiddlewaretoken" not in again.content.decode()  # one rendering serves everyone


def test_a_notice_being_corrected_stays_on_the_public_side_until_the_new_version_is_out(village, notice, client):
    cadre = village.people["cadre_a"]
    code = village["huanhua"].code
    services.act(notice, PublicationAction.CORRECT, actor=cadre, note="金额有误", title="更正稿", body="更正后的正文")
    notice.refresh_from_db()
    assert notice.status == "draft" and notice.current is not None and notice.current.number == 1
    board = client.get(f"/village/board/{code}/").content.decode()
    screen = client.get(f"/village/board/{code}/screen/").content.decode()
    for line in BODY.splitlines():
        assert line in screen
    assert "2026年第1季度村务公开" in board and "2026年第1季度村务公开" in screen
    assert "更正稿" not in board and "更正后的正文" not in screen
    rows = client.get(f"/api/v1/village/public/{code}/publications").json()["items"]
    assert [(r["id"], r["title"], r["body"], r["status"]) for r in rows] == [
        (notice.pk, "2026年第1季度村务公开", BODY, "published")
    ]
    page = client.get(f"/village/board/{code}/{notice.pk}/").content.decode()
    assert 'id="ask"' in page
    asked = client.post(
        f"/village/board/{code}/{notice.pk}/ask/", {"name": "张三", "phone": "13800000000", "text": "支出明细？"}
    )
    assert asked.status_code == 302
    assert notice.questions.count() == 1
