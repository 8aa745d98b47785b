"""Excel files: the KPI table laid out as a government statistical table, and case lists streamed row by
row in constant memory (openpyxl's write-only mode), with phones masked for whoever does not handle or
supervise the case."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bianmin.cases.choices import CaseKind, CaseStatus, Channel, Rating
from bianmin.cases.models import Case
from bianmin.cases.presenters import Presenter
from bianmin.cases.sla import SHANGHAI
from bianmin.org.choices import REGION_KINDS
from bianmin.org.models import User
from bianmin.org.schemas import mask_phone
from bianmin.reports.kpi import Figures, KpiReport

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def kpi_columns() -> list[tuple[str, Any]]:
    """The statistical table's columns: a heading and how to read the figure from a `Figures`."""
    return [
        (_("Accepted"), lambda f: f.accepted),
        (_("Transferred"), lambda f: f.transferred),
        (_("Supervised"), lambda f: f.supervised),
        (pgettext("statistics", "Completed"), lambda f: f.completed),
        (_("Completion rate (%)"), lambda f: f.completion_rate),
        (_("Completed on time"), lambda f: f.completed_on_time),
        (_("On-time rate (%)"), lambda f: f.on_time_rate),
        (_("Rated"), lambda f: f.rated),
        (_("Satisfied"), lambda f: f.satisfied),
        (_("Satisfaction rate (%)"), lambda f: f.satisfaction_rate),
        (_("Overdue"), lambda f: f.overdue),
        # Applications (办件), then the village system (不出村): applications filed at or for a village.
        (_("Applications received"), lambda f: f.applications_received),
        (_("Applications accepted"), lambda f: f.applications_accepted),
        (_("Applications completed"), lambda f: f.applications_completed),
        (_("Within the promised limit"), lambda f: f.applications_on_time),
        (_("On-time rate, promised limit (%)"), lambda f: f.application_on_time_rate),
        (_("Within the legal limit"), lambda f: f.applications_within_legal_limit),
        (_("On-time rate, legal limit (%)"), lambda f: f.application_legal_on_time_rate),
        (_("Filed online"), lambda f: f.applications_online),
        (_("Online share (%)"), lambda f: f.application_online_share),
        (_("Average trips"), lambda f: f.application_average_trips),
        (_("At most one trip (%)"), lambda f: f.application_one_trip_share),
        (_("Handled at villages"), lambda f: f.village_handled),
        (_("Completed at villages"), lambda f: f.village_completed),
    ]


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def kpi_workbook(report: KpiReport, path: Path) -> Path:
    """The KPI report as a 统计表: title, unit, period and as-of lines, one row per child unit, a total."""
    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = _("KPI")
    columns = kpi_columns()
    width = len(columns) + 1
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = _("%(unit)s: statistics of citizens' matters handled") % {"unit": report.unit.name}
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = _("Reporting unit: %(unit)s    Period: %(start)s to %(end)s    As of: %(as_of)s") % {
        "unit": report.unit.name,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "as_of": _local(report.as_of),
    }
    headings = [_("Unit"), *(heading for heading, _read in columns)]
    for index, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=3, column=index, value=heading)
        cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BOX
    sheet.row_dimensions[3].height = 48  # three lines of a wrapped heading
    # Regions always; other units only where matters arose with them (the dashboard's rule).
    shown = [g for g in report.breakdown if g.kind in REGION_KINDS or g.figures.accepted or g.figures.overdue]
    shown += [g for g in report.breakdown if g not in shown and g.figures.applications_received]
    rows: list[tuple[str, Figures]] = [(group.label, group.figures) for group in shown]
    rows.append((_("Total"), report.figures))
    # The departments by the cases they handle, below the total they are part of (a matter arises in a
    # township; the department it was sent to handles it): the dashboard's second table.
    rows += [(_("%(unit)s (by handling unit)") % {"unit": group.label}, group.figures) for group in report.departments]
    for offset, (label, figures) in enumerate(rows):
        row = 4 + offset
        values = [label, *(_number(read(figures)) for _heading, read in columns)]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.border = BOX
            if index > 1:
                cell.alignment = Alignment(horizontal="right")
        if offset == len(shown):  # the total
            for index in range(1, width + 1):
                sheet.cell(row=row, column=index).font = Font(bold=True)
    note_row = 4 + len(rows) + 1
    sheet.merge_cells(f"A{note_row}:{last}{note_row}")
    sheet.cell(row=note_row, column=1).value = _(
        "Notes: cases received in the period; rates are percentages truncated to one decimal, never rounded up. "
        "Daily average %(avg)s (calendar days), %(avg_work)s (working days). Generated by Bianmin at %(now)s."
    ) % {
        "avg": report.daily_average if report.daily_average is not None else "—",
        "avg_work": report.daily_average_workdays if report.daily_average_workdays is not None else "—",
        "now": _local(timezone.now()),
    }
    sheet.cell(row=note_row, column=1).alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[note_row].height = 32
    sheet.column_dimensions["A"].width = 24
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = "B4"
    book.save(path)
    return path


