"""End to end, as a new user: `bianmin up` (gunicorn, migrations, demo county) on a scratch database (the
session's shared server of bianmin/tests/browser.py),
then Debian's Chromium through Playwright logs in as a demo account. Screenshots go to test-artifacts/."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_up_prints_the_demo_accounts_and_serves_with_gunicorn(server):
    log = Path(server["log"]).read_text()
    assert "DEMO ACCOUNTS" in log and "for demonstration only" in log
    assert "gunicorn" in log.lower() and "runserver" not in log


def test_up_runs_the_sweep_by_itself_and_the_demo_overdue_cases_are_seen_to(server):
    log = ""
    for _attempt in range(100):  # the schedule's first tick runs the sweep as the server starts
        log = Path(server["log"]).read_text()
        if "scheduled sweep:" in log:
            break
        time.sleep(0.2)
    line = next(line for line in log.splitlines() if line.startswith("scheduled sweep:"))
    overdue = int(re.search(r"overdue (\d+)", line).group(1))
    escalated = int(re.search(r"escalated (\d+)", line).group(1))
    assert overdue + escalated > 0, line  # the demo county has overdue cases; the sweep told or escalated them


def test_a_village_cadre_logs_in_and_sees_their_village(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page.goto(server["base"] + "/")
    page.get_by_role("link", name="工作人员登录").click()
    expect(page).to_have_title("登录 · 便民服务平台")
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
    page.fill("#id_username", "village_cadre")
    page.fill("#id_password", server["pw:village_cadre"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h2")).to_contain_text("我的单位与角色")
    expect(page.locator("table.grid")).to_contain_text("浣花村")
    expect(page.locator("table.grid")).to_contain_text("白帝镇")
    expect(page.locator("table.grid")).to_contain_text("村（社区）干部")
    page.screenshot(path=str(ARTIFACTS / "home-zh.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("h2")).to_contain_text("My units and roles")
    expect(page.locator("table.grid")).to_contain_text("Village cadre")
    page.screenshot(path=str(ARTIFACTS / "home-en.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Staff sign in")).to_be_visible()  # back at the public start page
    page.close()


def test_a_wrong_password_is_refused_on_the_page(server, browser):
    page = browser.new_page(locale="zh-CN")
    page.goto(server["base"] + "/login/")
    page.fill("#id_username", "township_leader")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error")).to_be_visible()
    page.close()


def test_the_api_docs_render_from_local_files(server, browser):
    page = browser.new_page()
    external = []
    page.on(
        "request", lambda request: external.append(request.url) if not request.url.startswith(server["base"]) else None
    )
    page.goto(server["base"] + "/api/v1/docs")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/units")
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    assert [url for url in external if not url.startswith("data:")] == []
    page.close()


def test_the_api_answers_with_a_demo_token(server):
    process = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "token", "create", "township_leader"],
        env=server["env"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = process.stdout.strip()
    request = urllib.request.Request(
        server["base"] + "/api/v1/units?kind=village", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    names = {unit["name"] for unit in body["items"]}
    assert "浣花村" in names and body["count"] >= 4
    assert {unit["parent"] for unit in body["items"]} == {"500236101000"}  # 白帝镇's villages only


def track_case(page: Any, server: dict[str, Any], number: str, phone_tail: str) -> str:
    """Look a case up on the tracking page as a citizen does: the number, then the phone digits in the form
    (never in the URL); returns the page's address, which the session lets the citizen come back to."""
    page.goto(server["base"] + f"/service/track/?number={number}")
    page.get_by_label("手机号后四位").fill(phone_tail)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".big-number, h2").first).to_be_visible()
    assert phone_tail not in page.url
    return str(page.url)


def act(page: Any, label: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None) -> None:
    """Open an action on the case page, fill it and submit it; wait for the confirmation."""
    exact = re.compile(f"^{re.escape(label)}$")
    section = page.locator("details", has=page.locator("summary", has_text=exact)).first
    section.locator("summary").click()
    for name, value in (fields or {}).items():
        section.locator(f"[name$='-{name}']").fill(value)
    for name, option in (selects or {}).items():
        section.locator(f"select[name$='-{name}']").select_option(label=option)
    section.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"已完成：{label}。")


