"""What pages read from a query string or a form, parsed without raising: a value that is not what the field
asks for is None, so that a page answers with its default or a message, never with a 500.
(`str.isdigit` alone lets "²" through to `int`, and `parse_date` raises on "2026-02-30".)"""

from __future__ import annotations

from datetime import date

from django.utils.dateparse import parse_date

# Days a page takes (2000–2100): month arithmetic and local midnights stay in range.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
LARGEST_ID = 2**31 - 1


def whole(text: str | None, *, high: int = LARGEST_ID) -> int | None:
    """A whole number from 0 to `high` written in ASCII digits; None for anything else."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if number <= high else None


def day(text: str | None) -> date | None:
    """A day written as 2026-12-09, from 2000 to 2100."""
    try:
        found = parse_date((text or "").strip())
    except ValueError:  # well formed but no such day: 2026-02-30
        return None
    return found if found is not None and FIRST_DAY <= found <= LAST_DAY else None


def month(text: str | None) -> date | None:
    """The first day of a month written as 2026-12."""
    text = (text or "").strip()
    return day(f"{text}-01") if len(text) == 7 else None
