"""The village-affairs JSON API under /api/v1/village/: publications and their actions, channels and questions;
decisions and their steps; projects, the ledger and conflict flags; the register; the township's report and
overdue list; and the public board's published records (no login)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from bianmin.errors import InvalidInput, NotFound, PermissionDenied, error_responses
from bianmin.org.api import actor
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.pagination import Pagination
from bianmin.village import decisions, presenters, projects, reports, services
from bianmin.village.choices import PublicationStatus
from bianmin.village.models import (
    CatalogueItem,
    ConflictFlag,
    Decision,
    Project,
    Publication,
    Relative,
)
from bianmin.village.schemas import (
    ActionIn,
    CatalogueChangeIn,
    CatalogueIn,
    ChannelIn,
    CharterIn,
    CompleteIn,
    DecisionIn,
    Detail,
    DisbursementIn,
    Filters,
    FlagCloseIn,
    Page,
    ProjectIn,
    PublicationFilters,
    PublicationIn,
    QuestionIn,
    RegisterIn,
    RelativeIn,
    ReportFilters,
    StartIn,
    StepIn,
)
from bianmin.village.shared import within

router = Router(tags=["village"])
MAX_REPORT_DAYS = 366 * 5


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def scoped_unit(user: User, code: str | None, permission: Permission, *, village: bool = False) -> Unit | None:
    """The unit named in a query or body if it is in the caller's scope for `permission` (else a field error, as
    an unknown one); `village`: it must be a village or community."""
    if not code:
        return None
    unit = Unit.objects.restrict(user, permission).filter(code=code).first()
    if unit is None or (village and unit.kind not in PLACE_KINDS):
        raise InvalidInput(
            {"village" if village else "unit": _("No village with code %(code)s in your scope.") % {"code": code}}
        )
    return unit


def scoped_village(user: User, code: str) -> Unit:
    """The village named in a body, in the caller's view (else a field error, as an unknown one)."""
    unit = scoped_unit(user, code, Permission.VILLAGE_VIEW, village=True)
    if unit is None:
        raise InvalidInput({"village": _("This field is required.")})
    return unit


def visible_publication(user: User, pk: int) -> Publication:
    found = (
        Publication.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("village", "current", "signed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such publication in your villages."))
    return found


def visible_decision(user: User, pk: int) -> Decision:
    found = Decision.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such decision in your villages."))
    return found


def visible_project(user: User, pk: int) -> Project:
    found = Project.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such project in your villages."))
    return found


def paged(rows: QuerySet[Any], page: Pagination.Input, present: Any) -> dict[str, Any]:
    """One page of `rows` within the platform's bounds on limit and offset, each row as `present` shows it."""
    items = rows[page.offset : page.offset + page.limit]
    return {"items": [present(r) for r in items], "count": rows.count()}


# -- publications ---------------------------------------------------------------------------------------------