def test_a_case_from_citizen_through_three_levels_and_a_department_back_to_the_citizens_rating(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    citizen = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    citizen.goto(server["base"] + "/service/submit/")
    citizen.select_option("#id_kind", label="求助")
    citizen.select_option("#id_village", label="白帝镇 · 浣花村")
    citizen.fill("#id_title", "村道塌方需要修复")
    citizen.fill("#id_content", "浣花村三组到四组的村道雨后塌方，摩托车无法通行。")
    citizen.fill("#id_citizen_name", "张大山")
    citizen.fill("#id_citizen_phone", "13800001234")
    citizen.screenshot(path=str(ARTIFACTS / "citizen-submit.png"), full_page=True)
    citizen.get_by_role("button", name="提交").click()
    number = citizen.locator(".big-number").inner_text().strip()
    assert len(number) == 14

    cadre = login(browser, server, "village_cadre")
    cadre.goto(server["base"] + "/cases/?q=" + number)
    expect(cadre.locator("table.cases")).to_contain_text("村道塌方需要修复")
    cadre.screenshot(path=str(ARTIFACTS / "workbench.png"), full_page=True)
    cadre.get_by_role("link", name=number).click()
    act(cadre, "受理")
    act(cadre, "上报上一级", {"note": "村里无力修复，需工作组协调"})
    expect(cadre.locator(".facts")).to_contain_text("白帝镇驻浣花村工作组")

    team = login(browser, server, "work_team")
    team.goto(server["base"] + f"/cases/{number}/")
    act(team, "上报上一级", {"note": "需镇里统筹资金"})

    leader = login(browser, server, "township_leader")
    leader.goto(server["base"] + f"/cases/{number}/")
    act(leader, "转办", {"note": "请人社局协调公益性岗位人员修复"}, {"to_unit": "县人力社保局"})

    handler = login(browser, server, "department_handler")
    handler.goto(server["base"] + f"/cases/{number}/")
    act(handler, "答复", {"reply": "已安排人员修复村道，现已通行。"})
    act(handler, "办结")
    expect(handler.locator(".timeline")).to_contain_text("办结")
    handler.screenshot(path=str(ARTIFACTS / "case-detail.png"), full_page=True)

    track_case(citizen, server, number, "1234")
    expect(citizen.locator("body")).to_contain_text("已办结")
    citizen.get_by_label("非常满意").check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator("body")).to_contain_text("感谢您的评价")
    expect(citizen.locator("body")).to_contain_text("已归档")
    citizen.screenshot(path=str(ARTIFACTS / "citizen-track.png"), full_page=True)
    for page in (citizen, cadre, team, leader, handler):
        page.close()


