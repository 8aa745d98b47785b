"""Request and response bodies of the duty API."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from bianmin.duty.choices import ChangeAction, ChangeKind, DayRule
from bianmin.duty.models import FIRST_DAY, LAST_DAY, DutyDay

# A day a roster may name (`bianmin.duty.models.FIRST_DAY` to `LAST_DAY`).
RosterDate = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


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
    month: RosterDate
    reason: str = Field("", max_length=300)


class MonthOut(Schema):
    month: date
    state: str
    gap_reason: str
    findings: list[FindingOut]


class ChangeIn(Schema):
    kind: ChangeKind
    member: int
    date: RosterDate
    reason: str = Field(..., min_length=1, max_length=300)
    colleague: int | None = None
    other_date: RosterDate | None = None
    end: RosterDate | None = None


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


class MemberOut(Schema):
    id: int
    name: str
    post: str
    is_leader: bool
    position: int
    active: bool
    user: int | None = Field(description="The person's account, if any.")


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    post: str = Field(..., min_length=1, max_length=50)
    user: int | None = Field(None, description="An account holding a role in the place's unit.")
    name: str = Field("", max_length=50, description="Required without an account.")
    is_leader: bool = False
    position: int | None = Field(None, ge=0, le=999, description="Order in the rotation; last when omitted.")


class MemberChange(Schema):
    model_config = ConfigDict(extra="forbid")

    post: str = Field(..., min_length=1, max_length=50)
    is_leader: bool
    position: int = Field(..., ge=0, le=999)
    name: str = Field("", max_length=50, description="Only for a person without an account.")
    active: bool = True


class HeadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    head: int | None = Field(description="An account holding a role in the place's unit; null for none.")


class ShiftIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: RosterDate
    member: int


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=100)
    start: RosterDate
    end: RosterDate
    hours: str = Field("", max_length=60)
    shifts: list[ShiftIn] = Field(default_factory=list, max_length=2000)


class PlanOut(Schema):
    id: int
    name: str
    start: date
    end: date
    hours: str
    shifts: list[ShiftIn]


class GridCellOut(Schema):
    date: date
    names: list[str]
    gap: bool = Field(description="Nobody on duty on a day the place must cover.")
    rest: bool


class GridRowOut(Schema):
    unit: str = Field(description="The unit's code.")
    unit_name: str
    place: int | None = Field(description="The duty place; null for a village without a roster (every day a gap).")
    place_name: str
    kind: str
    gaps: int
    cells: list[GridCellOut]


class GridOut(Schema):
    township: str
    month: date
    gaps: int
    rows: list[GridRowOut]


class PresenceOut(Schema):
    """A row of `bianmin.duty.presence.roll_call`: a duty day with its signs of presence."""

    date: date
    place: int
    place_name: str
    unit: str = Field(description="The place's unit's code.")
    name: str
    post: str
    hours: str
    checked_in: bool
    patrolled: bool = Field(description="Recorded a patrol round of a service hall in the place's unit that day.")
    took_in: bool = Field(description="Took in a grievance at the village hall that day.")

    @staticmethod
    def resolve_place(obj: DutyDay) -> int:
        return obj.place_id

    @staticmethod
    def resolve_place_name(obj: DutyDay) -> str:
        return obj.place.name

    @staticmethod
    def resolve_unit(obj: DutyDay) -> str:
        return obj.place.unit.code
