from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from bianmin.cases.choices import (
    CaseKind,
    CaseStatus,
    Channel,
    Decision,
    DeliveryMethod,
    DueWarning,
    SpecialProcedure,
    Urgency,
)
from bianmin.schemas import Plain, SaneDate


class UnitRef(Plain):
    code: str
    name: str


class CaseIn(Plain):
    """A case taken in by staff (hotline, window, village hall, reception), or an application
    (`kind=application` with the item's code): online by the applicant, at a window, or through the
    village hall on a villager's behalf (代办)."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    kind: CaseKind
    item: str | None = Field(None, max_length=40, description="Implementation code (实施编码) of the service item.")
    title: str = Field("", max_length=200, description="Required except for applications (the item's name).")
    content: str = Field("", max_length=5000, description="Required except for applications.")
    citizen_name: str = Field(min_length=1, max_length=50)
    citizen_phone: str = Field(min_length=1, max_length=20)
    citizen_id_number: str = Field("", max_length=18)
    village: str | None = Field(None, description="Code of the village or community the matter concerns.")
    category: str | None = Field(None, description="Category code; its time limit applies.")
    urgency: Urgency = Urgency.NORMAL
    address: str = Field("", max_length=200)
    accept: bool = Field(
        True,
        description="Accept the matter on intake (the default); false registers it only, for the unit to accept "
        "or refuse (不予受理) with the proper channel. Not for applications, which are always registered.",
    )


class CaseItem(Plain):
    number: str
    title: str
    kind: CaseKind
    channel: Channel
    urgency: Urgency
    status: CaseStatus
    status_label: str
    unit: UnitRef
    village: UnitRef | None
    category: str | None
    analysis_level: str
    analysis_level_label: str
    handler: str | None = Field(description="Username of the handler.")
    handler_name: str
    citizen_name: str
    citizen_phone: str = Field(description="Masked unless the caller handles or supervises the case.")
    received_at: datetime
    due_at: datetime | None
    warning: DueWarning
    supervise_count: int
    version: int


class EventOut(Plain):
    seq: int
    at: datetime
    action: str
    action_label: str
    actor: str | None
    from_status: str
    to_status: str
    from_unit: str | None
    to_unit: str | None
    note: str
    data: dict[str, object]


class ActionOut(Plain):
    action: str
    label: str
    required: list[str]


class SimilarOut(Schema):
    number: str
    title: str
    status: CaseStatus
    score: float = Field(description="Text overlap, 0 to 1.")


class AttachmentRef(Plain):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    url: str


class DocumentRef(Plain):
    id: int
    kind: str
    title: str
    doc_number: str
    issued_at: datetime
    size: int
    sha256: str
    url: str


class MissingMaterial(Plain):
    position: int
    name: str
    form: str
    copies: int


class ApplicationOut(Plain):
    item: str = Field(description="Implementation code of the service item.")
    item_name: str
    item_version: int
    proxy: str | None = Field(description="Who filed it on the applicant's behalf (代办).")
    legal_limit: str
    promised_limit: str
    legal_due_at: datetime | None
    within_legal_limit: bool | None
    notice_due_at: datetime
    notice_sent_at: datetime | None
    missing: list[MissingMaterial]
    supplemented_at: datetime | None
    deemed_accepted: bool
    decision: Decision | None
    decided_at: datetime | None
    delivery_due_at: datetime | None
    delivered_at: datetime | None
    delivery_method: DeliveryMethod | None
    delivery_method_label: str
    trips: int
    materials: list[MissingMaterial] = Field(description="The materials the item version asks for.")
    documents: list[DocumentRef]


class CaseDetail(CaseItem):
    content: str
    address: str
    citizen_id_number: str
    assist_units: list[UnitRef]
    classification: str | None
    master: str | None
    accepted_at: datetime | None
    level_due_at: datetime | None
    paused_at: datetime | None
    reply: str
    replied_at: datetime | None
    completed_at: datetime | None
    completed_on_time: bool | None
    rating: int | None
    rating_comment: str
    rating_appeal: str
    rectify_due_at: datetime | None = Field(description="After a bad rating (差评): the rectification is due by then.")
    rectified_at: datetime | None
    called_back_at: datetime | None = Field(description="When the citizen was called back after a bad rating.")
    transfer_count: int
    reopen_count: int
    extension_requested: int | None = Field(
        description="An extension the handler asked for (in the limit's unit), waiting for one who approves."
    )
    limit_unit_label: str = Field(description="The unit of the case's time limit, as people read it.")
    events: list[EventOut]
    actions: list[ActionOut] = Field(description="What the caller may do now, from the workflow's table.")
    attachments: list[AttachmentRef]
    calendar_warning: str | None
    application: ApplicationOut | None


class ActionIn(Plain):
    """The fields of any action; the workflow's table says which one needs which."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(description="The case's version as the caller last saw it (optimistic lock).")
    reason: str | None = Field(None, max_length=5000)
    proper_channel: str | None = Field(None, max_length=200)
    reply: str | None = Field(None, max_length=5000)
    note: str | None = Field(None, max_length=5000)
    handler: str | None = Field(None, max_length=150, description="Username.")
    to_unit: str | None = Field(None, max_length=32, description="Unit code.")
    assist_units: list[str] = Field(default_factory=list, max_length=20)
    due_at: datetime | None = None
    amount: int | None = Field(None, ge=1, le=365)
    classification: str | None = Field(None, max_length=32)
    rating: int | None = Field(None, ge=1, le=5)
    comment: str | None = Field(None, max_length=500)
    master: str | None = Field(None, max_length=20, description="Number of the case to merge into.")
    decision: Literal["upheld", "rejected"] | None = Field(None, description="Outcome of an appeal's review.")
    missing: list[int] | None = Field(
        None, max_length=100, description="Numbers (positions) of the item's materials that are missing."
    )
    in_person: bool | None = Field(None, description="The applicant brought the supplement in person (a trip).")
    procedure: SpecialProcedure | None = None
    delivery_method: DeliveryMethod | None = None


