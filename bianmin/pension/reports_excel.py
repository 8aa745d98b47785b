"""The pension report as a workbook: a sheet of totals, one per day, per method, per township, per village.

Headings go through their own contexts: the project catalogue translates the bare "Code" and "Daily average"
for other pages (验证码, 日均受理), which read wrongly here (tests/test_translations.py)."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bianmin.pension.reports import PensionReport

# The columns of the township and village sheets: the key of the report's row and its heading.
UNIT_COLUMNS = (
    ("code", pgettext_lazy("unit", "Code")),
    ("name", pgettext_lazy("unit", "Name")),
    ("total", gettext_lazy("Certifications")),
    ("passed", gettext_lazy("Passed")),
    ("pensioners", gettext_lazy("Pensioners")),
    ("coverage", gettext_lazy("Coverage (%)")),
    ("overdue", gettext_lazy("Overdue")),
    ("suspended", gettext_lazy("Suspended")),
)


def _header(sheet: WriteOnlyWorksheet, headings: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def export_report(report: PensionReport, handle: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    totals = book.create_sheet(_("Totals"))
    totals.append([_("From"), report.start, _("To"), report.end])
    totals.append([_("Scope of the figures"), report.unit.name if report.unit else _("All my villages")])
    for label, value in (
        (_("Certifications"), report.total),
        (_("Passed"), report.passed),
        (pgettext("certifications", "Daily average"), report.daily_average),
        (_("Daily average over working days"), report.daily_average_workdays),
        (_("Pensioners"), report.pensioners),
        (_("Coverage (%)"), report.coverage),
        (_("Overdue"), report.overdue),
        (_("Suspended"), report.suspended),
    ):
        totals.append([label, value])
    days = book.create_sheet(_("By day"))
    _header(days, [_("Date"), _("Certifications"), _("Passed")])
    for row in report.by_day:
        days.append([row["day"], row["total"], row["passed"]])
    methods = book.create_sheet(_("By method"))
    _header(methods, [_("Method"), _("Certifications"), _("Passed")])
    for row in report.by_method:
        methods.append([row["label"], row["total"], row["passed"]])
    for title, rows in ((_("By township"), report.by_township), (_("By village"), report.by_village)):
        sheet = book.create_sheet(title)
        _header(sheet, [str(heading) for _key, heading in UNIT_COLUMNS])
        for r in rows:
            values: list[Any] = [r[key] for key, _h in UNIT_COLUMNS]
            sheet.append(values)
    book.save(handle)