def test_an_application_found_by_a_colloquial_search_filed_by_proxy_noticed_supplemented_and_approved(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    # The villager's daughter looks it up on her phone the way people say it: 老人补贴.
    citizen = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    citizen.goto(server["base"] + "/guide/?q=老人补贴")
    citizen.get_by_role("link", name="高龄津贴申领").first.click()
    expect(citizen.locator("h1")).to_have_text("高龄津贴申领")
    expect(citizen.locator(".proxy-note")).to_be_visible()  # the village cadre can file it: no trip to town
    citizen.screenshot(path=str(ARTIFACTS / "application-guide.png"), full_page=True)
    item_url = citizen.url

    # The village cadre files it at the village hall on her behalf.
    cadre = login(browser, server, "village_cadre")
    cadre.goto(item_url)
    cadre.get_by_role("link", name="申请办理").click()
    cadre.get_by_label("村便民服务中心").check()
    cadre.select_option("#id_village", label="白帝镇 · 浣花村")
    cadre.fill("#id_citizen_name", "王秀英")
    cadre.fill("#id_citizen_phone", "13900001111")
    cadre.fill("#id_content", "申请人今年满80周岁，行动不便，由村代办。")
    cadre.screenshot(path=str(ARTIFACTS / "application-file.png"), full_page=True)
    cadre.get_by_role("button", name="提交申请").click()
    expect(cadre.locator(".messages")).to_contain_text("已提交")
    number = cadre.url.rstrip("/").rsplit("/", 1)[1]
    expect(cadre.locator(".application")).to_contain_text("浣花村 孙主任")

    # The township finds two materials missing and says so once, in writing.
    township = login(browser, server, "township_leader")
    township.goto(server["base"] + f"/cases/{number}/")
    notice = township.locator("details", has=township.locator("summary", has_text="一次性告知补正材料")).first
    notice.locator("summary").click()
    notice.get_by_label("3. 本人社会保障卡或银行账户信息").check()
    notice.get_by_label("4. 《高龄津贴申请审批表》").check()
    notice.locator("[name$='-note']").fill("审批表需申请人本人签字或按手印")
    notice.screenshot(path=str(ARTIFACTS / "application-notice-form.png"))
    notice.get_by_role("button", name="一次性告知补正材料").click()
    expect(township.locator(".messages")).to_contain_text("已完成：一次性告知补正材料。")
    expect(township.locator(".application")).to_contain_text("补正材料一次性告知书")
    expect(township.locator("body")).to_contain_text("待补正材料")
    township.screenshot(path=str(ARTIFACTS / "application-notice.png"), full_page=True)
    href = township.locator(".application a", has_text="补正材料一次性告知书").get_attribute("href")
    pdf = township.request.get(server["base"] + str(href))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "本人社会保障卡或银行账户信息" in text and "审批表需申请人本人签字或按手印" in text and number in text

    # The supplement arrives through the village; the township accepts, checks and forwards to the county.
    act(township, "补正材料已收到")
    act(township, "受理")
    act(township, "开始审查", selects={"handler": "白帝镇 李镇长"})
    act(township, "报送审批", {"note": "经入户核实，申请人年满80周岁，户籍在本镇，符合条件。"})
    expect(township.locator(".facts").first).to_contain_text("县民政局")

    county = login(browser, server, "civil_affairs")
    county.goto(server["base"] + f"/cases/{number}/")
    act(county, "开始审查", selects={"handler": "县民政局 钱经办"})
    act(county, "准予", {"note": "自次月起按月发放高龄津贴。"})
    expect(county.locator(".application")).to_contain_text("准予高龄津贴申领决定书")
    act(county, "送达结果", selects={"delivery_method": "由村代办人转交"})
    county.screenshot(path=str(ARTIFACTS / "application-approved.png"), full_page=True)
    expect(county.locator(".application")).to_contain_text("受理通知书")

    track_case(citizen, server, number, "1111")
    expect(citizen.locator("body")).to_contain_text("已办结")
    citizen.screenshot(path=str(ARTIFACTS / "application-track.png"), full_page=True)
    for page in (citizen, cadre, township, county):
        page.close()


def test_a_supervisor_reads_the_dashboard_and_drills_down_to_a_village(server, browser):
    page = login(browser, server, "supervisor")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server["base"]) else None)
    page.get_by_role("link", name="统计分析").click()
    expect(page.locator("h1")).to_have_text("奉节县群众诉求办理情况")
    # ECharts drew all four charts: the trend, the ratings, the ranking and the pension certifications
    expect(page.locator("html")).to_have_attribute("data-charts", "4")
    expect(page.locator("#trend-chart canvas")).to_be_visible()
    page.get_by_role("link", name="近12个月").click()
    accepted = int(page.locator(".tile").first.locator(".tile-value").inner_text())
    assert accepted > 100  # the demo's cases of the last three months
    page.screenshot(path=str(ARTIFACTS / "dashboard-county.png"), full_page=True)

    page.locator("#units").get_by_role("link", name="白帝镇").click()
    expect(page.locator("h1")).to_have_text("白帝镇群众诉求办理情况")
    expect(page.locator("nav.trail")).to_contain_text("奉节县")
    expect(page.locator("#units")).to_contain_text("浣花村")  # ranked, or listed apart with few cases
    page.screenshot(path=str(ARTIFACTS / "dashboard-township.png"), full_page=True)
    page.locator("#units").get_by_role("link", name="浣花村").click()
    expect(page.locator("h1")).to_have_text("浣花村群众诉求办理情况")
    page.locator("nav.trail").get_by_role("link", name="奉节县").click()
    expect(page.locator("h1")).to_have_text("奉节县群众诉求办理情况")
    assert int(page.locator(".tile").first.locator(".tile-value").inner_text()) == accepted
    # A long download says it is working, then saves the file under the server's name (busy.js).
    excel = page.get_by_role("link", name="事项清单（Excel）")
    excel.evaluate(
        "link => { window.seen = []; new MutationObserver(() => window.seen.push(link.textContent))"
        ".observe(link, { childList: true, characterData: true, subtree: true }); }"
    )
    with page.expect_download() as download:
        excel.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert "正在生成文件…" in page.evaluate("window.seen")
    expect(excel).to_have_text("事项清单（Excel）")

    page.get_by_role("link", name="大屏展示").click()
    expect(page.locator(".wall-head h1")).to_contain_text("奉节县")
    expect(page.locator("html")).to_have_attribute("data-charts", "3")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(ARTIFACTS / "dashboard-wall.png"))
    assert outside == []  # everything from the platform itself: no CDN
    page.close()


