"""Units and users under /api/v1/: reads go through `restrict`, writes through the services."""

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org import services
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Membership, Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import UnitCreate, UnitOut, UnitPatch, UserCreate, UserOut
from bianmin.pagination import Pagination

router = Router(tags=["org"])


def actor(request: HttpRequest) -> User:
    """The authenticated caller (every route of this router requires authentication)."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def _units(request: HttpRequest, action: Permission) -> QuerySet[Unit]:
    return (
        Unit.objects.restrict(actor(request), action)
        .select_related("parent")
        .prefetch_related(Prefetch("covers", queryset=Unit.objects.only("id", "code")))
    )


def _unit_by_code(code: str, field: str, *, within: QuerySet[Unit]) -> Unit:
    """A unit named in a request body, looked up in a scoped queryset: unknown and out-of-scope codes
    get the same answer."""
    unit = within.filter(code=code).first()
    if unit is None:
        raise InvalidInput({field: _("No unit with code %(code)s in your scope.") % {"code": code}})
    return unit


def _covers(request: HttpRequest, codes: list[str]) -> list[Unit]:
    visible = Unit.objects.restrict(actor(request), Permission.UNIT_CHANGE)
    found = {u.code: u for u in visible.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise InvalidInput({"covers": _("No unit with code %(code)s in your scope.") % {"code": missing[0]}})
    return [found[code] for code in codes]


@router.get("/units", response={200: list[UnitOut], **error_responses()}, summary="List units in your scope")
@paginate(Pagination)
def list_units(
    request: HttpRequest,
    kind: UnitKind | None = None,
    parent: str | None = None,
    q: str | None = None,
    active: bool | None = None,
) -> QuerySet[Unit]:
    units = _units(request, Permission.UNIT_VIEW)
    if kind is not None:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent__code=parent)
    if q:
        units = units.filter(Q(name__contains=q) | Q(code__startswith=q))
    if active is not None:
        units = units.filter(is_active=active)
    return units.order_by("path")


@router.post("/units", response={201: UnitOut, **error_responses(400, 403)}, summary="Create a unit (administrators)")
def create_unit(request: HttpRequest, payload: UnitCreate) -> Status[Unit]:
    parent = None
    if payload.parent is not None:
        parent = _unit_by_code(
            payload.parent, "parent", within=Unit.objects.restrict(actor(request), Permission.UNIT_VIEW)
        )
    unit = services.create_unit(
        actor=actor(request),
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        phone=payload.phone,
        address=payload.address,
        covers=_covers(request, payload.covers),
    )
    return Status(201, _units(request, Permission.UNIT_VIEW).get(pk=unit.pk))


@router.get("/units/{code}", response={200: UnitOut, **error_responses(404)}, summary="Read a unit")
def get_unit(request: HttpRequest, code: str) -> Unit:
    unit = _units(request, Permission.UNIT_VIEW).filter(code=code).first()
    if unit is None:
        raise NotFound(_("No such unit in your scope."))
    return unit


@router.patch(
    "/units/{code}",
    response={200: UnitOut, **error_responses(400, 403, 404)},
    summary="Change or move a unit (administrators)",
)
def update_unit(request: HttpRequest, code: str, payload: UnitPatch) -> Unit:
    unit = Unit.objects.restrict(actor(request), Permission.UNIT_CHANGE).filter(code=code).first()
    if unit is None:
        raise NotFound(_("No such unit in your scope."))
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True)
    if "parent" in changes and changes["parent"] is not None:
        changes["parent"] = _unit_by_code(
            changes["parent"], "parent", within=Unit.objects.restrict(actor(request), Permission.UNIT_VIEW)
        )
    if "covers" in changes:
        changes["covers"] = _covers(request, changes["covers"] or [])
    for field in ("code", "name", "kind", "phone", "address", "is_active"):
        if field in changes and changes[field] is None:
            raise InvalidInput({field: _("This field cannot be null.")})
    services.update_unit(unit, actor=actor(request), **changes)
    return _units(request, Permission.UNIT_VIEW).get(pk=unit.pk)


def _users(request: HttpRequest) -> QuerySet[User]:
    caller = actor(request)
    changeable = User.objects.restrict(caller, Permission.USER_CHANGE).values("pk")
    return (
        User.objects.restrict(caller, Permission.USER_VIEW)
        .annotate(
            phone_visible=ExpressionWrapper(Q(pk__in=changeable) | Q(pk=caller.pk), output_field=BooleanField())
            if not caller.is_superuser
            else Value(True)
        )
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("id")))
    )


@router.get("/users", response={200: list[UserOut], **error_responses()}, summary="List people in your scope")
@paginate(Pagination)
def list_users(
    request: HttpRequest, unit: str | None = None, role: Role | None = None, q: str | None = None
) -> QuerySet[User]:
    users = _users(request)
    if unit is not None or role is not None:
        held = Membership.objects.all()
        if unit is not None:
            held = held.filter(unit__code=unit)
        if role is not None:
            held = held.filter(role=role)
        users = users.filter(pk__in=held.values("user_id"))
    if q:
        users = users.filter(Q(username__startswith=q) | Q(display_name__contains=q))
    return users.order_by("username")


@router.post(
    "/users",
    response={201: UserOut, **error_responses(400, 403)},
    summary="Create a person with their roles (administrators)",
)
def create_user(request: HttpRequest, payload: UserCreate) -> Status[User]:
    scope = Unit.objects.restrict(actor(request), Permission.UNIT_VIEW)
    memberships = [(_unit_by_code(m.unit, "memberships", within=scope), m.role.value) for m in payload.memberships]
    user = services.create_user(
        actor=actor(request),
        username=payload.username,
        password=payload.password,
        display_name=payload.display_name,
        phone=payload.phone,
        employment_type=payload.employment_type,
        memberships=memberships,
    )
    return Status(201, _users(request).get(pk=user.pk))


@router.get("/users/{username}", response={200: UserOut, **error_responses(404)}, summary="Read a person")
def get_user(request: HttpRequest, username: str) -> User:
    user = _users(request).filter(username=username).first()
    if user is None:
        raise NotFound(_("No such user in your scope."))
    return user


@router.get("/me", response={200: UserOut, **error_responses()}, summary="The caller, with their roles")
def me(request: HttpRequest) -> User:
    return _users(request).get(pk=actor(request).pk)
