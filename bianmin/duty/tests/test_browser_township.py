"""In Chromium against the shared demo server: 白帝镇's leader opens the township's month grid (every village's
hall at once, gaps marked) and the overview of missing check-ins; 浣花村's head changes a cadre's post on the
people page and opens the holiday-plan grid. Screenshots of each page in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_the_township_grid_the_overview_and_the_roster_pages(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = login(browser, server, "township_leader")
    page.goto(server["base"] + "/duty/")
    page.get_by_role("link", name="白帝镇", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("值班总表")
    grid = page.locator("table.duty-grid")
    expect(grid).to_contain_text("浣花村")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "duty-township-grid.png"), full_page=True)
    page.get_by_role("link", name="未签到情况").first.click()
    expect(page.locator("h1")).to_contain_text("未签到情况")
    page.get_by_label("显示全部值班人员，不只是未到岗的").check()
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#missing tbody tr").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "duty-missing.png"), full_page=True)
    page.close()

    page = login(browser, server, "village_cadre")
    page.goto(server["base"] + "/duty/")
    page.locator("tr", has_text="浣花村").get_by_role("link", name="值班人员").first.click()
    expect(page.locator("h1")).to_contain_text("值班人员")
    row = page.locator("tr[id^=member-]").nth(1)
    post = row.locator("input[name=post]")
    before = post.input_value()
    post.fill(before + "（兼）")
    row.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages")).to_contain_text("已保存")
    expect(page.locator("tr[id^=member-]").nth(1).locator("input[name=post]")).to_have_value(before + "（兼）")
    page.screenshot(path=str(ARTIFACTS / "duty-people.png"), full_page=True)
    # On a phone the roster's table scrolls inside its card: the page itself does not widen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(server["base"] + "/duty/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("tr", has_text="浣花村").get_by_role("link", name="节假日值班安排").first.click()
    expect(page.locator("h1")).to_contain_text("节假日值班安排")
    page.locator("input[name=start]").fill("2026-12-30")
    page.locator("input[name=end]").fill("2026-12-31")
    page.get_by_role("button", name="选择每天的值班人员").click()
    expect(page.locator("#plan-form input[type=checkbox]:checked").first).to_be_visible()
    # Saved with a blank name: the refusal stands beside the name, the grid as ticked
    page.locator("#plan-form input[name=name]").fill(" ")
    page.locator("#plan-form").get_by_role("button", name="保存节假日值班安排").click()
    expect(page.locator("#plan-form p.error")).to_contain_text("请填写节假日值班安排的名称")
    page.locator("#plan-form input[name=name]").fill("元旦值班")
    page.screenshot(path=str(ARTIFACTS / "duty-holiday-plan.png"), full_page=True)
    page.close()
