from ninja import Schema
from pydantic import ConfigDict, Field

from bianmin.org.choices import EmploymentType, Role, UnitKind
from bianmin.org.models import Membership, Unit, User


class UnitOut(Schema):
    code: str
    name: str
    kind: UnitKind
    kind_label: str
    parent: str | None
    depth: int
    phone: str
    address: str
    is_active: bool
    covers: list[str] = Field(description="For a resident work team: codes of the villages it covers.")

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(UnitKind(obj.kind).label)

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_covers(obj: Unit) -> list[str]:
        return [village.code for village in obj.covers.all()]


class UnitCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=32, description="Administrative-division code for regions.")
    name: str = Field(min_length=1, max_length=100)
    kind: UnitKind
    parent: str | None = Field(None, description="Code of the parent unit.")
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    covers: list[str] = Field(default_factory=list, max_length=500)


class UnitPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=2, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: UnitKind | None = None
    parent: str | None = Field(None, description="Code of the new parent: moves the unit and everything under it.")
    phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    is_active: bool | None = None
    covers: list[str] | None = Field(None, max_length=500)


class MembershipOut(Schema):
    unit: str
    unit_name: str
    role: Role
    role_label: str

    @staticmethod
    def resolve_unit(obj: Membership) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Membership) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return str(Role(obj.role).label)


class MembershipIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, max_length=32)
    role: Role


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class UserOut(Schema):
    username: str
    display_name: str
    phone: str = Field(description="Masked unless the caller may change this user.")
    employment_type: EmploymentType
    is_active: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_phone(obj: User) -> str:
        return obj.phone if getattr(obj, "phone_visible", False) else mask_phone(obj.phone) if obj.phone else ""

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.all())


class UserCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    employment_type: EmploymentType = EmploymentType.FORMAL
    memberships: list[MembershipIn] = Field(default_factory=list, max_length=50)
