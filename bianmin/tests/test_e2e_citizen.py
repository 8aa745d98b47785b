"""The citizen's online door in Chromium on a phone-sized screen: the public start page, signing up with a code
from the console channel, and claiming a matter filed earlier with the same mobile number."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS

pytestmark = pytest.mark.browser
PHONE = "13987654321"
PHONE_SIZED = {"width": 390, "height": 844}


def code_from_the_log(server: dict[str, Any], masked: str, seen: int = 0) -> str:
    """The newest sign-in code the console channel logged for `masked` (the number never appears whole)."""
    for _attempt in range(50):
        codes = re.findall(rf"（{re.escape(masked)}）的便民服务登录验证码为 (\d{{6}})", Path(server["log"]).read_text())
        if len(codes) > seen:
            return codes[-1]
        time.sleep(0.1)
    raise AssertionError("no sign-in code in the log")


def test_a_citizen_signs_up_with_a_code_and_claims_a_matter_filed_with_their_number(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="zh-CN", viewport=PHONE_SIZED)
    page.goto(server["base"] + "/service/submit/")
    page.select_option("#id_kind", label="求助")
    page.select_option("#id_village", label="白帝镇 · 浣花村")
    page.fill("#id_title", "五组饮水管破裂")
    page.fill("#id_content", "浣花村五组的饮水管破裂两天了。")
    page.fill("#id_citizen_name", "王春花")
    page.fill("#id_citizen_phone", PHONE)
    page.get_by_role("button", name="提交").click()
    number = page.locator(".big-number").inner_text().strip()

    page.goto(server["base"] + "/")
    expect(page.locator("h1")).to_contain_text("便民服务")
    page.screenshot(path=str(ARTIFACTS / "citizen-home.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZED["width"]
    page.get_by_role("link", name=re.compile("^我的事项")).click()
    expect(page.locator("h1")).to_contain_text("手机验证码登录")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("139****4321")
    assert PHONE not in page.url
    page.get_by_label("验证码").fill(code_from_the_log(server, "139****4321"))
    page.screenshot(path=str(ARTIFACTS / "citizen-sign-in.png"), full_page=True)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.locator("h1")).to_contain_text("我的事项")
    claimable = page.locator("li.matter", has_text=number)
    expect(claimable).to_contain_text("五组饮水管破裂")
    claimable.get_by_role("button", name="加入我的账户").click()
    expect(page.locator(".messages")).to_contain_text(f"事项 {number} 已加入您的账户")
    page.screenshot(path=str(ARTIFACTS / "citizen-my-matters.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZED["width"]
    page.get_by_role("link", name="五组饮水管破裂").click()
    expect(page.locator("body")).to_contain_text("待受理")  # the owner follows it without the phone digits
    page.close()
