from datetime import datetime
from typing import Annotated

from django.conf import settings
from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from bianmin.catalog.choices import HandlingForm, ItemKind, Level, LifeEvent, LimitUnit, MaterialForm, ServiceObject
from bianmin.pagination import MAX_OFFSET

Word = Annotated[str, StringConstraints(min_length=1, max_length=50)]


class CatalogMaterialIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    required: bool = True
    form: MaterialForm = MaterialForm.ORIGINAL
    copies: int = Field(1, ge=1, le=99)
    source: str = Field("", max_length=200, description="Where the applicant gets it, e.g. 申请人自备.")


class CatalogContentIn(Schema):
    """The elements of an item (DESIGN §4.1), as an administrator writes them."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: ItemKind
    legal_basis: str = Field(min_length=1, max_length=10000)
    levels: list[Level] = Field(min_length=1, max_length=3, description="Where it is handled.")
    entrusted: str = Field("", max_length=200, description="The body entrusted to carry it out (委托), if any.")
    service_objects: list[ServiceObject] = Field(min_length=1, max_length=2)
    conditions: str = Field(min_length=1, max_length=10000)
    process: str = Field(min_length=1, max_length=10000)
    handling_forms: list[HandlingForm] = Field(
        min_length=1, max_length=3, description="`proxy`: a village cadre may file it on a villager's behalf."
    )
    legal_limit: int = Field(ge=0, le=3650, description="0: done on the spot.")
    legal_limit_unit: LimitUnit
    promised_limit: int = Field(ge=0, le=3650)
    promised_limit_unit: LimitUnit
    trips: int = Field(ge=0, le=20, description="Trips to a hall the citizen must make.")
    charges: bool = False
    fee_basis: str = Field("", max_length=2000)
    place: str = Field(min_length=1, max_length=300)
    hours: str = Field(min_length=1, max_length=300)
    consult_phone: str = Field(min_length=1, max_length=30)
    complaint_phone: str = Field(min_length=1, max_length=30)
    delegated_down: bool = False
    joint_handling: bool = Field(
        False,
        description="Several departments decide it together (联合办理): a legal limit of at most 45 working days "
        "(APPLICATION_JOINT_DAYS).",
    )
    life_events: list[LifeEvent] = Field(default_factory=list, max_length=14)
    aliases: list[Word] = Field(default_factory=list, max_length=20, description="Colloquial names (俗称).")
    keywords: list[Word] = Field(default_factory=list, max_length=20)
    materials: list[CatalogMaterialIn] = Field(
        default_factory=list,
        max_length=100,
        description="Files of a material of the same name in the current version are kept.",
    )


class CatalogItemCreate(CatalogContentIn):
    basic_code: str = Field(min_length=12, max_length=12, description="基本编码.")
    code: str = Field(min_length=12, max_length=40, description="实施编码.")
    unit: str = Field(min_length=1, max_length=32, description="Code of the implementing unit.")


class CatalogItemUpdate(CatalogContentIn):
    version: int = Field(ge=1, description="The version the edit starts from (optimistic lock).")
    unit: str | None = Field(None, min_length=1, max_length=32, description="A new implementing unit.")
    active: bool | None = Field(None, description="false takes the item out of the guide.")


class CatalogUnit(Schema):
    code: str
    name: str


class CatalogLimit(Schema):
    value: int
    unit: LimitUnit
    label: str


class CatalogMaterialOut(Schema):
    position: int
    name: str
    required: bool
    form: MaterialForm
    form_label: str
    copies: int
    source: str
    blank_form_url: str | None
    sample_url: str | None


class CatalogItemSummary(Schema):
    basic_code: str
    code: str
    name: str
    kind: ItemKind
    kind_label: str
    unit: CatalogUnit
    levels: list[Level]
    handling_forms: list[HandlingForm]
    life_events: list[LifeEvent]
    delegated_down: bool
    joint_handling: bool = Field(description="Several departments decide it together (联合办理).")
    proxy: bool = Field(description="A village cadre may file it on a villager's behalf (代办).")
    legal_limit: CatalogLimit
    promised_limit: CatalogLimit
    trips: int
    version: int
    active: bool
    url: str = Field(description="The guide page.")


class CatalogItemDetail(CatalogItemSummary):
    legal_basis: str
    entrusted: str
    service_objects: list[ServiceObject]
    conditions: str
    process: str
    charges: bool
    fee_basis: str
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    aliases: list[str]
    keywords: list[str]
    materials: list[CatalogMaterialOut]
    version_created_at: datetime


class CatalogItemPage(Schema):
    items: list[CatalogItemSummary]
    count: int


class CatalogItemFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Words in Chinese, colloquial ones too (吃低保).")
    level: Level | None = None
    life_event: LifeEvent | None = None
    unit: str | None = Field(None, max_length=32, description="Code of the implementing unit.")
    proxy: bool | None = Field(None, description="Only items a village cadre may file (true) or may not (false).")


class CatalogPage(Schema):
    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