@router.get("/publications", response={200: Page, **error_responses()}, summary="Publications of the villages in scope")
def list_publications(
    request: HttpRequest, filters: Query[PublicationFilters], page: Query[Pagination.Input]
) -> dict[str, Any]:
    user = actor(request)
    rows = within(
        Publication.objects.restrict(user, Permission.VILLAGE_VIEW),
        scoped_unit(user, filters.unit, Permission.VILLAGE_VIEW),
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.overdue:
        rows = services.overdue(rows, timezone.localdate())
    rows = rows.select_related("village", "current").order_by("-id")
    return paged(rows, page, presenters.publication_summary)


@router.post("/publications", response={201: Detail, **error_responses(403)}, summary="Draft a publication")
def draft(request: HttpRequest, body: PublicationIn) -> Status[dict[str, Any]]:
    user = actor(request)
    village = scoped_village(user, body.village)
    pub = services.draft_publication(
        actor=user, village=village, category=body.category, title=body.title, body=body.body
    )
    return Status(201, presenters.publication_detail(visible_publication(user, pub.pk), user, base_url(request)))


@router.get(
    "/publications/{pk}",
    response={200: Detail, **error_responses(404)},
    summary="A publication, its versions and history",
)
def get_publication(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = actor(request)
    return presenters.publication_detail(visible_publication(user, pk), user, base_url(request))


@router.post(
    "/publications/{pk}/actions",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Edit, sign, return, publish, correct or withdraw",
)
def publication_action(request: HttpRequest, pk: int, body: ActionIn) -> dict[str, Any]:
    user = actor(request)
    pub = visible_publication(user, pk)
    services.act(pub, body.action, actor=user, title=body.title, body=body.body, note=body.note)
    return presenters.publication_detail(visible_publication(user, pk), user, base_url(request))


@router.post(
    "/publications/{pk}/channels",
    response={201: Detail, **error_responses(403, 404, 409)},
    summary="Record that the published text went out through a channel",
)
def record_channel(request: HttpRequest, pk: int, body: ChannelIn) -> Status[dict[str, Any]]:
    user = actor(request)
    pub = visible_publication(user, pk)
    row = services.record_channel(pub, actor=user, channel=body.channel, place=body.place)
    return Status(201, {"id": row.pk, "channel": row.channel, "at": row.at, "version": row.version_id})


@router.post(
    "/publications/{pk}/questions",
    response={201: Detail, **error_responses(403, 404, 409)},
    summary="A villager's question taken down at the hall (becomes a case)",
)
def record_question(request: HttpRequest, pk: int, body: QuestionIn) -> Status[dict[str, Any]]:
    user = actor(request)
    pub = visible_publication(user, pk)
    if not in_scope(user, Permission.CASE_CREATE, pub.village.path):
        raise PermissionDenied(_("You may only take in cases for the units you serve."))
    case = services.ask_question(pub, actor=user, name=body.name, phone=body.phone, text=body.text)
    return Status(201, {"id": case.pk, "number": case.number, "due_at": case.due_at})


# -- decisions ------------------------------------------------------------------------------------------------


@router.get(
    "/decisions", response={200: Page, **error_responses()}, summary="Decisions (四议两公开) of the villages in scope"
)
def list_decisions(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    rows = within(
        Decision.objects.restrict(user, Permission.VILLAGE_VIEW),
        scoped_unit(user, filters.unit, Permission.VILLAGE_VIEW),
    )
    return paged(rows.select_related("village"), page, presenters.decision_row)


@router.post("/decisions", response={201: Detail, **error_responses(403)}, summary="Start a decision")
def start_decision(request: HttpRequest, body: DecisionIn) -> Status[dict[str, Any]]:
    user = actor(request)
    village = scoped_village(user, body.village)
    d = decisions.start_decision(
        actor=user,
        village=village,
        title=body.title,
        summary=body.summary,
        kind=body.kind,
        amount_fen=body.amount_fen,
        per_person_fen=body.per_person_fen,
    )
    return Status(201, presenters.decision_row(visible_decision(user, d.pk), steps=True))


@router.get("/decisions/{pk}", response={200: Detail, **error_responses(404)}, summary="A decision and its steps")
def get_decision(request: HttpRequest, pk: int) -> dict[str, Any]:
    return presenters.decision_row(visible_decision(actor(request), pk), steps=True)


@router.post(
    "/decisions/{pk}/steps",
    response={201: Detail, **error_responses(403, 404, 409)},
    summary="Record a meeting step; its validity is computed from the register",
)
def record_step(request: HttpRequest, pk: int, body: StepIn) -> Status[dict[str, Any]]:
    user = actor(request)
    d = visible_decision(user, pk)
    row = decisions.record_step(d, actor=user, **body.model_dump())
    return Status(201, presenters.step_row(row))


# -- projects and funds ---------------------------------------------------------------------------------------


@router.get("/projects", response={200: Page, **error_responses()}, summary="Projects of the villages in scope")
def list_projects(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    rows = within(
        Project.objects.restrict(user, Permission.VILLAGE_VIEW),
        scoped_unit(user, filters.unit, Permission.VILLAGE_VIEW),
    )
    listed = rows.select_related("village").annotate(open_flags=Count("flags", filter=Q(flags__closed_at__isnull=True)))
    return paged(listed, page, lambda p: presenters.project_row(p, user))


@router.post("/projects", response={201: Detail, **error_responses(403)}, summary="A project with its prior notice")
def create_project(request: HttpRequest, body: ProjectIn) -> Status[dict[str, Any]]:
    user = actor(request)
    fields = body.model_dump()
    village = scoped_village(user, fields.pop("village"))
    decision_id = fields.pop("decision")
    decision = visible_decision(user, decision_id) if decision_id else None
    p = projects.create_project(actor=user, village=village, decision=decision, **fields)
    return Status(201, presenters.project_row(visible_project(user, p.pk), user, full=True))


@router.get("/projects/{pk}", response={200: Detail, **error_responses(404)}, summary="A project, its ledger and flags")
def get_project(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = actor(request)
    return presenters.project_row(visible_project(user, pk), user, full=True)


@router.post("/projects/{pk}/start", response={200: Detail, **error_responses(403, 404, 409)}, summary="Start work")
def start_work(request: HttpRequest, pk: int, body: StartIn) -> dict[str, Any]:
    user = actor(request)
    projects.start_work(visible_project(user, pk), actor=user, on=body.on)
    return presenters.project_row(visible_project(user, pk), user, full=True)


@router.post(
    "/projects/{pk}/disbursements",
    response={201: Detail, **error_responses(403, 404, 409)},
    summary="Record a payment (never past the budget)",
)
def disburse(request: HttpRequest, pk: int, body: DisbursementIn) -> Status[dict[str, Any]]:
    user = actor(request)
    row = projects.disburse(visible_project(user, pk), actor=user, **body.model_dump())
    return Status(201, {"id": row.pk, **presenters.disbursement_row(row, True)})


@router.post(
    "/projects/{pk}/complete",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Complete the project: its completion notice is drafted",
)
def complete(request: HttpRequest, pk: int, body: CompleteIn) -> dict[str, Any]:
    user = actor(request)
    projects.complete_project(visible_project(user, pk), actor=user, on=body.on, summary=body.summary)
    return presenters.project_row(visible_project(user, pk), user, full=True)


@router.post(
    "/registers", response={201: Detail, **error_responses(403)}, summary="The village's register as of a date"
)
def add_register(request: HttpRequest, body: RegisterIn) -> Status[dict[str, Any]]:
    user = actor(request)
    fields = body.model_dump()
    village = scoped_village(user, fields.pop("village"))
    row = decisions.set_register(village, actor=user, as_of=fields.pop("as_of"), **fields)
    return Status(201, {"id": row.pk, "as_of": row.as_of})


@router.get("/catalogue", response={200: Page, **error_responses()}, summary="Publicity catalogue items in scope")
def list_catalogue(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    rows = within(
        CatalogueItem.objects.restrict(user, Permission.VILLAGE_VIEW),
        scoped_unit(user, filters.unit, Permission.VILLAGE_VIEW),
    )
    return paged(rows.select_related("village"), page, presenters.catalogue_row)


@router.post(
    "/catalogue", response={201: Detail, **error_responses(403)}, summary="Add an item to a village's catalogue"
)
def add_catalogue_item(request: HttpRequest, body: CatalogueIn) -> Status[dict[str, Any]]:
    user = actor(request)
    fields = body.model_dump()
    village = scoped_village(user, fields.pop("village"))
    item = services.add_catalogue_item(actor=user, village=village, **fields)
    return Status(201, presenters.catalogue_row(item))


def visible_item(user: User, pk: int) -> CatalogueItem:
    found = (
        CatalogueItem.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound(_("No such catalogue item in your villages."))
    return found


@router.put(
    "/catalogue/{pk}",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Change a catalogue item (a new cadence applies from the next period)",
)
def change_catalogue_item(request: HttpRequest, pk: int, body: CatalogueChangeIn) -> dict[str, Any]:
    user = actor(request)
    item = services.change_catalogue_item(visible_item(user, pk), actor=user, **body.model_dump())
    return presenters.catalogue_row(item)


@router.post(
    "/catalogue/{pk}/retire",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Retire a catalogue item: the schedule makes no more publications for it",
)
def retire_catalogue_item(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = actor(request)
    return presenters.catalogue_row(services.retire_catalogue_item(visible_item(user, pk), actor=user))


@router.post(
    "/catalogue/{pk}/reinstate",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Reinstate a retired catalogue item: the schedule makes its publications again from the current period",
)
def reinstate_catalogue_item(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = actor(request)
    return presenters.catalogue_row(services.reinstate_catalogue_item(visible_item(user, pk), actor=user))


@router.get(
    "/relatives",
    response={200: Page, **error_responses()},
    summary="Declared relatives (identity numbers masked unless you keep the village's records)",
)
def list_relatives(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    rows = within(
        Relative.objects.restrict(user, Permission.VILLAGE_VIEW),
        scoped_unit(user, filters.unit, Permission.VILLAGE_VIEW),
    )
    return paged(
        rows.select_related("village").order_by("village__path", "of_name", "id"),
        page,
        lambda r: presenters.relative_row(r, user),
    )


@router.post(
    "/relatives", response={201: Detail, **error_responses(403)}, summary="Declare a relative (conflict check)"
)
def declare_relative(request: HttpRequest, body: RelativeIn) -> Status[dict[str, Any]]:
    user = actor(request)
    fields = body.model_dump()
    village = scoped_village(user, fields.pop("village"))
    row = projects.declare_relative(actor=user, village=village, **fields)
    return Status(201, {"id": row.pk, "name": row.name, "relation": row.relation})


@router.post(
    "/charters", response={201: Detail, **error_responses(403, 409)}, summary="Adopt a version of rules or a charter"
)
def adopt_charter(request: HttpRequest, body: CharterIn) -> Status[dict[str, Any]]:
    user = actor(request)
    village = scoped_village(user, body.village)
    services.check(user, Permission.VILLAGE_CHANGE, village)
    # Any recorded meeting of the village in the caller's scope: `adopt_charter` says why one cannot adopt.
    step = decisions.steps(user, village).filter(pk=body.adopted_by).first()
    if step is None:
        raise InvalidInput({"adopted_by": _("No such meeting of this village.")})
    version = decisions.adopt_charter(
        actor=user, village=village, kind=body.kind, title=body.title, body=body.body, adopted_by=step
    )
    return Status(201, {"id": version.pk, "number": version.number, "publication": version.publication_id})


# -- supervision ----------------------------------------------------------------------------------------------


def supervised_unit(user: User, code: str | None) -> Unit | None:
    if not Unit.objects.restrict(user, Permission.VILLAGE_SUPERVISE).exists():
        raise PermissionDenied(_("Your role does not supervise village affairs."))
    return scoped_unit(user, code, Permission.VILLAGE_SUPERVISE)


@router.get("/report", response={200: Detail, **error_responses(403)}, summary="Timeliness, decisions, funds, flags")
def report(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    user = actor(request)
    unit = supervised_unit(user, filters.unit)
    if filters.end < filters.start or (filters.end - filters.start).days > MAX_REPORT_DAYS:
        raise InvalidInput({"end": _("The period must end after it starts and last at most five years.")})
    p = Permission.VILLAGE_SUPERVISE
    r = reports.village_report(
        within(Publication.objects.restrict(user, p), unit),
        Unit.objects.restrict(user, p),
        filters.start,
        filters.end,
        timezone.localdate(),
    )
    reports.add_other_figures(
        r,
        within(Decision.objects.restrict(user, p), unit),
        within(Project.objects.restrict(user, p), unit),
        within(ConflictFlag.objects.restrict(user, p), unit),
    )
    return {
        "id": 0,
        "start": r.start,
        "end": r.end,
        "total": {**vars(r.total), "rate": r.total.rate},
        "townships": [{**vars(t), "rate": t.rate} for t in r.townships],
        "villages": [{**vars(t), "rate": t.rate} for t in r.villages],
        "decisions": r.decisions,
        "meetings": r.steps,
        "funds": r.funds,
        "open_flags": r.flags,
    }


@router.get("/overdue", response={200: Page, **error_responses(403)}, summary="Publications due and not published")
def overdue(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    unit = supervised_unit(user, filters.unit)
    rows = reports.overdue_list(
        within(Publication.objects.restrict(user, Permission.VILLAGE_SUPERVISE), unit), timezone.localdate()
    )
    return paged(rows.select_related("current"), page, presenters.publication_summary)


@router.get("/flags", response={200: Page, **error_responses(403)}, summary="Open conflict-of-interest flags")
def flags(request: HttpRequest, filters: Query[Filters], page: Query[Pagination.Input]) -> dict[str, Any]:
    user = actor(request)
    unit = supervised_unit(user, filters.unit)
    rows = within(ConflictFlag.objects.restrict(user, Permission.VILLAGE_SUPERVISE), unit).filter(
        closed_at__isnull=True
    )
    return paged(rows.select_related("case", "project", "village"), page, presenters.flag_row)


@router.post(
    "/flags/{pk}/close",
    response={200: Detail, **error_responses(403, 404, 409)},
    summary="Close a conflict-of-interest flag with the township's finding and reason",
)
def close_flag(request: HttpRequest, pk: int, body: FlagCloseIn) -> dict[str, Any]:
    user = actor(request)
    flag = ConflictFlag.objects.restrict(user, Permission.VILLAGE_VIEW).filter(pk=pk).first()
    if flag is None:
        raise NotFound(_("No such flag in your villages."))
    projects.close_flag(flag, actor=user, outcome=body.outcome, reason=body.reason)
    closed = (
        ConflictFlag.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("case", "project", "village", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if closed is None:
        raise NotFound(_("No such flag in your villages."))
    return presenters.flag_row(closed)


# -- the public board (no login) -----------------------------------------------------------------------------


def public_rows(code: str) -> QuerySet[Publication]:
    village = Unit.objects.places().filter(code=code).first()
    if village is None:
        raise NotFound(_("No such village."))
    return (
        # A notice being corrected keeps its published version up until the new one is out.
        Publication.objects.filter(village=village, current__isnull=False)
        .exclude(status=PublicationStatus.WITHDRAWN)
        .select_related("village", "current")
        .order_by("-first_published_on", "-id")
    )


@router.get(
    "/public/{code}/publications",
    auth=None,
    response={200: Page, **error_responses(404)},
    summary="A village's published notices (public)",
)
def public_list(request: HttpRequest, code: str, page: Query[Pagination.Input]) -> dict[str, Any]:
    def row(p: Publication) -> dict[str, Any]:
        version = p.current  # every published row has one
        if version is None:
            return {**presenters.publication_summary(p), "body": "", "sha256": ""}
        # The published text, not a correction's draft (its title may differ) nor its draft status.
        return {
            **presenters.publication_summary(p),
            "title": version.title,
            "status": PublicationStatus.PUBLISHED.value,
            "status_label": str(PublicationStatus.PUBLISHED.label),
            "body": version.body,
            "sha256": version.sha256,
        }

    return paged(public_rows(code), page, row)
