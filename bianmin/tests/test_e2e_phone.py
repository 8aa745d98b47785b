"""Staff on a phone (issue 20 item 4): a village cadre takes in and answers a case on a 390 px screen; no page of
the journey scrolls sideways and the first matter of the workbench shows without scrolling past the filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS
from bianmin.tests.test_e2e import act

pytestmark = pytest.mark.browser
PHONE_SIZED = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZED["width"]


def test_a_village_cadre_works_a_case_on_a_390px_screen(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="zh-CN", viewport=PHONE_SIZED, is_mobile=True, has_touch=True)
    page.goto(server["base"] + "/login/")
    page.fill("#id_username", "village_cadre")
    page.fill("#id_password", server["pw:village_cadre"])
    page.get_by_role("button", name="登录").click()

    page.goto(server["base"] + "/cases/")
    first = page.locator("table.cases tbody tr").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < PHONE_SIZED["height"], "the first matter is below the fold"
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "phone-workbench.png"))

    page.goto(server["base"] + "/cases/new/?channel=village_hall")
    assert page.locator("#id_citizen_phone").get_attribute("type") == "tel"
    page.select_option("#id_kind", label="求助")
    page.fill("#id_title", "三组水井抽水泵坏了")
    page.fill("#id_content", "三组公用水井的抽水泵坏了，二十户人家没水用。")
    page.fill("#id_citizen_name", "陈德明")
    page.fill("#id_citizen_phone", "13511112222")
    assert fits(page)
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1")).to_contain_text("三组水井抽水泵坏了")
    assert fits(page)
    act(page, "直接答复", {"reply": "已联系村里的电工今天下午修好抽水泵。"})
    expect(page.locator(".timeline")).to_contain_text("直接答复")
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "phone-case.png"), full_page=True)
    page.goto(server["base"] + "/reports/")
    assert fits(page)
    page.close()
