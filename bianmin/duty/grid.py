"""A township's month at once: its own duty places and each village's hall as rows, the month's days as
columns, who is on duty in each cell, and the gaps; and the same month as an Excel workbook.

Four queries whatever the number of villages: the units, their places, the places' layers (which days a place
must cover), and every duty day of the month in one read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db.models import Q
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from bianmin.duty import resolver
from bianmin.duty.choices import PlaceKind, SlotSource
from bianmin.duty.models import DutyDay, DutyLayer, DutyPlace
from bianmin.duty.services import calendar_for
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit

# The township's own places first, then the villages' halls in code order.
PLACE_ORDER = {PlaceKind.RECEPTION_ROOM: 0, PlaceKind.ON_CALL: 1, PlaceKind.VILLAGE_HALL: 2}


@dataclass(frozen=True)
class Cell:
    names: tuple[str, ...]
    gap: bool  # nobody, on a day the place must cover
    rest: bool
    everyone: bool = False  # an everyone-in day (Monday): the page shows a count, not a column of names


@dataclass
class GridRow:
    unit: Unit
    place: DutyPlace | None  # None: a village with no duty roster at all
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(c.gap for c in self.cells)


@dataclass
class Grid:
    township: Unit
    days: list[date]
    rest: list[bool]
    rows: list[GridRow]

    @property
    def gaps(self) -> int:
        return sum(r.gaps for r in self.rows)

    @property
    def columns(self) -> list[tuple[date, bool]]:
        return list(zip(self.days, self.rest, strict=True))


def _covers(place: DutyPlace, rules: set[str], day: date, rest: bool) -> bool:
    """Whether `place` must have someone on `day`: a village hall every day, other places the days a layer
    of theirs covers (a reception room is closed on rest days)."""
    if place.kind == PlaceKind.VILLAGE_HALL:
        return True
    return resolver.layer_for([resolver.Layer(0, r, False, 1, "", 1) for r in rules], day, rest) is not None


def township_grid(township: Unit, month: date) -> Grid:
    """The grid of `township` for `month` (refused loudly when the month's year has no official schedule)."""
    calendar = calendar_for(month)
    days = resolver.month_days(month)
    rest = [not calendar.is_workday(d) for d in days]
    units = list(
        Unit.objects.filter(Q(pk=township.pk) | Q(parent=township, kind__in=PLACE_KINDS, is_active=True)).order_by(
            "path"
        )
    )
    places = list(DutyPlace.objects.filter(unit__in=units, active=True).select_related("unit"))
    rules: dict[int, set[str]] = {p.pk: set() for p in places}
    for place_id, days_rule in DutyLayer.objects.filter(place__in=places, active=True).values_list("place_id", "days"):
        rules[place_id].add(days_rule)
    names: dict[tuple[int, date], list[str]] = {}
    everyone: set[tuple[int, date]] = set()
    on_duty = DutyDay.objects.filter(place__in=places, date__range=(days[0], days[-1])).order_by("date", "id")
    for place_id, day, name, source in on_duty.values_list("place_id", "date", "name", "source"):
        names.setdefault((place_id, day), []).append(name)
        if source == SlotSource.EVERYONE:
            everyone.add((place_id, day))
    rows: list[GridRow] = []
    for place in sorted(places, key=lambda p: (p.unit_id != township.pk, PLACE_ORDER[PlaceKind(p.kind)], p.unit.path)):
        row = GridRow(place.unit, place)
        for day, is_rest in zip(days, rest, strict=True):
            who = tuple(names.get((place.pk, day), ()))
            gap = not who and _covers(place, rules[place.pk], day, is_rest)
            row.cells.append(Cell(who, gap, is_rest, (place.pk, day) in everyone))
        rows.append(row)
    with_hall = {p.unit_id for p in places if p.kind == PlaceKind.VILLAGE_HALL}
    for unit in units:
        if unit.pk != township.pk and unit.pk not in with_hall:
            rows.append(GridRow(unit, None, [Cell((), True, r) for r in rest]))
    return Grid(township, days, rest, rows)


GAP_FILL = PatternFill("solid", fgColor="FDE8E8")
REST_FILL = PatternFill("solid", fgColor="F6F3EA")
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _cell(sheet: Worksheet, value: str | int, *, fill: PatternFill | None = None, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = BOLD
    cell.alignment = WRAP
    return cell


def export_grid(grid: Grid, handle: IO[bytes]) -> None:
    """The month as a workbook: the grid (gaps filled red, rest days beige) and every duty day as a row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("duty", "Month"))
    sheet.freeze_panes = "C2"
    sheet.append(
        [
            _cell(sheet, pgettext("duty", "Unit"), bold=True),
            _cell(sheet, pgettext("duty", "Place"), bold=True),
            *(
                _cell(sheet, d.day, bold=True, fill=REST_FILL if r else None)
                for d, r in zip(grid.days, grid.rest, strict=True)
            ),
        ]
    )
    for row in grid.rows:
        place = row.place.name if row.place else pgettext("duty", "No roster")
        sheet.append(
            [
                _cell(sheet, row.unit.name),
                _cell(sheet, place),
                *(
                    _cell(sheet, "、".join(c.names), fill=GAP_FILL if c.gap else REST_FILL if c.rest else None)
                    for c in row.cells
                ),
            ]
        )
    days = book.create_sheet(pgettext("duty", "Duty days"))
    days.append(
        [
            pgettext("duty", "Date"),
            pgettext("duty", "Rest day"),
            pgettext("duty", "Unit"),
            pgettext("duty", "Place"),
            gettext("Person's name"),
            pgettext("duty", "Post"),
            pgettext("duty", "Hours"),
            pgettext("duty", "Why"),
        ]
    )
    places = {r.place.pk: r.place for r in grid.rows if r.place is not None}
    labels = dict(SlotSource.choices)
    yes = pgettext("duty", "yes")
    rows = DutyDay.objects.filter(place__in=list(places), date__range=(grid.days[0], grid.days[-1]))
    fields = ("date", "rest_day", "place_id", "name", "post", "hours", "source")
    for day, rest, place_id, name, post, hours, source in rows.order_by("date", "place_id", "id").values_list(*fields):
        where = places[place_id]
        days.append(
            [day.isoformat(), yes if rest else "", where.unit.name, where.name, name, post, hours, str(labels[source])]
        )
    book.save(handle)
