"""The township's month at once: every village's hall and the township's own places × the days, gaps
highlighted, in a constant number of queries however many villages; and the same month as Excel."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from bianmin.duty import grid, services
from bianmin.duty.choices import DayRule, PlaceKind
from bianmin.duty.models import DutyDay
from bianmin.duty.tests.factories import rosters
from bianmin.org.choices import UnitKind
from bianmin.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


def _grid_queries(township) -> int:
    with CaptureQueriesContext(connection) as queries:
        grid.township_grid(township, OCTOBER)
    return len(queries)


def test_the_grid_of_a_month_marks_gaps_in_a_constant_number_of_queries(county):
    # Given 浣花村's hall and 白帝镇's reception room for October; 石马村 has no roster
    r = rosters(county, months=[OCTOBER])
    township = county["baidi"]
    found = grid.township_grid(township, OCTOBER)
    rows = {row.place.kind if row.place else row.unit.name: row for row in found.rows}
    # Then the reception room comes first, its rest days closed, not gaps
    assert found.rows[0].place == r.room
    assert rows[PlaceKind.RECEPTION_ROOM].gaps == 0
    assert not rows[PlaceKind.RECEPTION_ROOM].cells[2].names  # 3 October, a holiday
    # and 浣花村's hall has someone every day, as the roster says
    hall = rows[PlaceKind.VILLAGE_HALL]
    assert hall.gaps == 0
    # and Monday 12 October shows everyone in (the page counts them), Tuesday the one on the rotation
    assert hall.cells[11].everyone and len(hall.cells[11].names) == len(r.cadres)
    assert not hall.cells[12].everyone
    assert hall.cells[12].names == tuple(
        DutyDay.objects.filter(place=r.hall, date=date(2026, 10, 13)).values_list("name", flat=True)
    )
    # and 石马村, without a roster, is a gap on every day
    assert rows["石马村"].place is None and rows["石马村"].gaps == 31
    # When a day of the hall is emptied (the rest-day layer withdrawn), its rest days become gaps
    rest_layer = r.hall.layers.get(days=DayRule.REST_DAYS)
    services.delete_layer(rest_layer, actor=None)
    services.resolve_months(r.hall, [OCTOBER])
    hall = next(row for row in grid.township_grid(township, OCTOBER).rows if row.place == r.hall)
    assert hall.cells[2].gap and hall.cells[2].rest and not hall.cells[12].gap
    # Then the number of queries does not grow with the villages
    before = _grid_queries(township)
    for n in range(3):
        village = UnitFactory(code=f"50023610130{n}", name=f"新村{n}", kind=UnitKind.VILLAGE, parent=township)
        place = services.create_place(actor=None, unit=village, kind=PlaceKind.VILLAGE_HALL)
        services.add_member(place, actor=None, name=f"新村委员{n}", post="村委员", resolve=False)
        services.save_layer(place, actor=None, name="每天", days=DayRule.EVERY_DAY, resolve=False)
        services.resolve_months(place, [OCTOBER])
    assert _grid_queries(township) == before <= 5


def test_the_grid_page_and_its_excel(county, client):
    r = rosters(county, months=[OCTOBER])
    client.force_login(county.people["township_leader"])
    code = county["baidi"].code
    page = client.get(f"/duty/townships/{code}/2026-10/")
    assert page.status_code == 200
    text = page.content.decode()
    assert r.hall.name in text and r.room.name in text and "石马村" in text
    # the Excel: the grid with gaps filled, then every duty day
    download = client.get(f"/duty/townships/{code}/2026-10.xlsx")
    assert download.status_code == 200
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    month, days = book.worksheets
    rows = list(month.iter_rows(values_only=True))
    assert rows[0][2:] == tuple(range(1, 32))
    shima = next(i for i, row in enumerate(rows) if row[0] == "石马村")
    assert month.cell(row=shima + 1, column=3).fill.fgColor.rgb.endswith("FDE8E8")
    hall_row = next(row for row in rows if row[1] == r.hall.name)
    on_13th = DutyDay.objects.filter(place=r.hall, date=date(2026, 10, 13)).values_list("name", flat=True)
    assert hall_row[2 + 12] == "、".join(on_13th)
    assert days.max_row - 1 == DutyDay.objects.filter(place__in=[r.hall, r.room], date__month=10).count()
    # a month whose year has no official schedule is said plainly; a bad month is not found
    missing = client.get(f"/duty/townships/{code}/2027-03/")
    assert missing.status_code == 200 and "2027" in missing.content.decode()
    assert client.get(f"/duty/townships/{code}/2027-03.xlsx").status_code == 409
    assert client.get(f"/duty/townships/{code}/2026-13/").status_code == 404
    assert client.get(f"/duty/townships/{county['huanhua'].code}/2026-10/").status_code == 404


def test_the_grid_and_the_presence_through_the_api(county, api_as):
    r = rosters(county, months=[OCTOBER])
    leader = api_as(county.people["township_leader"])
    body = leader.get(f"/duty/townships/{county['baidi'].code}/grid", month="2026-10-01").json()
    assert body["gaps"] == 31 and [row["place"] for row in body["rows"]] == [r.room.pk, r.hall.pk, None]
    assert body["rows"][1]["cells"][12]["names"] == list(
        DutyDay.objects.filter(place=r.hall, date=date(2026, 10, 13)).values_list("name", flat=True)
    )
    refused = leader.get(f"/duty/townships/{county['baidi'].code}/grid", month="2027-03-01")
    assert refused.status_code == 409 and refused.json()["code"] == "duty_calendar_missing"
    # who was on duty on a Tuesday and showed no sign of presence: both places' people, none checked in
    on_duty = DutyDay.objects.filter(place__in=[r.hall, r.room], date=date(2026, 10, 13)).count()
    rows = leader.get("/duty/presence", day="2026-10-13").json()
    assert len(rows) == on_duty and not any(row["checked_in"] or row["took_in"] for row in rows)
    assert len(leader.get("/duty/presence", day="2026-10-13", missing_only="false").json()) == on_duty
    assert api_as(county.people["cadre_b"]).get("/duty/presence", day="2026-10-13").json() == []