def _number(value: Any) -> Any:
    # Rates come as Decimals; Excel wants numbers, and "—" where a rate has no denominator.
    return "—" if value is None else (float(value) if not isinstance(value, int) else value)


CASE_FIELDS = (
    "number",
    "received_at",
    "channel",
    "kind",
    "category__name",
    "title",
    "citizen_name",
    "citizen_phone",
    "citizen_id",
    "village__name",
    "unit__name",
    "unit__path",
    "status",
    "due_at",
    "completed_at",
    "completed_on_time",
    "rating",
    "transfer_count",
    "supervise_count",
)


def _case_headings() -> list[str]:
    return [
        _("Number"),
        _("Received at"),
        _("Channel"),
        _("Kind"),
        _("Category"),
        _("Title"),
        _("Citizen"),
        _("Phone"),
        _("Village or community"),
        _("Handling unit"),
        _("Status"),
        _("Due at"),
        _("Completed at"),
        _("On time"),
        _("Rating"),
        _("Transfers"),
        _("Supervisions"),
    ]


def case_rows(cases: QuerySet[Case], user: User) -> Iterable[list[Any]]:
    """One row per case, read in chunks straight from the database (no model objects, no per-row query)."""
    presenter = Presenter(user)
    # Labels translated once, not once per cell.
    labels: dict[str, dict[Any, str]] = {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (("channel", Channel), ("kind", CaseKind), ("status", CaseStatus), ("rating", Rating))
    }
    yes, no = _("yes"), _("no")
    for row in cases.order_by("received_at", "id").values_list(*CASE_FIELDS).iterator(chunk_size=2000):
        (number, received, channel, kind, category, title, name, phone, citizen_id, village, unit, path) = row[:12]
        status, due, completed, on_time, rating, transfers, supervisions = row[12:]
        yield [
            number,
            _local(received),
            labels["channel"].get(channel, channel),
            labels["kind"].get(kind, kind),
            category or "",
            title,
            name,
            phone if presenter.sees_phone_at(path, citizen_id) else mask_phone(phone),
            village or "",
            unit,
            labels["status"].get(status, status),
            _local(due),
            _local(completed),
            "" if on_time is None else (yes if on_time else no),
            labels["rating"][rating] if rating else "",
            transfers,
            supervisions,
        ]


def cases_workbook(cases: QuerySet[Case], user: User, path: Path) -> int:
    """Write the case list to `path` in constant memory; returns the number of cases written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    widths = [16, 17, 10, 10, 12, 36, 10, 14, 14, 18, 14, 17, 17, 8, 10, 8, 8]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    heading = []
    for text in _case_headings():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for count, row in enumerate(case_rows(cases, user), start=1):  # noqa: B007 (the count is the result)
        sheet.append(row)
    book.save(path)
    return count
