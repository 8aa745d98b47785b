"""In Chromium against the shared demo server: a cadre of 浣花村 asks a colleague to swap a duty day this week,
the colleague accepts, the head (村书记, the demo's village_cadre) approves, and the public "今日值班" board on a
390 px phone shows the colleague on that day. Screenshots of the board and the month review."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser

# Run in the server's database: pick a rotation day this week held by a cadre who is not the head, and a
# colleague's later rotation day; give both a password (the demo makes their accounts without one).
PICK = """
import json
from datetime import timedelta
from django.utils import timezone
from bianmin.duty.models import DutyDay, DutyPlace
from bianmin.org import services
hall = DutyPlace.objects.get(unit__name="浣花村", kind="village_hall")
today = timezone.localdate()
rows = list(DutyDay.objects.filter(place=hall, source="rotation", date__gte=today).order_by("date", "id"))
give = next(r for r in rows if r.date <= today + timedelta(days=6) and r.user_id != hall.head_id)
take = next(r for r in rows if r.date > give.date and r.user_id not in (give.user_id, hall.head_id))
for row in (give, take):
    services.set_password(row.user, actor=None, password="Duty-Swap-2026!")
print(json.dumps({"place": hall.pk, "giver": give.user.username, "giver_member": give.member_id,
    "giver_name": give.name, "day": give.date.isoformat(), "taker": take.user.username,
    "taker_member": take.member_id, "taker_name": take.name, "other": take.date.isoformat(),
    "year": today.year, "month": today.month}))
"""


def _pick(server: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "shell", "-c", PICK],
        env=server["env"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_swap_requested_accepted_approved_shows_on_the_public_board(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    pick = _pick(server)
    for who in ("giver", "taker"):
        server[f"pw:{pick[who]}"] = "Duty-Swap-2026!"
    month_url = f"{server['base']}/duty/places/{pick['place']}/{pick['year']}-{pick['month']}/"

    # The cadre asks for the swap on the month's page
    page = login(browser, server, pick["giver"])
    page.goto(month_url)
    expect(page.locator("h1")).to_contain_text("浣花村")
    form = page.locator("#change-form")
    form.locator("select[name=kind]").select_option("swap")
    form.locator("select[name=member]").select_option(str(pick["giver_member"]))
    form.locator("input[name=date]").fill(pick["day"])
    form.locator("select[name=colleague]").select_option(str(pick["taker_member"]))
    form.locator("input[name=other_date]").fill(pick["other"])
    form.locator("input[name=reason]").fill("孩子生病，请同事调班")
    form.get_by_role("button", name="申请").click()
    expect(page.locator("ul.messages")).to_contain_text("已申请调整")
    page.close()

    # The colleague accepts it from their duty page
    page = login(browser, server, pick["taker"])
    page.goto(server["base"] + "/duty/")
    waiting = page.locator("tr[id^=change-]", has_text="孩子生病").first
    waiting.get_by_role("button", name="接受").click()
    expect(page.locator("ul.messages")).to_contain_text("已完成")
    page.close()

    # The head approves
    page = login(browser, server, "village_cadre")
    page.goto(server["base"] + "/duty/")
    page.locator("tr[id^=change-]", has_text="孩子生病").first.get_by_role("button", name="批准").click()
    expect(page.locator("ul.messages")).to_contain_text("已完成")
    page.goto(month_url)
    page.screenshot(path=str(ARTIFACTS / "duty-month-review.png"), full_page=True)
    page.close()

    # The public board on a phone shows the colleague on that day
    phone = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    code = "500236101201"  # 浣花村
    phone.goto(f"{server['base']}/duty/today/{code}/")
    expect(phone.locator("h1")).to_contain_text("今日值班")
    that_day = phone.locator(f"[data-date='{pick['day']}']")
    expect(that_day).to_contain_text(pick["taker_name"])
    expect(that_day).not_to_contain_text(pick["giver_name"])
    phone.screenshot(path=str(ARTIFACTS / "duty-public-phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    phone.close()
    screen = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 720})
    screen.goto(f"{server['base']}/duty/today/{code}/?screen=1")
    expect(screen.locator("h1")).to_contain_text("今日值班")
    screen.screenshot(path=str(ARTIFACTS / "duty-hall-screen.png"))
    screen.close()
