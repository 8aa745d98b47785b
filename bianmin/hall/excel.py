"""The hall's figures as Excel workbooks: a day's statistics (one sheet per dimension) and a month's window
ranking. The columns are declared once here and read from the same rows the pages show."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from bianmin.hall.models import Hall
from bianmin.hall.ranking import with_flags
from bianmin.hall.stats import daily_stats, presence_rate


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def stats_columns() -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    return [
        (_("Name"), lambda r: r["label"]),
        (_("Tickets"), lambda r: r["issued"]),
        (_("Served"), lambda r: r["served"]),
        (_("No-shows"), lambda r: r["no_shows"]),
        (_("Expired"), lambda r: r["expired"]),
        (_("Wait p50 (minutes)"), lambda r: _minutes(r["wait_p50"])),
        (_("Wait p90 (minutes)"), lambda r: _minutes(r["wait_p90"])),
        (_("Service p50 (minutes)"), lambda r: _minutes(r["service_p50"])),
        (_("Service p90 (minutes)"), lambda r: _minutes(r["service_p90"])),
        (pgettext("hall", "Rated"), lambda r: r["rated"]),
        (pgettext("hall", "Satisfaction"), lambda r: r["satisfaction"]),
    ]


def ranking_columns() -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    return [
        (_("Rank"), lambda r: r["place"]),
        (_("Window"), lambda r: r["window"]),
        (_("Name"), lambda r: r["name"]),
        (_("Efficiency"), lambda r: r["efficiency"]),
        (_("Staff score"), lambda r: r["staff"]),
        (_("Duty officer"), lambda r: r["duty_officer"]),
        (_("Citizens"), lambda r: r["citizens"]),
        (_("Total score"), lambda r: r["total"]),
        (_("Last two months running"), lambda r: _("yes") if r["flagged"] else ""),
    ]


def _sheet(book: Workbook, title: str, columns: list[tuple[str, Any]], rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append([heading for heading, _read in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([read(row) for _heading, read in columns])
    for index, (heading, _read) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(heading) * 2)


def _empty() -> Workbook:
    book = Workbook()
    for sheet in list(book.worksheets):
        book.remove(sheet)
    return book


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stats_workbook(hall: Hall, day: date) -> bytes:
    figures = daily_stats(hall, day)
    book = _empty()
    titles = {"hall": _("Hall"), "service": _("Queue"), "window": _("Window"), "person": _("Staff")}
    for dimension, title in titles.items():
        _sheet(book, title, stats_columns(), figures[dimension])
    presence = [
        (_("Items the hall should offer"), lambda r: r["expected"]),
        (_("Items in the hall"), lambda r: r["in_hall"]),
        (_("Share in the hall (%)"), lambda r: r["rate"]),
    ]
    _sheet(book, pgettext("hall", "Presence rate"), presence, [presence_rate(hall)])
    return _bytes(book)


def ranking_workbook(hall: Hall, year: int, month: int) -> bytes:
    book = _empty()
    _sheet(book, f"{year}-{month:02d}", ranking_columns(), with_flags(hall, year, month)["rows"])
    return _bytes(book)