class CaseFilters(Plain):
    status: list[CaseStatus] = Field(default_factory=list)
    unit: str | None = Field(None, description="Unit code: cases handled in that unit's subtree.")
    category: str | None = None
    kind: CaseKind | None = None
    item: str | None = Field(None, max_length=40, description="Applications for this service item (实施编码).")
    channel: Channel | None = None
    overdue: bool | None = None
    supervised: bool | None = None
    extension_requested: bool | None = Field(None, description="Cases whose handler asked for an extension.")
    q: str | None = Field(None, max_length=100, description="Number, or words of the title or content.")
    received_from: SaneDate | None = None
    received_to: SaneDate | None = None


class PublicCaseIn(Schema):
    """A citizen's own submission from the public page (no login)."""

    model_config = ConfigDict(extra="forbid")

    kind: CaseKind
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    citizen_name: str = Field(min_length=1, max_length=50)
    citizen_phone: str = Field(min_length=1, max_length=20)
    village: str = Field(min_length=1, max_length=32, description="Code of the village or community.")
    address: str = Field("", max_length=200)


class PublicCaseCreated(Schema):
    number: str
    message: str


class PublicEvent(Schema):
    at: datetime
    action_label: str
    status_label: str
    unit: str = Field(description="The unit holding the matter after this step.")
    public_note: str = Field(description="What was written to the citizen at this step (a reply, a reason), if any.")


class PublicCaseOut(Schema):
    number: str
    title: str
    status: CaseStatus
    status_label: str
    unit: str
    received_at: datetime
    due_at: datetime | None
    reply: str
    rating: int | None
    rating_label: str
    can_rate: bool
    can_reopen: bool = Field(
        description="Rated unsatisfactory (or not rated) and completed within the last REOPEN_DAYS days: the "
        "citizen may ask for the case to be handled again (重办)."
    )
    callback_due: bool = Field(description="A bad rating was given: the unit will call the citizen back.")
    events: list[PublicEvent]


class PublicReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phone_tail: str = Field(pattern=r"^\d{4}$")
    reason: str = Field(min_length=1, max_length=2000, description="What is still not solved.")


class PublicRatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phone_tail: str = Field(pattern=r"^\d{4}$")
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)
