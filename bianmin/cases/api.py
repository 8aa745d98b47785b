"""Cases for staff under /api/v1/cases: intake, the scoped list, detail, and the workflow's actions."""

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params.functions import Header
from pydantic import Field

from bianmin.cases import store
from bianmin.cases.applications.intake import create_application
from bianmin.cases.applications.notices import notice_response
from bianmin.cases.attachments import add_attachment
from bianmin.cases.choices import CaseKind, CaseStatus
from bianmin.cases.models import Case, CaseDocument, Category
from bianmin.cases.presenters import Presenter, attachment_body
from bianmin.cases.queries import analysis_counts, is_case_number, search_cases, visible_case_by_number
from bianmin.cases.schemas import ActionIn, AttachmentRef, CaseDetail, CaseFilters, CaseIn, CaseItem, SimilarOut
from bianmin.cases.services import create_case, perform
from bianmin.catalog.models import ServiceItem
from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org.api import actor
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope, kept_unit_by_code
from bianmin.pagination import MAX_OFFSET
from bianmin.schemas import Plain, ShanghaiTimes

router = Router(tags=["cases"])
# A case number as the platform gives them (20261206-00042); documented so that a client, and the fuzzer, can
# tell GET /cases/{number} from the fixed routes beside it (/cases/analysis).
CaseNumber = Annotated[str, Field(pattern=r"^\d{8}-\d{5,}$", description="The case number, e.g. 20261206-00042.")]


# What a list item shows (`Presenter.item`), no more: each join of the detail's `_related` costs.
LISTED = ("unit", "village", "category", "handler")
# Counting every match of a broad scope at a million cases costs a scan; past this many, lists say "more"
# (1,000+), as search engines do: a person pages through a few dozen, and the reports give exact totals. At a
# million cases a count up to 10,001 was most of an ordinary client's database time (bench/RESULTS.md).
COUNT_CAP = 1_000


class CasePage(Plain):
    items: list[CaseItem]
    count: int = Field(description=f"Matching cases, counted up to {COUNT_CAP:,}.")
    count_capped: bool = Field(description=f"True when more than {COUNT_CAP:,} cases match (count is then the cap).")


