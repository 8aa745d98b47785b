"""The figures: certifications per day, method, village and township, the daily average (truncated), coverage,
overdue and suspended counts, each within the caller's scope; the API and the Excel export say the same."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from bianmin.pension import services
from bianmin.pension.choices import Method, PensionerStatus, Result
from bianmin.pension.models import Pensioner
from bianmin.pension.reports import pension_report
from bianmin.pension.tests.factories import pensioner


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=timezone.get_current_timezone())


def test_the_figures_count_by_day_method_village_and_township(county, api_as, client):
    # Given three certifications in 浣花村 and one in 石马村 over two days of March, one failed
    a = pensioner(county["huanhua"], last_certified_on=date(2025, 6, 1))
    b = pensioner(county["huanhua"], last_certified_on=date(2025, 6, 1))
    c = pensioner(county["shima"], last_certified_on=date(2025, 1, 1))
    pensioner(county["baotaping"], last_certified_on=date(2025, 6, 1))
    services.certify(a, actor=None, method=Method.FINGERPRINT_ON_SITE, at=at(date(2026, 3, 2)))
    services.certify(
        b,
        actor=None,
        method=Method.FINGERPRINT_ON_SITE,
        result=Result.FAILED,
        failure_reason="指纹",
        at=at(date(2026, 3, 2)),
    )
    services.certify(b, actor=None, method=Method.HOME_VISIT, at=at(date(2026, 3, 3)))
    services.certify(c, actor=None, method=Method.FACE_SELF_SERVICE, at=at(date(2026, 3, 3)))
    services.stop_pensioner(c, actor=None, reason="death", ended_on=date(2026, 3, 20))
    # When 白帝镇's leader asks for March, as of 2026-06-01
    r = pension_report(county.people["township_leader"], date(2026, 3, 1), date(2026, 3, 31), as_of=date(2026, 6, 1))
    # Then
    assert [(d["day"], d["total"], d["passed"]) for d in r.by_day] == [
        (date(2026, 3, 2), 2, 1),
        (date(2026, 3, 3), 2, 2),
    ]
    assert {m["method"]: m["total"] for m in r.by_method if m["total"]} == {
        Method.FINGERPRINT_ON_SITE: 2,
        Method.HOME_VISIT: 1,
        Method.FACE_SELF_SERVICE: 1,
    }
    assert (r.total, r.passed, r.days, r.daily_average) == (4, 3, 31, Decimal("0.1"))
    assert r.in_village == 3  # recorded at the village (the default unit) or at home; not the face app
    assert [(v["name"], v["total"], v["pensioners"], v["covered"]) for v in r.by_village] == [
        ("浣花村", 3, 2, 2),
        ("石马村", 1, 0, 0),
    ]
    assert [(t["name"], t["total"], t["coverage"]) for t in r.by_township] == [("白帝镇", 4, Decimal("100.0"))]
    # As of 2026-06-01 both 浣花村 pensioners are covered; a year later neither is
    later = pension_report(
        county.people["township_leader"], date(2026, 3, 1), date(2026, 3, 31), as_of=date(2027, 3, 5)
    )
    assert (later.coverage, later.overdue, later.suspended) == (Decimal("0.0"), 2, 0)
    # The API and the workbook say the same
    body = api_as(county.people["township_leader"]).get("/pension/report", start="2026-03-01", end="2026-03-31").json()
    assert (body["total"], body["daily_average"], body["by_township"][0]["name"]) == (4, "0.1", "白帝镇")
    client.force_login(county.people["township_leader"])
    xlsx = client.get("/pension/report.xlsx?start=2026-03-01&end=2026-03-31")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    totals = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert (totals["认证人次"], totals["统计范围"], totals["日均认证人次"]) == (4, "我负责的全部村（社区）", 0.1)
    # The workbook's headings read as this report means them (the project's catalogue said 验证码 for "Code")
    villages = list(book["按村（社区）"].iter_rows(values_only=True))
    assert villages[0][:2] == ("代码", "名称") and villages[1][:3] == ("500236101201", "浣花村", 3)
    days = list(book["按日"].iter_rows(min_row=2, values_only=True))
    assert days[0][0].date() == date(2026, 3, 2)  # a date Excel sorts and filters, not text
    # The page shows the same
    page = client.get("/pension/report/?start=2026-03-01&end=2026-03-31").content.decode()
    assert "浣花村" in page and "宝塔坪社区" not in page


def test_the_sweep_command_suspends_once(county):
    p = pensioner(county["huanhua"], last_certified_on=date(2025, 1, 10))
    call_command("pension", "sweep", "--today", "2026-02-01", stdout=io.StringIO())
    out = io.StringIO()
    call_command("pension", "sweep", "--today", "2026-02-02", stdout=out)
    assert out.getvalue().strip() == "suspended 0, reminded 0"
    p.refresh_from_db()
    assert (p.status, p.suspended_from) == (PensionerStatus.SUSPENDED, date(2026, 2, 1))
    assert Pensioner.objects.filter(status=PensionerStatus.SUSPENDED).count() == 1
