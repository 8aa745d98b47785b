"""The report's figures: timeliness per village and township (on time, late, overdue; the rate truncated),
decisions and meetings, funds per source, open flags; and its Excel export."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from bianmin.village.choices import Cadence
from bianmin.village.models import CatalogueItem, Publication
from bianmin.village.reports import Timeliness
from bianmin.village.tests.factories import project


def test_timeliness_overdue_and_the_export(village, api_as, client):
    huanhua, shima = village["huanhua"], village["shima"]
    for v in (huanhua, shima):
        item = CatalogueItem.objects.create(
            village=v, category="finance", name="财务", cadence=Cadence.MONTHLY, starts_on=date(2026, 1, 1)
        )
        # Given: January on time, February late, March and April never published
        for month, published in ((1, date(2026, 2, 20)), (2, date(2026, 3, 25)), (3, None), (4, None)):
            Publication.objects.create(
                village=v,
                item=item,
                category="finance",
                title=f"{month}月",
                period_start=date(2026, month, 1),
                due_on=date(2026, month + 1, 20),
                first_published_on=published,
                status="published" if published else "draft",
            )
    project(huanhua, village.people["cadre_a"], budget_fen=5_000_000)
    leader = api_as(village.people["township_leader"])
    body = leader.get("/village/report", start="2026-01-01", end="2026-12-31", unit=village["baidi"].code).json()
    # All four are due by now (the last on 05-20): per village 1 on time, 1 late, 2 overdue → 2 of 8 = 25.0%
    assert body["total"] == {"code": "", "name": "", "due": 8, "on_time": 2, "late": 2, "overdue": 4, "rate": "25.0"}
    assert [t["name"] for t in body["townships"]] == ["白帝镇"]
    assert {v["name"] for v in body["villages"]} == {"浣花村", "石马村"}
    assert body["funds"] == [
        {
            "source": "poverty",
            "label": body["funds"][0]["label"],
            "projects": 1,
            "budget_fen": 5_000_000,
            "disbursed_fen": 0,
        }
    ]
    overdue = leader.get("/village/overdue", unit=village["baidi"].code).json()
    assert {row["title"] for row in overdue["items"]} >= {"3月"}
    client.force_login(village.people["township_leader"])
    sheet = client.get("/village/report.xlsx?start=2026-01-01&end=2026-12-31")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content) if sheet.streaming else sheet.content))
    assert len(book.sheetnames) == 5 and {"决策", "资金"} <= set(book.sheetnames)
    villages = list(book.worksheets[2].iter_rows(values_only=True))
    assert sorted(row[1] for row in villages[1:]) == ["浣花村", "石马村"] and villages[1][3:] == (1, 1, 2, "25.0")


def test_the_on_time_rate_is_truncated_and_keeps_its_one_decimal():
    rates = [
        Timeliness("", "", due=due, on_time=on_time).rate for due, on_time in ((3, 2), (4, 4), (5834, 5804), (0, 0))
    ]
    assert rates == ["66.6", "100.0", "99.4", None]