class Page(Plain):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _related(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("unit", "village", "category", "handler", "classification", "master")


def _cases(user: User) -> QuerySet[Case]:
    return _related(Case.objects.restrict(user, Permission.CASE_VIEW))


def _case(user: User, number: str) -> Case:
    case = _cases(user).filter(number=number).first()
    if case is None:
        raise NotFound(_("No such case in your scope."))
    return case


PREFER_MINIMAL = "Prefer: return=minimal"
WRITE_ANSWER = (
    f"The case as the caller now sees it, with its history. With `{PREFER_MINIMAL}` (RFC 7240) only its number, "
    "version, status and deadline, without a second read: what a program needs for its next call."
)


def _written(request: HttpRequest, user: User, case: Case, status: int = 200) -> Status[dict[str, Any]] | JsonResponse:
    """The answer to a write: the full detail, or with `Prefer: return=minimal` the case's reference."""
    if "return=minimal" not in request.headers.get("Prefer", ""):
        return Status(status, Presenter(user).detail(case))  # the case as written: nothing read again
    body = {
        "number": case.number,
        "version": case.version,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "due_at": case.due_at,
    }
    # Readable and in the API's time zone, as its other answers (the renderer's encoder).
    response = JsonResponse(body, status=status, encoder=ShanghaiTimes, json_dumps_params={"ensure_ascii": False})
    response["Preference-Applied"] = "return=minimal"
    return response


def _visible_unit(user: User, code: str | None, field: str) -> Unit | None:
    if code is None:
        return None
    unit = kept_unit_by_code(user, code)
    if unit is not None and not in_scope(user, Permission.UNIT_VIEW, unit.path):
        # Outside the caller's scope, a matter may still concern any active village (public knowledge).
        unit = unit if field == "village" and unit.kind in PLACE_KINDS and unit.is_active else None
    if unit is None:
        raise InvalidInput({field: _("No unit with code %(code)s in your scope.") % {"code": code}})
    return unit


@router.post(
    "/cases",
    response={201: CaseDetail, 200: CaseDetail, **error_responses(400, 403)},
    summary="Take in a case",
    description=WRITE_ANSWER,
)
def create(
    request: HttpRequest, payload: CaseIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> Status[dict[str, Any]] | JsonResponse:
    user = actor(request)
    key = (idempotency_key or "")[:100]
    if payload.kind == CaseKind.APPLICATION:
        item = ServiceItem.objects.select_related("current__unit").filter(code=payload.item).first()
        case, created = create_application(
            actor=user,
            item=item if payload.item else None,
            channel=payload.channel,
            citizen_name=payload.citizen_name,
            citizen_phone=payload.citizen_phone,
            citizen_id_number=payload.citizen_id_number,
            village=_visible_unit(user, payload.village, "village"),
            content=payload.content,
            address=payload.address,
            idempotency_key=key,
        )
        return (
            _written(request, user, case, 201)
            if created
            else Status(200, Presenter(user).detail(_case(user, case.number)))
        )
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
        idempotency_key=key,
        submitted=not payload.accept,
    )
    # A retried request gets the first call's case, as far as the caller may still see it.
    return (
        _written(request, user, case, 201) if created else Status(200, Presenter(user).detail(_case(user, case.number)))
    )


@router.get("/cases", response={200: CasePage, **error_responses()}, summary="Cases in your scope, by due time")
def list_cases(request: HttpRequest, filters: Query[CaseFilters], page: Query[Page]) -> dict[str, Any]:
    user = actor(request)
    presenter = Presenter(user)
    if is_case_number(filters.q) and filters.model_fields_set <= {"q"}:  # a case looked up by its number
        case = visible_case_by_number(user, (filters.q or "").strip())
        shown = [case] if case is not None and page.offset == 0 else []
        return {"items": [presenter.item(c) for c in shown], "count": int(case is not None), "count_capped": False}
    # No joins here: the ids come from the workbench index, and the rows join only what an item shows.
    cases = search_cases(Case.objects.restrict(user, Permission.CASE_VIEW), user, filters)
    if is_case_number(filters.q):  # the unique index finds one case at most: read it at once
        found = list(cases.select_related(*LISTED)[:1])
        shown = found if page.offset == 0 else []
        return {"items": [presenter.item(case) for case in shown], "count": len(found), "count_capped": False}
    # The page's ids in order from the workbench index and the count up to the cap, in one pass over the index
    # (`store.page_of`); a page past the cap, for scripts walking a list, in two. Then the page's rows.
    ordered = cases.order_by("due_at", "number")
    if page.offset + page.limit <= COUNT_CAP:
        ids, count = store.page_of(ordered, page.offset, page.limit, COUNT_CAP + 1)
    else:
        ids = list(ordered.values_list("id", flat=True)[page.offset : page.offset + page.limit])
        count = cases.order_by().values("id")[: COUNT_CAP + 1].count()
    place = {pk: i for i, pk in enumerate(ids)}
    rows = sorted(store.read_listed("id", ids, user), key=lambda case: place[case.pk]) if ids else []
    return {
        "items": [presenter.item(case) for case in rows],
        "count": min(count, COUNT_CAP),
        "count_capped": count > COUNT_CAP,
    }


class LevelCount(Schema):
    level: str
    label: str
    solved: int
    being_solved: int


class AnalysisOut(Schema):
    levels: list[LevelCount]


@router.get(
    "/cases/analysis",
    response={200: AnalysisOut, **error_responses()},
    summary="Three-level analysis: solved and being solved",
)
def analysis(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user = actor(request)
    return {"levels": analysis_counts(search_cases(Case.objects.restrict(user, Permission.CASE_VIEW), user, filters))}


@router.get("/cases/{number}", response={200: CaseDetail, **error_responses(404)}, summary="A case with its history")
def get_case(request: HttpRequest, number: Path[CaseNumber]) -> dict[str, Any]:
    user = actor(request)
    return Presenter(user).detail(_case(user, number))


@router.get(
    "/cases/{number}/similar",
    response={200: list[SimilarOut], **error_responses(404)},
    summary="Open cases of the same village with similar text: candidates to merge",
    description="Among the cases the caller sees, received within 30 days of it; empty unless the caller handles "
    "or supervises the case and it is open. Searched when asked for, not with every answer.",
)
def similar(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    user = actor(request)
    return Presenter(user).similar(_case(user, number))


@router.post(
    "/cases/{number}/attachments",
    response={201: AttachmentRef, **error_responses(404, 413)},
    summary="Attach a file (photo, scan, recording) to a case",
)
def attach(request: HttpRequest, number: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    user = actor(request)
    attachment = add_attachment(_case(user, number), actor=user, upload=file)
    return Status(201, attachment_body(attachment))


@router.get(
    "/cases/{number}/notices/{document_id}",
    response={200: None, **error_responses(404)},
    summary="A notice issued on the case (application/pdf)",
)
def notice(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    user = actor(request)
    found = CaseDocument.objects.select_related("case").filter(case=_case(user, number), pk=document_id).first()
    if found is None:
        raise NotFound(_("No such notice on this case."))
    return notice_response(found)


@router.post(
    "/cases/{number}/actions/{action}",
    response={200: CaseDetail, **error_responses(403, 404, 409)},
    summary="Take an action of the case's workflow",
    description=WRITE_ANSWER,
)
def act(request: HttpRequest, number: str, action: str, payload: ActionIn) -> Status[dict[str, Any]] | JsonResponse:
    user = actor(request)
    # `perform` finds the case by its number and decides visibility itself (404 outside the caller's scope).
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    done = perform(number, action, actor=user, version=payload.version, listed_only=True, **fields)
    return _written(request, user, done)
