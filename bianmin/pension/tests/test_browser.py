"""In Chromium, as the demo's village cadre of 浣花村: ten certifications through the hall's keyboard flow
(type the number, Enter, next; the focus never leaves the input), then the due list without them and the
day's count up by ten in the figures. Screenshots: test-artifacts/pension-*.png."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def due_count(page) -> int:
    return int(page.locator("a.tab[data-list=due] .count").inner_text())


def test_a_village_assistant_certifies_ten_people_with_the_keyboard(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = login(browser, server, "village_cadre")
    base = server["base"]
    # Given 浣花村's due list and today's figure
    page.goto(base + "/pension/?list=due")
    expect(page.locator("h1")).to_contain_text("养老待遇资格认证")
    before = due_count(page)
    numbers = page.locator("table.pensioners td.code").all_inner_texts()[:10]
    assert before >= 10 and len(numbers) == 10 and all(re.fullmatch(r"\d{17}[\dX]", n) for n in numbers)
    page.screenshot(path=str(ARTIFACTS / "pension-due-before.png"), full_page=True)
    page.goto(base + "/pension/report/")
    counted = int(page.locator("#figure-total .figure-value").inner_text())

    # When the assistant types each number and presses Enter, one after the other
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/pension/hall/")
    expect(page.locator("h1")).to_have_text("大厅快速认证")
    box = page.locator("#hall-id")
    expect(box).to_be_focused()
    started = time.monotonic()
    for index, number in enumerate(numbers, start=1):
        page.keyboard.type(number)
        page.keyboard.press("Enter")
        expect(page.locator("#hall-count")).to_have_text(str(index))
        expect(box).to_be_focused()
    elapsed = time.monotonic() - started
    assert errors == []
    assert elapsed < 2 * len(numbers), f"{elapsed:.1f} s for {len(numbers)} people"
    expect(page.locator("#hall-log li.ok")).to_have_count(10)
    expect(page.locator("#hall-status")).to_contain_text("已认证")
    # A wrong number is refused on the spot and the focus stays
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    expect(page.locator("#hall-status")).to_contain_text("请输入18位身份证号码")
    expect(box).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "pension-hall.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "pension-hall-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Then the due list no longer holds them
    page.goto(base + "/pension/?list=due")
    assert due_count(page) == before - 10
    remaining = set(page.locator("table.pensioners td.code").all_inner_texts())
    assert remaining.isdisjoint(numbers)
    page.screenshot(path=str(ARTIFACTS / "pension-due-after.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "pension-due-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # And today's figure counts them
    page.goto(base + "/pension/report/")
    expect(page.locator("#figure-total .figure-value")).to_have_text(str(counted + 10))
    page.screenshot(path=str(ARTIFACTS / "pension-report.png"), full_page=True)
    # And a record shows the certification by the assistant
    page.goto(base + "/pension/")
    page.goto(base + "/pension/?list=all&q=" + numbers[0])
    page.locator("table.pensioners a").first.click()
    expect(page.locator("table.grid").first).to_contain_text("大厅现场认证")
    page.screenshot(path=str(ARTIFACTS / "pension-record.png"), full_page=True)
    page.close()
