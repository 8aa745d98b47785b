"""`bianmin report kpi`: the KPI table for a period and a unit, from the same engine as the pages."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from bianmin.errors import DomainError
from bianmin.org.models import Unit
from bianmin.reports import kpi
from bianmin.reports.exports import kpi_workbook
from bianmin.reports.presenters import basis_arg, kpi_body, moment


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a moment (YYYY-MM-DDTHH:MM): {text}") from None


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


CASE_COLUMNS = [
    ("受理", "accepted"),
    ("转办", "transferred"),
    ("督办", "supervised"),
    ("办结", "completed"),
    ("办结率%", "completion_rate"),
    ("按时率%", "on_time_rate"),
    ("评价", "rated"),
    ("满意", "satisfied"),
    ("满意率%", "satisfaction_rate"),
    ("超期", "overdue"),
]
APPLICATION_COLUMNS = [
    ("申请", "applications_received"),
    ("受理", "applications_accepted"),
    ("办结", "applications_completed"),
    ("承诺按时率%", "application_on_time_rate"),
    ("法定按时率%", "application_legal_on_time_rate"),
    ("网办率%", "application_online_share"),
    ("平均跑动", "application_average_trips"),
    ("最多跑一次%", "application_one_trip_share"),
    ("村办理", "village_handled"),
    ("村办结", "village_completed"),
]


def _block(body: dict[str, Any], columns: list[tuple[str, str]]) -> list[str]:
    rows = [[g["label"], *(g[key] for _h, key in columns)] for g in body["breakdown"]]
    rows.append(["合计", *(body[key] for _h, key in columns)])
    cells = [["单位", *(h for h, _k in columns)]] + [["—" if v is None else str(v) for v in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(_pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)))
        if index == 0 or index == len(cells) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def table(body: dict[str, Any]) -> str:
    lines = [
        f"{body['unit']['name']}  {body['start']} 至 {body['end']}  截至 {body['as_of']:%Y-%m-%d %H:%M}",
        f"日均 {body['daily_average']}（自然日） {body['daily_average_workdays']}（工作日）",
        *_block(body, CASE_COLUMNS),
        "",
        "办件（村办理、村办结：在村提交或由村干部代办的申请，不出村）",
        *_block(body, APPLICATION_COLUMNS),
    ]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Reports from the KPI engine: `bianmin report kpi --start 2026-01-01 --end 2026-09-30 [--unit CODE]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        figures = sub.add_parser("kpi", help="The KPI figures with the breakdown by child unit.")
        figures.add_argument("--start", required=True, type=_day, help="First day (YYYY-MM-DD, Asia/Shanghai).")
        figures.add_argument("--end", required=True, type=_day, help="Last day, included.")
        figures.add_argument("--unit", help="Unit code (default: the top of the org tree).")
        figures.add_argument("--as-of", type=_moment, help="Figures as they stood then (default: now).")
        figures.add_argument("--basis", choices=["origin", "handling"], help="Count by origin or handling unit.")
        figures.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        figures.add_argument("--output", type=Path, help="Write to this file (required for xlsx).")
        figures.add_argument("--language", default="zh-hans", help="zh-hans (default) or en for xlsx headings.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = (
            Unit.objects.filter(code=options["unit"]).first()
            if options["unit"]
            else Unit.objects.filter(parent__isnull=True).order_by("path").first()
        )
        if unit is None:
            raise CommandError(f"no unit with code {options['unit']}" if options["unit"] else "the org tree is empty")
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and output is None:
            raise CommandError("--format xlsx needs --output FILE")
        with translation.override(options["language"]):
            try:
                report = kpi.kpi_summary(
                    unit,
                    kpi.Period(options["start"], options["end"]),
                    as_of=moment(options["as_of"]),
                    basis=basis_arg(options["basis"]),
                )
            except DomainError as exc:
                raise CommandError(exc.describe()) from None
            if fmt == "xlsx":
                kpi_workbook(report, output)
                self.stdout.write(f"wrote {output}")
                return
            body = kpi_body(report)
            text = (
                json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
                if fmt == "json"
                else table(body)
            )
        if output:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            sys.stdout.write(text)
