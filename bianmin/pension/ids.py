"""Well-formed resident identity numbers for the demo county and the tests (never real people: the serial
numbers are drawn, and the demo's area code is the county's own)."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric


def resident_id(area: str, birth: date, serial: int) -> str:
    """The 18-character number for a 6-digit area code, a birth date and a 3-digit serial (odd for men)."""
    body = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + str(ric.calc_check_digit(body + "0"))  # it reads the first 17 of a full number
