"""Request and answer bodies of /api/v1/village/."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from bianmin.schemas import Plain, SaneDate
from bianmin.village.choices import (
    Cadence,
    ChannelKind,
    CharterKind,
    DecisionKind,
    FlagOutcome,
    FundSource,
    MeetingType,
    PublicationAction,
    PublicationStatus,
    PublicityCategory,
)

Code = Field(max_length=32, description="A village's unit code.")
Fen = Field(ge=0, le=10**13, description="An amount in fen (1 yuan = 100 fen).")
Count_ = Field(ge=0, le=10**7)


class Page(Plain):
    items: list[dict[str, Any]]
    count: int


class Filters(Plain):
    """A list's filter (its page is `bianmin.pagination.Pagination.Input`: limit and offset)."""

    unit: str | None = Field(None, max_length=32, description="A village or township code in your scope.")


class PublicationFilters(Filters):
    status: PublicationStatus | None = None
    overdue: bool = Field(False, description="Only those due and not yet published.")


class PublicationIn(Plain):
    village: str = Code
    category: PublicityCategory
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)


class ActionIn(Plain):
    action: PublicationAction = Field(description="edit, sign, return, publish, correct, withdraw.")
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=20000)
    note: str = Field("", max_length=2000, description="Remarks (sign, return) or the reason (correct, withdraw).")


class ChannelIn(Plain):
    channel: ChannelKind
    place: str = Field("", max_length=100)


class QuestionIn(Plain):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(max_length=20)
    text: str = Field(min_length=1, max_length=2000)


class DecisionIn(Plain):
    village: str = Code
    title: str = Field(max_length=200)
    summary: str = Field("", max_length=5000)
    kind: DecisionKind = DecisionKind.MAJOR
    amount_fen: int = Field(0, ge=0, le=10**13, description="An amount in fen (1 yuan = 100 fen).")
    per_person_fen: int | None = Field(
        None,
        ge=0,
        le=10**9,
        description="一事一议 only: what each villager pays a year, in fen (capped by the settings).",
    )


class StepIn(Plain):
    step: int = Field(ge=1, le=4)
    meeting_type: MeetingType
    held_on: SaneDate
    present: int = Count_
    votes_for: int = Count_
    votes_against: int = Field(0, ge=0, le=10**7)
    abstaining: int = Field(0, ge=0, le=10**7)
    households_present: int = Field(0, ge=0, le=10**7)
    minutes: str = Field("", max_length=20000)
    observer: str = Field("", max_length=50)


class ProjectIn(Plain):
    village: str = Code
    decision: int | None = None
    name: str = Field(max_length=200)
    place: str = Field(max_length=200)
    content: str = Field(max_length=5000)
    period_start: SaneDate
    period_end: SaneDate
    implementer: str = Field(max_length=100)
    responsible: str = Field(max_length=50)
    contractor_name: str = Field("", max_length=100)
    contractor_code: str = Field("", max_length=18)
    fund_source: FundSource
    budget_fen: int = Fen
    procurement: str = Field("", max_length=200)
    expected_results: str = Field("", max_length=5000)
    poverty_mechanism: str = Field("", max_length=5000)
    beneficiaries: int = Field(0, ge=0, le=10**7)
    supervision_phone: str = Field("", max_length=30)


class StartIn(Plain):
    on: SaneDate


class DisbursementIn(Plain):
    payee_name: str = Field(max_length=100)
    payee_code: str = Field("", max_length=18)
    amount_fen: int = Fen
    paid_on: SaneDate
    voucher: str = Field(max_length=50)


class CompleteIn(Plain):
    on: SaneDate
    summary: str = Field("", max_length=5000)


class RegisterIn(Plain):
    village: str = Code
    as_of: SaneDate
    party_members: int = Count_
    adults: int = Count_
    households: int = Count_
    representatives: int = Count_
    committee_members: int = Field(7, ge=1, le=100)
    branch_members: int = Field(5, ge=1, le=100)


class ReportFilters(Plain):
    unit: str | None = Field(None, max_length=32)
    start: SaneDate
    end: SaneDate


class Detail(Plain):
    id: int
    model_config = {"extra": "allow"}


class CatalogueIn(Plain):
    village: str = Code
    category: PublicityCategory
    name: str = Field(max_length=100)
    cadence: Cadence
    starts_on: SaneDate
    legal_basis: str = Field("", max_length=200)
    responsible: str = Field("", max_length=50)
    channels: list[ChannelKind] = Field(default_factory=list, max_length=7)
    due_day: int = Field(20, ge=1, le=31)


class CatalogueChangeIn(Plain):
    category: PublicityCategory
    name: str = Field(max_length=100)
    cadence: Cadence
    legal_basis: str = Field("", max_length=200)
    responsible: str = Field("", max_length=50)
    channels: list[ChannelKind] = Field(default_factory=list, max_length=7)
    due_day: int = Field(20, ge=1, le=31)


class FlagCloseIn(Plain):
    outcome: FlagOutcome = Field(description="cleared (no conflict of interest) or handled (confirmed and handled).")
    reason: str = Field(max_length=2000, description="What the township found and did.")


class RelativeIn(Plain):
    village: str = Code
    of_name: str = Field(max_length=50, description="The cadre or committee member who declares.")
    name: str = Field(max_length=100)
    code: str = Field("", max_length=18, description="Resident identity number or unified social credit code.")
    relation: str = Field(max_length=20)


class CharterIn(Plain):
    village: str = Code
    kind: CharterKind
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    adopted_by: int = Field(description="The recorded meeting step (a valid villagers' or representatives' meeting).")
