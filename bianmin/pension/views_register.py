"""The register's Excel pages: export (masked where the reader does not certify), and the import with its
report of bad rows; a large file is imported after the response, the page polling its progress."""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import close_old_connections
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bianmin.org.models import Unit
from bianmin.org.permissions import Permission
from bianmin.pension import services
from bianmin.pension.excel import ImportResult, export_register, import_register
from bianmin.pension.models import ImportJob, Pensioner
from bianmin.pension.reports import pension_report
from bianmin.pension.reports_excel import export_report
from bianmin.pension.views import _user, forbidden, period

log = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 40 * 1024 * 1024
# Files up to this size are imported within the request (a few thousand rows: a second or two); larger ones
# after it, in a thread of the worker, with their progress on the page.
INLINE_BYTES = 256 * 1024


def run_job(pk: int) -> None:
    """Import the job's file, saving its progress every batch (the page polls `job_status`)."""
    job = ImportJob.objects.select_related("actor").get(pk=pk)

    def progress(stage: str, done: int, total: int) -> None:
        # A file beside the upload, not the job's row: the rows are written in one transaction, and an
        # update of the row inside it would stay unseen by the page polling from another worker.
        state = {"checked": done} if stage == "checking" else {"checked": done, "written": done, "rows": total}
        _progress_file(pk).parent.mkdir(parents=True, exist_ok=True)
        spare = _progress_file(pk).with_suffix(".tmp")
        spare.write_text(json.dumps(state))
        spare.replace(_progress_file(pk))

    result: ImportResult | None = None
    try:
        with job.file.open("rb") as handle:
            result = import_register(handle, actor=job.actor, skip_bad=job.skip_bad, progress=progress)
    except Exception:
        log.exception("pension import %s failed", pk)
    finally:
        seen: dict[str, int] = {}
        with contextlib.suppress(OSError, ValueError):
            seen = json.loads(_progress_file(pk).read_text())
        # The register holds personal data: the file is deleted once read, whatever the outcome.
        services.close_import(job, result, checked=seen.get("checked", 0), written=seen.get("written", 0))
        _progress_file(pk).unlink(missing_ok=True)


def _progress_file(pk: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "pension" / "imports" / f"{pk}.progress.json"


def _in_thread(pk: int) -> None:
    try:
        run_job(pk)
    finally:
        close_old_connections()


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.PENSION_MANAGE)
    if user is None:
        return forbidden(request)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not (upload.name or "").lower().endswith(".xlsx"):
            errors = [_("Choose an Excel file (.xlsx).")]
        elif upload.size is None or upload.size > IMPORT_MAX_BYTES:
            errors = [_("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}]
        else:
            job = services.open_import(actor=user, upload=upload, skip_bad=request.POST.get("skip_bad") == "1")
            if upload.size <= INLINE_BYTES:
                run_job(job.pk)
            else:
                threading.Thread(target=_in_thread, args=(job.pk,), daemon=True).start()
            return HttpResponseRedirect(reverse("pension:import_job", args=[job.pk]))
    count = Pensioner.objects.restrict(user, Permission.PENSION_MANAGE).count()
    return render(request, "pension/register.html", {"errors": errors, "count": count})


def _job(request: HttpRequest, pk: int) -> ImportJob | None:
    return ImportJob.objects.filter(pk=pk, actor_id=request.user.pk).first()


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job is None:
        return render(request, "pension/not_found.html", status=404)
    return render(request, "pension/import_job.html", {"job": job})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job is None:
        return JsonResponse({"code": "not_found"}, status=404)
    body: dict[str, Any] = {"state": job.state, "checked": job.checked, "written": job.written, "rows": job.rows}
    if job.state == ImportJob.State.RUNNING and _progress_file(pk).exists():
        with contextlib.suppress(OSError, ValueError):  # replaced or removed as we read it: the next poll sees it
            body.update(json.loads(_progress_file(pk).read_text()))
    return JsonResponse(body)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    export_register(Pensioner.objects.restrict(user, Permission.PENSION_VIEW), user, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"pensioners-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponseBase:
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    start, end, _error = period(request)
    code = request.GET.get("unit", "")
    unit = Unit.objects.restrict(user, Permission.PENSION_VIEW).filter(code=code).first() if code else None
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    export_report(pension_report(user, start, end, unit), handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"pension-report-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
