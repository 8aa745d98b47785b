"""The pension JSON API under /api/v1/pension/: the working lists, a pensioner's record, certifications (the
hall's fast path by identity number), stopping, the schemes and the report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from bianmin.errors import InvalidInput, NotFound, PermissionDenied, error_responses
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.pension import services
from bianmin.pension.excel import import_register
from bianmin.pension.models import Pensioner, Scheme
from bianmin.pension.presenters import certification_row, detail, summary, working_list
from bianmin.pension.reports import MAX_DAYS, as_dict, pension_report
from bianmin.pension.schemas import (
    CertificationIn,
    CertifiedOut,
    HallCertificationIn,
    ImportOut,
    PensionerDetail,
    PensionerFilters,
    PensionerIn,
    PensionerPage,
    PensionerPatch,
    ReportFilters,
    ReportOut,
    SchemeOut,
    StopIn,
    StoppedOut,
)

router = Router(tags=["pension"])

LISTED = ("village", "scheme")


def scoped_unit(user: User, code: str | None, permission: Permission = Permission.PENSION_VIEW) -> Unit | None:
    """The unit named in a query or body, if it is in the caller's scope (else a field error, as an unknown one)."""
    if not code:
        return None
    unit = Unit.objects.restrict(user, permission).filter(code=code).first()
    if unit is None:
        raise InvalidInput({"unit": _("No unit with code %(code)s in your scope.") % {"code": code}})
    return unit


def visible(user: User, pk: int) -> Pensioner:
    found = Pensioner.objects.restrict(user, Permission.PENSION_VIEW).select_related(*LISTED).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such pensioner in your villages."))
    return found


def certified_body(done: services.Certified, user: User) -> dict[str, Any]:
    pensioner = done.pensioner  # as locked and written, its village and scheme read with it
    return {
        "certification": certification_row(done.certification),
        "pensioner": summary(pensioner, user),
        "resumed": done.resumed,
        "back_pay_months": done.back_pay_months,
    }


@router.get("/pensioners", response={200: PensionerPage, **error_responses()}, summary="A working list of pensioners")
def list_pensioners(request: HttpRequest, filters: Query[PensionerFilters]) -> dict[str, Any]:
    user = actor(request)
    rows = Pensioner.objects.restrict(user, Permission.PENSION_VIEW)
    unit = scoped_unit(user, filters.unit)
    if unit is not None:
        rows = rows.filter(village__in=Unit.objects.subtree(unit).values("id"))
    rows = working_list(rows, filters.list, q=filters.q)
    page = rows.select_related(*LISTED)[filters.offset : filters.offset + filters.limit]
    return {"items": [summary(p, user) for p in page], "count": rows.count()}


@router.post(
    "/pensioners",
    response={201: PensionerDetail, **error_responses(403, 409)},
    summary="Add a pensioner to a village's register",
)
def register(request: HttpRequest, payload: PensionerIn) -> Status[dict[str, Any]]:
    user = actor(request)
    village = scoped_unit(user, payload.village)
    scheme = Scheme.objects.filter(code=payload.scheme).first()
    if village is None or scheme is None:
        raise InvalidInput({"scheme": _("Unknown scheme.")} if village else {"village": _("Enter the village.")})
    created = services.register_pensioner(
        actor=user,
        village=village,
        name=payload.name,
        id_number=payload.id_number,
        scheme=scheme,
        phone=payload.phone,
        address=payload.address,
        needs_home_visit=payload.needs_home_visit,
        last_certified_on=payload.last_certified_on,
    )
    return Status(201, detail(visible(user, created.pk), user))


