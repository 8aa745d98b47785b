"""Cases for staff under /api/v1/cases: intake, the scoped list, detail, and the workflow's actions."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.params.functions import Header
from pydantic import Field

from bianmin.cases import sla
from bianmin.cases.choices import OPEN_STATUSES, CaseStatus, DueWarning
from bianmin.cases.models import Case, CaseEvent, Category
from bianmin.cases.schemas import ActionIn, CaseDetail, CaseFilters, CaseIn, CaseItem
from bianmin.cases.services import allowed_actions, create_case, perform, transitions_for
from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone
from bianmin.org.scope import scope_paths, subtree_q
from bianmin.pagination import MAX_OFFSET
from bianmin.workdays.services import current_calendar, schedule_warning

router = Router(tags=["cases"])


class CasePage(Schema):
    items: list[CaseItem]
    count: int


class Page(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Presenter:
    """Turns cases into API bodies for one caller: warning colours and phone masking, no extra queries."""

    def __init__(self, user: User) -> None:
        self.now = timezone.now()
        self.calendar = current_calendar()
        full = [scope_paths(user, p) for p in (Permission.CASE_HANDLE, Permission.CASE_SUPERVISE)]
        self.everywhere = any(paths is None for paths in full)
        self.paths = tuple(path for paths in full if paths for path in paths)
        self.user = user

    def sees_phone(self, case: Case) -> bool:
        return self.everywhere or case.citizen_id == self.user.pk or case.unit.path.startswith(self.paths)

    def item(self, case: Case) -> dict[str, Any]:
        return {
            "number": case.number,
            "title": case.title,
            "kind": case.kind,
            "channel": case.channel,
            "urgency": case.urgency,
            "status": case.status,
            "status_label": str(CaseStatus(case.status).label),
            "unit": {"code": case.unit.code, "name": case.unit.name},
            "village": {"code": case.village.code, "name": case.village.name} if case.village else None,
            "category": case.category.code if case.category else None,
            "analysis_level": case.analysis_level,
            "handler": case.handler.username if case.handler else None,
            "citizen_name": case.citizen_name,
            "citizen_phone": case.citizen_phone if self.sees_phone(case) else mask_phone(case.citizen_phone),
            "received_at": case.received_at,
            "due_at": case.due_at,
            "warning": sla.warning(
                case.due_at, self.now, paused=case.status == CaseStatus.PAUSED, calendar=self.calendar
            )
            if case.status in OPEN_STATUSES
            else DueWarning.NONE,
            "supervise_count": case.supervise_count,
            "version": case.version,
        }

    def detail(self, case: Case) -> dict[str, Any]:
        labels = {t.action: str(t.label) for t in transitions_for(case).values()}
        events = CaseEvent.objects.filter(case=case).select_related("actor", "from_unit", "to_unit").order_by("seq")
        body = self.item(case)
        body.update(
            content=case.content,
            address=case.address,
            citizen_id_number=case.citizen_id_number if self.sees_phone(case) else "",
            assist_units=[{"code": u.code, "name": u.name} for u in case.assist_units.all()],
            classification=case.classification.name if case.classification else None,
            master=case.master.number if case.master else None,
            accepted_at=case.accepted_at,
            level_due_at=case.level_due_at,
            paused_at=case.paused_at,
            reply=case.reply,
            replied_at=case.replied_at,
            completed_at=case.completed_at,
            completed_on_time=case.completed_on_time,
            rating=case.rating,
            rating_comment=case.rating_comment,
            transfer_count=case.transfer_count,
            reopen_count=case.reopen_count,
            events=[
                {
                    "seq": e.seq,
                    "at": e.at,
                    "action": e.action,
                    "action_label": labels.get(e.action, str(_("Registered"))),
                    "actor": str(e.actor) if e.actor else None,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "from_unit": e.from_unit.name if e.from_unit else None,
                    "to_unit": e.to_unit.name if e.to_unit else None,
                    "note": e.note,
                    "data": e.data,
                }
                for e in events
            ],
            actions=[
                {"action": t.action, "label": str(t.label), "required": list(t.required)}
                for t in allowed_actions(case, self.user)
            ],
            calendar_warning=schedule_warning(sla.local_date(case.received_at), sla.local_date(case.due_at))
            if case.due_at
            else None,
        )
        return body


def _cases(user: User) -> QuerySet[Case]:
    return Case.objects.restrict(user, Permission.CASE_VIEW).select_related(
        "unit", "village", "category", "handler", "classification", "master"
    )


def _case(user: User, number: str) -> Case:
    case = _cases(user).filter(number=number).first()
    if case is None:
        raise NotFound(_("No such case in your scope."))
    return case


def _visible_unit(user: User, code: str | None, field: str) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.restrict(user, Permission.UNIT_VIEW).filter(code=code).first()
    if unit is None:
        unit = Unit.objects.filter(code=code, kind__in=("village", "community")).first() if field == "village" else None
    if unit is None:
        raise InvalidInput({field: _("No unit with code %(code)s in your scope.") % {"code": code}})
    return unit


@router.post(
    "/cases", response={201: CaseDetail, 200: CaseDetail, **error_responses(400, 403)}, summary="Take in a case"
)
def create(
    request: HttpRequest, payload: CaseIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> Status[dict[str, Any]]:
    user = actor(request)
    category = None
    if payload.category:
        category = Category.objects.filter(code=payload.category, is_active=True).first()
        if category is None:
            raise InvalidInput({"category": _("Select a valid choice.")})
    case, created = create_case(
        actor=user,
        channel=payload.channel,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        citizen_name=payload.citizen_name,
        citizen_phone=payload.citizen_phone,
        citizen_id_number=payload.citizen_id_number,
        village=_visible_unit(user, payload.village, "village"),
        category=category,
        urgency=payload.urgency,
        address=payload.address,
        idempotency_key=(idempotency_key or "")[:100],
    )
    return Status(201 if created else 200, Presenter(user).detail(_case(user, case.number)))


@router.get("/cases", response={200: CasePage, **error_responses()}, summary="Cases in your scope, by due time")
def list_cases(request: HttpRequest, filters: Query[CaseFilters], page: Query[Page]) -> dict[str, Any]:
    user = actor(request)
    cases = _cases(user)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.unit:
        unit = _visible_unit(user, filters.unit, "unit")
        assert unit is not None  # noqa: S101 (a code was given)
        cases = cases.filter(subtree_q([unit.path], "unit__path"))
    if filters.category:
        cases = cases.filter(category__code=filters.category)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    now = timezone.now()
    open_running = Q(status__in=OPEN_STATUSES - {CaseStatus.PAUSED})
    if filters.overdue is not None:
        overdue = open_running & Q(due_at__lt=now)
        cases = cases.filter(overdue) if filters.overdue else cases.exclude(overdue)
    if filters.supervised is not None:
        cases = cases.filter(supervise_count__gt=0) if filters.supervised else cases.filter(supervise_count=0)
    if filters.q:
        cases = cases.filter(Q(number=filters.q) | Q(title__contains=filters.q) | Q(content__contains=filters.q))
    if filters.received_from:
        cases = cases.filter(received_at__gte=datetime.combine(filters.received_from, time(), tzinfo=sla.SHANGHAI))
    if filters.received_to:
        end = datetime.combine(filters.received_to + timedelta(days=1), time(), tzinfo=sla.SHANGHAI)
        cases = cases.filter(received_at__lt=end)
    presenter = Presenter(user)
    rows = cases.order_by("due_at", "number")[page.offset : page.offset + page.limit]
    return {"items": [presenter.item(case) for case in rows], "count": cases.count()}


@router.get("/cases/{number}", response={200: CaseDetail, **error_responses(404)}, summary="A case with its history")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user = actor(request)
    return Presenter(user).detail(_case(user, number))


@router.post(
    "/cases/{number}/actions/{action}",
    response={200: CaseDetail, **error_responses(403, 404, 409)},
    summary="Take an action of the case's workflow",
)
def act(request: HttpRequest, number: str, action: str, payload: ActionIn) -> dict[str, Any]:
    user = actor(request)
    case = _case(user, number)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    done = perform(case, action, actor=user, version=payload.version, **fields)
    return Presenter(user).detail(_case(user, done.number))
