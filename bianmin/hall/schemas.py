"""The hall API's bodies and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict, Field

from bianmin.cases.choices import CaseKind
from bianmin.hall.choices import GreenReason, PadLevel, TicketAction, TicketChannel, WindowState
from bianmin.schemas import SaneDate


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class QueueOut(Schema):
    id: int
    prefix: str
    name: str
    kind: str
    waiting: int
    crowded: bool = Field(description="At or above the service's warning threshold of people waiting.")
    green_channel: bool
    appointments: bool


class WindowOut(Schema):
    id: int
    number: int
    name: str
    state: WindowState
    staff: str = Field(description="Who is signed in now ('' when no one).")
    services: list[str] = Field(description="The prefixes of the queues the window calls, in its priority.")
    pad_paired_at: datetime | None = Field(description="When the hall's manager paired its rating pad (none yet).")


class HallOut(Schema):
    id: int
    name: str
    unit: str


class HallDetail(HallOut):
    windows: list[WindowOut]
    queues: list[QueueOut]


class TakeTicket(Strict):
    service: str = Field(min_length=1, max_length=2, description="The queue's prefix, e.g. A.")
    channel: TicketChannel = TicketChannel.KIOSK
    phone: str = Field("", max_length=20)


class StaffTicket(Strict):
    service: str = Field(min_length=1, max_length=2)
    green: GreenReason = GreenReason.NONE
    appointment_at: datetime | None = None
    phone: str = Field("", max_length=20)


class TicketOut(Schema):
    id: int
    number: str
    token: str = Field(description="The secret of the visitor's ticket page and rating.")
    service: str
    status: str
    status_label: str
    window: int | None
    green: str
    issued_at: datetime
    ahead: int | None = Field(description="Waiting tickets before this one in its queue.")
    estimated_minutes: int | None


class StaffTicketOut(Schema):
    id: int
    number: str
    service: str
    status: str
    window: int | None
    version: int
    case: str | None


class TicketActionIn(Strict):
    action: TicketAction
    reason: str = Field("", max_length=200)
    to_service: str | None = Field(None, max_length=2, description="Transfer: the queue's prefix.")
    to_window: int | None = Field(None, description="Transfer: the window's number.")


class StateIn(Strict):
    state: WindowState


class OpenCaseIn(Strict):
    kind: CaseKind = CaseKind.CONSULTATION
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    citizen_name: str = Field(min_length=1, max_length=50)
    citizen_phone: str = Field(min_length=1, max_length=20)
    village: str | None = Field(None, max_length=32, description="The village or community's unit code.")


class CaseLinkOut(Schema):
    number: str
    ticket: str


class RatingIn(Strict):
    level: PadLevel
    comment: str = Field("", max_length=500)
    rater_name: str = Field("", max_length=50, description="A real-name rater is called back after a 差评.")
    rater_phone: str = Field("", max_length=20)


class RatingOut(Schema):
    ticket: str
    level: int
    case: str | None = Field(description="The case a 差评 filed: its rectification, callback and appeal.")


class PadOut(Schema):
    ticket: str | None
    token: str | None
    window: int


class CallOut(Schema):
    id: int
    number: str
    window: int | None
    at: datetime
    speech: str


class BoardWindow(Schema):
    number: int
    name: str
    state: str
    staff: str
    ticket: str
    serving: bool


class BoardQueue(Schema):
    prefix: str
    name: str
    waiting: int
    crowded: bool


class BoardOut(Schema):
    hall: str
    at: datetime
    windows: list[BoardWindow]
    calls: list[CallOut]
    queues: list[BoardQueue]


class StatsRow(Schema):
    key: str
    label: str
    issued: int
    served: int
    no_shows: int
    expired: int
    wait_p50: float | None
    wait_p90: float | None
    service_p50: float | None
    service_p90: float | None
    rated: int
    satisfaction: float | None


class HallPresenceOut(Schema):
    expected: int = Field(description="The catalogue's items the hall should offer (应进驻事项).")
    in_hall: int = Field(description="Of those, the items an active queue serves at some window.")
    rate: Decimal | None = Field(description="进驻率 in percent, one decimal, truncated; null when none expected.")


class StatsOut(Schema):
    day: date
    presence: HallPresenceOut
    hall: list[StatsRow]
    service: list[StatsRow]
    window: list[StatsRow]
    person: list[StatsRow]


class StatsQuery(Strict):
    day: SaneDate | None = None
