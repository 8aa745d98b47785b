"""Reading GeoReport v2 parameters: dates with or without a time zone, the requests list's filters and the
form of a new request. Everything a client can send is checked here, so that a bad value is a 400 naming the
parameter and never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin.errors import InvalidInput
from bianmin.open311.choices import PublicStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
# GeoReport v2: the default window is the last 90 days, and no query may span more.
MAX_SPAN = timedelta(days=90)
# GeoReport v2: at most 1,000 requests in one answer.
MAX_RESULTS = 1000
MAX_IDS = 1000
# Characters XML 1.0 cannot carry (and no person types): refused on input rather than failing on output.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,50})\](\[\])?$")
FIELD_LIMITS = {
    "service_code": 32,
    "jurisdiction_id": 32,
    "address_string": 200,
    "address_id": 32,
    "email": 254,
    "device_id": 100,
    "account_id": 100,
    "first_name": 25,
    "last_name": 25,
    "phone": 20,
    "description": 4000,
    "media_url": 500,
    "lat": 30,
    "long": 30,
}
EARLIEST = datetime(1900, 1, 1, tzinfo=SHANGHAI)
LATEST = datetime(2100, 12, 31, tzinfo=SHANGHAI)


def clean_text(values: QueryDict, name: str, errors: dict[str, str | Promise]) -> str:
    """The parameter's last value, stripped; an error for control characters or an over-long value."""
    value = values.get(name, "")
    value = value.strip() if isinstance(value, str) else ""
    if CONTROL.search(value):
        errors[name] = _("Contains characters that are not allowed.")
    elif len(value) > FIELD_LIMITS.get(name, 200):
        errors[name] = _("Too long: at most %(limit)d characters.") % {"limit": FIELD_LIMITS.get(name, 200)}
    return value


def parse_moment(text: str, *, end: bool = False) -> datetime:
    """An ISO 8601 date or date-time (2026-12-01, 2026-12-01T08:00, …Z, …+08:00) as an aware moment. A date
    alone is the whole day in Asia/Shanghai (its end when `end`, so ranges are inclusive); a time without a
    zone is Asia/Shanghai time. Raises ValueError."""
    if CONTROL.search(text) or not 8 <= len(text) <= 40:
        raise ValueError(text)
    if len(text) <= 10 and "T" not in text:
        day = date.fromisoformat(text)
        moment = datetime.combine(day, time.max if end else time.min, tzinfo=SHANGHAI)
    else:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(text)
    return moment


@dataclass(frozen=True)
class RequestFilters:
    """GET requests: either a list of ids (which overrides every other filter) or a window of at most
    90 days (default: the last 90), optionally of some services and one status."""

    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def request_filters(query: QueryDict) -> RequestFilters:
    errors: dict[str, str | Promise] = {}
    raw = {name: query.get(name, "") for name in ("service_request_id", "service_code", "status")}
    for name, value in raw.items():
        if len(value) > 20000 or CONTROL.search(value):
            errors[name] = _("Not a valid value.")
    if errors:
        raise InvalidInput(errors)
    ids = _list(raw["service_request_id"])
    if len(ids) > MAX_IDS:
        raise InvalidInput({"service_request_id": _("At most %(limit)d ids at once.") % {"limit": MAX_IDS}})
    if ids:
        return RequestFilters(ids=ids)
    statuses = _list(raw["status"].lower())
    if any(status not in PublicStatus.values for status in statuses):
        errors["status"] = _("Use open or closed.")
    moments: dict[str, datetime] = {}
    for name in ("start_date", "end_date"):
        text = query.get(name, "").strip()
        if text:
            try:
                moments[name] = parse_moment(text, end=name == "end_date")
            except ValueError:
                errors[name] = _("Use an ISO 8601 date or date and time, e.g. 2026-12-01T08:00:00+08:00.")
    if errors:
        raise InvalidInput(errors)
    given_start, given_end = moments.get("start_date"), moments.get("end_date")
    if given_start is not None:
        start, end = given_start, given_end or given_start + MAX_SPAN
    else:
        end = given_end or timezone.now()
        start = end - MAX_SPAN
    if end < start:
        raise InvalidInput({"end_date": _("The end date is before the start date.")})
    if end - start > MAX_SPAN + timedelta(seconds=1):  # a whole last day ends at 23:59:59.999999
        raise InvalidInput({"end_date": _("The date range may span at most 90 days.")})
    return RequestFilters(service_codes=_list(raw["service_code"]), statuses=statuses, start=start, end=end)


@dataclass(frozen=True)
class Window:
    """A time window, as the updates extension reads it (no filter but time)."""

    start: datetime
    end: datetime


def update_window(query: QueryDict) -> Window:
    """The updates extension's window: the same dates, defaults and 90-day cap as GET requests."""
    dates = QueryDict(mutable=True)
    for name in ("start_date", "end_date"):
        dates[name] = query.get(name, "")
    filters = request_filters(dates)
    if filters.start is None or filters.end is None:  # always set when no ids are asked for
        raise InvalidInput({"start_date": _("Not a valid value.")})
    return Window(filters.start, filters.end)


@dataclass(frozen=True)
class Submission:
    """POST requests: the form of a new request, checked for shape (not yet against the service)."""

    service_code: str
    jurisdiction_id: str
    lat: Decimal | None
    long: Decimal | None
    address_string: str
    address_id: str
    attributes: dict[str, str | list[str]]
    email: str
    device_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str
    description: str
    media_url: str


def _coordinate(text: str, limit: int) -> Decimal:
    value = Decimal(text)
    if not value.is_finite() or abs(value) > limit:
        raise ValueError(text)
    return value.quantize(Decimal("0.000001"))


def submission(form: QueryDict) -> Submission:
    errors: dict[str, str | Promise] = {}
    text = {name: clean_text(form, name, errors) for name in FIELD_LIMITS}
    coordinates: dict[str, Decimal | None] = {"lat": None, "long": None}
    for name, limit in (("lat", 90), ("long", 180)):
        if text[name] and name not in errors:
            try:
                coordinates[name] = _coordinate(text[name], limit)
            except (InvalidOperation, ValueError):
                errors[name] = _("Not a valid coordinate (WGS 84 decimal degrees).")
    if (coordinates["lat"] is None) != (coordinates["long"] is None) and not {"lat", "long"} & errors.keys():
        errors["lat"] = _("Send lat and long together.")
    attributes: dict[str, str | list[str]] = {}
    for key in form:
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        code, many = match.group(1), match.group(2) is not None
        values = [v.strip() for v in form.getlist(key)]
        if any(CONTROL.search(v) or len(v) > 4000 for v in values) or len(values) > 100:
            errors[f"attribute[{code}]"] = _("Not a valid value.")
            continue
        attributes[code] = values if many else values[-1]
    if not text["service_code"]:
        errors["service_code"] = _("This field is required.")
    located = coordinates["lat"] is not None or text["address_string"] or text["address_id"]
    if not located and not {"lat", "long", "address_string", "address_id"} & errors.keys():
        errors["lat"] = _("Give the place: lat and long, address_string or address_id.")
    if errors:
        raise InvalidInput(errors)
    return Submission(
        service_code=text["service_code"],
        jurisdiction_id=text["jurisdiction_id"],
        lat=coordinates["lat"],
        long=coordinates["long"],
        address_string=text["address_string"],
        address_id=text["address_id"],
        attributes=attributes,
        email=text["email"],
        device_id=text["device_id"],
        account_id=text["account_id"],
        first_name=text["first_name"],
        last_name=text["last_name"],
        phone=text["phone"],
        description=text["description"],
        media_url=text["media_url"],
    )
