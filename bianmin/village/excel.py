"""The village-affairs report as a workbook: totals, townships, villages, decisions, funds."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from bianmin.village.reports import VillageReport


def export_report(report: VillageReport, handle: IO[bytes] | Any) -> None:
    book = Workbook(write_only=True)
    totals = book.create_sheet(_("Totals"))
    totals.append([_("From"), report.start.isoformat(), pgettext("village", "To"), report.end.isoformat()])
    t = report.total
    for label, value in (
        (pgettext("village", "Due"), t.due),
        (_("Published on time"), t.on_time),
        (_("Published late"), t.late),
        (pgettext("village", "Overdue"), t.overdue),
        (pgettext("village", "On-time rate (%)"), t.rate),
        (_("Open conflict flags"), report.flags),
    ):
        totals.append([label, value])
    header = [
        pgettext("village", "Code"),
        pgettext("village", "Name"),
        pgettext("village", "Due"),
        _("Published on time"),
        _("Published late"),
        pgettext("village", "Overdue"),
        pgettext("village", "On-time rate (%)"),
    ]
    for title, rows in ((_("By township"), report.townships), (_("By village"), report.villages)):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for r in rows:
            sheet.append([r.code, r.name, r.due, r.on_time, r.late, r.overdue, r.rate])
    decisions = book.create_sheet(_("Decisions"))
    decisions.append([_("Status"), _("Decisions")])
    for label, n in report.decisions.items():
        decisions.append([label, n])
    decisions.append([_("Meetings held"), report.steps.get("held", 0)])
    decisions.append([_("Valid meetings"), report.steps.get("valid", 0)])
    decisions.append([_("Meetings not valid"), report.steps.get("invalid", 0)])
    funds = book.create_sheet(_("Funds"))
    funds.append([_("Fund source"), _("Projects"), _("Budget (yuan)"), _("Disbursed (yuan)")])
    for f in report.funds:
        funds.append([f["label"], f["projects"], Decimal(f["budget_fen"]) / 100, Decimal(f["disbursed_fen"]) / 100])
    book.save(handle)
