"""In Chromium, on the demo county: the cadre of 浣花村 drafts a notice, the supervision committee's member
reviews and signs it, the cadre publishes it; the public board, the screen page and the A4 PDF show the same
text; a villager on a phone-sized page asks a question and the cadre finds the new case on the workbench.
Screenshots and the rendered PDF page: test-artifacts/village-*.png."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser

TITLE = "浣花村2026年11月村级财务收支公开"
LINES = ["本月村集体经营收入12,345.60元，上级补助收入30,000元。", "支出8,520.50元，用于三组便民路维修和路灯更换。"]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_notice_goes_from_draft_to_every_channel_and_a_villager_asks(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    base = server["base"]
    errors: list[str] = []

    # Given the cadre drafts the notice
    cadre = login(browser, server, "village_cadre")
    cadre.on("pageerror", lambda e: errors.append(str(e)))
    cadre.goto(base + "/village/")
    expect(cadre.locator("h1")).to_contain_text("村务公开")
    cadre.click("#new-publication")
    cadre.select_option("#id_category", "finance")
    cadre.fill("#id_title", TITLE)
    cadre.fill("#id_body", "\n".join(LINES))
    cadre.click("#save-draft")
    expect(cadre.locator("#pub-status")).to_have_text("草稿")
    url = cadre.url
    cadre.screenshot(path=str(ARTIFACTS / "village-draft.png"), full_page=True)

    # When the supervision committee's member reviews and signs it
    monitor = login(browser, server, "village_monitor")
    monitor.goto(base + "/village/?tab=to_sign")
    monitor.get_by_role("link", name=TITLE).click()
    sign = monitor.locator("form[data-action=sign]")
    sign.locator("input[name=note]").fill("经核对凭证，内容属实。")
    sign.get_by_role("button").click()
    expect(monitor.locator("#pub-status")).to_have_text("监委会已审核签字")
    monitor.screenshot(path=str(ARTIFACTS / "village-signed.png"), full_page=True)

    # And the cadre publishes it
    cadre.goto(url)
    cadre.locator("form[data-action=publish] button").click()
    expect(cadre.locator("#pub-status")).to_have_text("已公开")
    expect(cadre.locator("#broadcast")).to_contain_text("一万二千三百四十五元六角")
    cadre.screenshot(path=str(ARTIFACTS / "village-published.png"), full_page=True)
    board_url = cadre.locator("#link-board").get_attribute("href")
    pdf_url = cadre.locator("#link-pdf").get_attribute("href")
    assert board_url and pdf_url

    # Then the board on a phone, the screen page and the PDF show the same text
    phone = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    code = re.search(r"/board/(\d+)/", board_url).group(1)
    phone.goto(base + f"/village/board/{code}/")
    phone.get_by_role("link", name=re.compile(TITLE)).click()
    expect(phone.locator("#notice-title")).to_have_text(TITLE)
    paragraphs = phone.locator("#notice-body p").all_inner_texts()
    assert paragraphs == LINES
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.screenshot(path=str(ARTIFACTS / "village-board-phone.png"), full_page=True)
    screen = browser.new_page(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    screen.on("pageerror", lambda e: errors.append(str(e)))
    screen.goto(base + f"/village/board/{code}/screen/")
    shown = screen.locator(".slide.shown")
    expect(shown.locator("h1")).to_have_text(TITLE)  # the newest first
    assert shown.locator(".text p").all_inner_texts() == LINES
    screen.screenshot(path=str(ARTIFACTS / "village-screen.png"))
    pdf = phone.request.get(pdf_url).body()
    text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert flat(TITLE) in text and all(flat(line) in text for line in LINES)
    try:
        import pypdfium2 as pdfium

        pdfium.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save(ARTIFACTS / "village-pdf-page.png")
    except ImportError:  # a dev dependency; the text check above stands without it
        pass

    # When a villager asks a question on the phone
    phone.fill("#q-name", "张大山")
    phone.fill("#q-phone", "13908231234")
    phone.fill("#q-text", "支出8,520.50元里路灯更换了几盏？")
    phone.click("#q-send")
    message = phone.locator(".messages li.success")
    expect(message).to_contain_text("10日内答复")
    number = re.search(r"\d{8}-\d{5}", message.inner_text()).group(0)
    phone.screenshot(path=str(ARTIFACTS / "village-question-phone.png"), full_page=True)

    # Then the cadre sees the new case on the workbench, with the notice's 10-day limit
    cadre.goto(base + "/cases/?channel=notice_question")
    expect(cadre.get_by_text(number)).to_be_visible()
    cadre.goto(base + f"/cases/{number}/")
    expect(cadre.locator("body")).to_contain_text("路灯更换了几盏")
    cadre.screenshot(path=str(ARTIFACTS / "village-case.png"), full_page=True)
    assert errors == []


PROJECT = "浣花村五组产业便道硬化"


def test_a_cadre_adds_a_project_in_yuan_and_the_pages_fit_a_phone(server, browser, tmp_path):
    """The projects list and the new-project form, a bad amount refused on its field, then a good one; the
    screenshots (desktop and 390 px wide) go to a temporary directory to be looked at."""
    base = server["base"]
    errors: list[str] = []
    cadre = login(browser, server, "village_cadre")
    cadre.on("pageerror", lambda e: errors.append(str(e)))

    # Given the demo project of 浣花村 on the projects list
    cadre.goto(base + "/village/")
    cadre.click("#nav-projects")
    expect(cadre.locator("h1")).to_have_text("项目与资金")
    expect(cadre.locator("table.projects tbody tr").first).to_contain_text("村道硬化")
    cadre.screenshot(path=str(tmp_path / "projects-desktop.png"), full_page=True)

    # When the cadre fills the new-project form with an amount that is not in yuan
    cadre.click("#new-project")
    for field, value in (
        ("name", PROJECT),
        ("place", "浣花村五组"),
        ("content", "硬化产业便道1.5公里，宽3.5米"),
        ("period_start", "2027-03-01"),
        ("period_end", "2027-06-30"),
        ("implementer", "浣花村村民委员会"),
        ("responsible", "孙主任"),
        ("contractor_name", "奉节县通达路桥工程有限公司"),
        ("beneficiaries", "52"),
        ("budget", "12万"),
    ):
        cadre.fill(f"#id_{field}", value)
    cadre.select_option("#id_fund_source", "fiscal")
    cadre.click("#save-project")
    # Then the refusal is on the budget field, in Chinese, and what was typed is kept
    expect(cadre.locator("#error-budget")).to_have_text("请按元填写金额，如 52000 或 52000.50。")
    expect(cadre.locator("#id_name")).to_have_value(PROJECT)
    cadre.screenshot(path=str(tmp_path / "project-form-desktop.png"), full_page=True)
    cadre.set_viewport_size({"width": 390, "height": 844})
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 390
    cadre.screenshot(path=str(tmp_path / "project-form-phone.png"), full_page=True)

    # When the amount is given in yuan
    cadre.fill("#id_budget", "86,500.00")
    cadre.click("#save-project")
    # Then the project is saved in fen and shown in yuan, with its prior notice drafted
    expect(cadre.locator("#project-name")).to_have_text(PROJECT)
    expect(cadre.locator("#project-budget")).to_have_text("86,500.00")
    expect(cadre.locator("#link-prior-notice")).to_be_visible()
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 390
    cadre.screenshot(path=str(tmp_path / "project-phone.png"), full_page=True)
    cadre.goto(base + "/village/projects/")
    expect(cadre.get_by_role("link", name=PROJECT)).to_be_visible()
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 390
    cadre.screenshot(path=str(tmp_path / "projects-phone.png"), full_page=True)
    print(f"\nscreenshots: {tmp_path}")
    assert errors == []
