"""Request and response bodies of the duty API."""

from __future__ import annotations

import datetime
from datetime import date

from ninja import Field, Schema

from bianmin.duty.choices import ChangeAction, ChangeKind, DayRule


class PlaceOut(Schema):
    id: int
    unit: str = Field(description="The unit's code.")
    kind: str
    name: str
    head: int | None
    feed_url: str = Field(description="The place's secret iCalendar feed.")


class DutyDayOut(Schema):
    date: date
    place: int
    name: str
    post: str
    hours: str
    source: str
    rest_day: bool
    is_leader: bool


class PublicDayOut(Schema):
    date: date
    place_kind: str
    name: str
    post: str
    hours: str
    is_leader: bool


class PublicBoardOut(Schema):
    unit: str
    name: str
    office_phone: str = Field(description="The unit's office phone; personal phones are never shown.")
    days: list[PublicDayOut]


class LayerIn(Schema):
    name: str = Field(..., max_length=100)
    days: DayRule
    everyone: bool = False
    people_per_day: int = Field(1, ge=1, le=50)
    hours: str = Field("", max_length=60)
    priority: int = Field(1, ge=0, le=100)


class LayerOut(LayerIn):
    id: int


class FindingOut(Schema):
    code: str
    date: date | None
    member: int | None
    detail: int


class PublishIn(Schema):
    month: date
    reason: str = Field("", max_length=300)


class MonthOut(Schema):
    month: date
    state: str
    gap_reason: str
    findings: list[FindingOut]


class ChangeIn(Schema):
    kind: ChangeKind
    member: int
    date: date
    reason: str = Field(..., min_length=1, max_length=300)
    colleague: int | None = None
    other_date: datetime.date | None = None
    end: datetime.date | None = None


class ChangeOut(Schema):
    id: int
    kind: str
    state: str
    member: int
    colleague: int | None
    date: date
    other_date: datetime.date | None
    end: datetime.date | None
    reason: str
    actions: list[str]


class ActIn(Schema):
    action: ChangeAction
    note: str = Field("", max_length=300)


class VisitIn(Schema):
    visitor_name: str = Field(..., max_length=50)
    visitor_phone: str = Field(..., max_length=20)
    matter: str = Field(..., max_length=200)
    people_count: int = Field(1, ge=1, le=500)
    notes: str = Field("", max_length=4000)
    village: str | None = Field(None, description="The visitor's village (unit code).")


class VisitOut(Schema):
    id: int
    visited_at: str
    visitor_name: str
    visitor_phone: str = Field(description="Masked: the first 3 and last 4 digits.")
    matter: str
    people_count: int
    case: str | None = Field(description="The petition case's number, once it is one.")