def test_a_bad_rating_is_rectified_called_back_and_counted_then_the_citizen_asks_to_reopen(server, browser):
    """The 差评 loop (DESIGN §4.4) in the browser: the citizen rates 不满意 on a phone and is told a callback
    will come; the village rectifies and calls back from the case page; the dashboard counts it; the citizen
    asks from the tracking page for the case to be handled again."""
    citizen = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    citizen.goto(server["base"] + "/service/submit/")
    citizen.select_option("#id_kind", label="求助")
    citizen.select_option("#id_village", label="白帝镇 · 浣花村")
    citizen.fill("#id_title", "路灯不亮")
    citizen.fill("#id_content", "浣花村二组路口的路灯坏了一个月。")
    citizen.fill("#id_citizen_name", "李秀兰")
    citizen.fill("#id_citizen_phone", "13800005566")
    citizen.get_by_role("button", name="提交").click()
    number = citizen.locator(".big-number").inner_text().strip()

    cadre = login(browser, server, "village_cadre")
    cadre.goto(server["base"] + f"/cases/{number}/")
    act(cadre, "直接答复", {"reply": "已联系电工更换灯泡。"})

    track = track_case(citizen, server, number, "5566")
    citizen.get_by_label("不满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator("body")).to_contain_text("承办单位将回访您")
    expect(citizen.get_by_role("button", name="申请重办")).to_be_visible()
    citizen.screenshot(path=str(ARTIFACTS / "citizen-bad-rating.png"), full_page=True)

    cadre.goto(server["base"] + f"/cases/{number}/")
    act(cadre, "登记整改情况", {"note": "已更换整条线路，路灯恢复"})
    act(cadre, "登记回访", {"note": "电话回访，群众认可整改"})
    expect(cadre.locator(".timeline")).to_contain_text("登记回访")
    cadre.goto(server["base"] + "/reports/")
    panel = cadre.locator("section.rectification")
    expect(panel).to_contain_text("差评整改与回访")
    expect(panel).to_contain_text("回访率")
    cadre.screenshot(path=str(ARTIFACTS / "dashboard-rectification.png"), full_page=True)

    citizen.goto(track)
    citizen.fill("textarea[name='reason']", "路灯又不亮了")
    citizen.get_by_role("button", name="申请重办").click()
    expect(citizen.locator("body")).to_contain_text("您的事项将重新办理")
    expect(citizen.locator("body")).to_contain_text("办理中")
    citizen.screenshot(path=str(ARTIFACTS / "citizen-reopen.png"), full_page=True)
    for page in (citizen, cadre):
        page.close()


def test_the_access_log_holds_no_phone_number_and_no_tracking_proof(server, browser):
    page = login(browser, server, "village_cadre")
    page.goto(server["base"] + "/cases/?q=13800004321")
    page.goto(server["base"] + "/service/track/?number=20260101-00077")
    page.get_by_label("手机号后四位").fill("4321")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".errorlist, .error").first).to_be_visible()
    proof = json.dumps({"phone_tail": "4321"}).encode()
    call = urllib.request.Request(
        server["base"] + "/api/v1/public/cases/20260101-00077/track?phone=13800004321",
        data=proof,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(call, timeout=10)
    page.close()
    log = ""
    for _attempt in range(50):  # the workers write their access lines as they answer
        log = Path(server["log"]).read_text()
        if "/api/v1/public/cases/20260101-00077/track" in log:
            break
        time.sleep(0.1)
    assert '"GET /cases/ HTTP/1.1" 200' in log and "/api/v1/public/cases/20260101-00077/track" in log
    assert "13800004321" not in log and "phone" not in log and "?q=" not in log and "number=" not in log
