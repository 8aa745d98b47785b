"""The workbooks hold the same figures as the pages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bianmin.conftest import County
from bianmin.hall.tests.factories import HallData
from bianmin.hall.tests.test_ranking import month  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_stats_and_ranking_workbooks(county: County, month: HallData, client) -> None:  # noqa: F811
    client.force_login(county.people["county_admin"])
    stats = client.get(f"/hall/{month.hall.pk}/stats.xlsx", {"day": "2026-12-09"})
    book = load_workbook(io.BytesIO(stats.content))
    hall_sheet = book.worksheets[0]
    assert stats.status_code == 200 and [s.title for s in book.worksheets][-1] == "进驻率"
    presence = [[c.value for c in r] for r in book.worksheets[-1].iter_rows()]
    assert presence == [["应进驻事项数", "已进驻事项数", "进驻率（%）"], [0, 0, None]]  # no catalogue in this county
    header = [c.value for c in hall_sheet[1]]
    row = dict(zip(header, [c.value for c in hall_sheet[2]], strict=True))
    assert (row["取号数"], row["办结数"], row["评价数"], row["满意率"]) == (4, 4, 4, 0.75)
    ranking = client.get(f"/hall/{month.hall.pk}/ranking.xlsx", {"month": "2026-12"})
    sheet = load_workbook(io.BytesIO(ranking.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["名次", "窗口"]
    assert [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=2)] == [(1, 1), (2, 3)]
    client.logout()
    assert client.get(f"/hall/{month.hall.pk}/stats.xlsx").status_code == 302  # staff only
