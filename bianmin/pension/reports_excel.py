"""The pension report as a workbook: a sheet of totals, one per day, per method, per township, per village."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from bianmin.pension.reports import PensionReport


def export_report(report: PensionReport, handle: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    totals = book.create_sheet(_("Totals"))
    totals.append([_("From"), report.start.isoformat(), _("To"), report.end.isoformat()])
    for label, value in (
        (_("Certifications"), report.total),
        (_("Passed"), report.passed),
        (_("Daily average"), report.daily_average),
        (_("Daily average over working days"), report.daily_average_workdays),
        (_("Pensioners"), report.pensioners),
        (_("Coverage (%)"), report.coverage),
        (_("Overdue"), report.overdue),
        (_("Suspended"), report.suspended),
    ):
        totals.append([label, value])
    days = book.create_sheet(_("By day"))
    days.append([_("Date"), _("Certifications"), _("Passed")])
    for row in report.by_day:
        days.append([row["day"].isoformat(), row["total"], row["passed"]])
    methods = book.create_sheet(_("By method"))
    methods.append([_("Method"), _("Certifications"), _("Passed")])
    for row in report.by_method:
        methods.append([row["label"], row["total"], row["passed"]])
    for title, rows in ((_("By township"), report.by_township), (_("By village"), report.by_village)):
        sheet = book.create_sheet(title)
        sheet.append(
            [
                _("Code"),
                _("Name"),
                _("Certifications"),
                _("Passed"),
                _("Pensioners"),
                _("Coverage (%)"),
                _("Overdue"),
                _("Suspended"),
            ]
        )
        for r in rows:
            values: list[Any] = [
                r["code"],
                r["name"],
                r["total"],
                r["passed"],
                r["pensioners"],
                r["coverage"],
                r["overdue"],
                r["suspended"],
            ]
            sheet.append(values)
    book.save(handle)