@router.get("/pensioners/{pk}", response={200: PensionerDetail, **error_responses(404)}, summary="A pensioner's record")
def get_pensioner(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = actor(request)
    return detail(visible(user, pk), user)


@router.patch(
    "/pensioners/{pk}",
    response={200: PensionerDetail, **error_responses(403, 404)},
    summary="Contact details and the home-visit flag",
)
def update(request: HttpRequest, pk: int, payload: PensionerPatch) -> dict[str, Any]:
    user = actor(request)
    services.update_pensioner(
        visible(user, pk),
        actor=user,
        phone=payload.phone,
        address=payload.address,
        needs_home_visit=payload.needs_home_visit,
    )
    return detail(visible(user, pk), user)


@router.post(
    "/pensioners/{pk}/certifications",
    response={201: CertifiedOut, **error_responses(403, 404, 409)},
    summary="Record a certification of a pensioner",
)
def certify(request: HttpRequest, pk: int, payload: CertificationIn) -> Status[dict[str, Any]]:
    user = actor(request)
    fields = payload.model_dump(exclude_none=True, exclude={"unit"})
    unit = services.certifying_unit(user, payload.unit, payload.method)
    done = services.certify(visible(user, pk), actor=user, unit=unit, **fields)
    return Status(201, certified_body(done, user))


@router.post(
    "/certifications",
    response={201: CertifiedOut, **error_responses(403, 404, 409)},
    summary="Record a certification by identity number (the hall's keyboard flow)",
    url_name="certify_by_id_number",
)
def certify_by_id_number(request: HttpRequest, payload: HallCertificationIn) -> Status[dict[str, Any]]:
    user = actor(request)
    number = payload.id_number.upper()
    found = (
        Pensioner.objects.restrict(user, Permission.PENSION_VIEW)
        .select_related(*LISTED)
        .filter(id_number=number)
        .first()
    )
    if found is None:
        raise NotFound(_("No pensioner with this identity number in your villages."))
    fields = payload.model_dump(exclude_none=True, exclude={"id_number", "unit"})
    unit = services.certifying_unit(user, payload.unit, payload.method)
    done = services.certify(found, actor=user, unit=unit, **fields)
    return Status(201, certified_body(done, user))


@router.post(
    "/pensioners/{pk}/stop",
    response={200: StoppedOut, **error_responses(403, 404, 409)},
    summary="Stop a pension (death, moving away, imprisonment, duplicate pension): months overpaid",
)
def stop(request: HttpRequest, pk: int, payload: StopIn) -> dict[str, Any]:
    user = actor(request)
    pensioner, months = services.stop_pensioner(
        visible(user, pk), actor=user, reason=payload.reason, ended_on=payload.ended_on, note=payload.note
    )
    return {"pensioner": summary(visible(user, pensioner.pk), user), "overpayment_months": months}


@router.get(
    "/schemes", response={200: list[SchemeOut], **error_responses()}, summary="Pension schemes and their cycles"
)
def schemes(request: HttpRequest) -> list[Scheme]:
    actor(request)
    return list(Scheme.objects.all())


@router.get("/report", response={200: ReportOut, **error_responses()}, summary="Certification figures for a period")
def report(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    user = actor(request)
    if filters.end < filters.start or (filters.end - filters.start).days > MAX_DAYS:
        raise InvalidInput({"end": _("The period must run forwards and last at most three years.")})
    return as_dict(pension_report(user, filters.start, filters.end, scoped_unit(user, filters.unit)))


IMPORT_MAX_BYTES = 40 * 1024 * 1024


@router.post(
    "/imports",
    response={200: ImportOut, **error_responses(403, 413)},
    summary="Import the register from a workbook (every row checked; nothing written on a problem unless skip_bad)",
    description="The social-insurance office's sheet: 姓名, 公民身份号码, 险种类型, 村（社区）代码 and optionally "
    "联系电话, 居住地址, 上次认证日期, 需上门认证. Idempotent on the identity number. Answered when done (100,000 rows: "
    "well under a minute); the page /pension/register/ shows the progress of long imports.",
)
def import_workbook(request: HttpRequest, file: File[UploadedFile], skip_bad: Form[bool] = False) -> dict[str, Any]:
    user = actor(request)
    if not Unit.objects.restrict(user, Permission.PENSION_MANAGE).exists():
        raise PermissionDenied(_("You may only manage the register of your own villages."))
    if (file.size or 0) > IMPORT_MAX_BYTES:
        raise InvalidInput({"file": _("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // 2**20}})
    result = import_register(file, actor=user, skip_bad=skip_bad)
    return {
        "written": result.written,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "certified": result.certified,
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in result.problems],
    }
