"""The guide (办事指南) for citizens, no login: browse by life event and level, search, an item's printable
page with a QR code to itself; and the administrators' Excel import and export."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bianmin.catalog.choices import CATALOG_CHANGE, Level, LifeEvent, MaterialFile
from bianmin.catalog.excel import ImportFailed, export_items, import_items
from bianmin.catalog.models import ItemMaterial, ServiceItem
from bianmin.catalog.presenters import detail, filter_items, summary
from bianmin.errors import DomainError
from bianmin.org.models import Unit, User

PAGE_SIZE = 20
MAX_QUERY = 100
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def _public(request: HttpRequest) -> Any:
    return ServiceItem.objects.restrict(request.user)


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    event = request.GET.get("event", "")
    event = event if event in LifeEvent.values else ""
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    proxy = request.GET.get("proxy") == "1"
    items = filter_items(_public(request), q=q, level=level, life_event=event, proxy=True if proxy else None)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    # Counts for the tiles from the facets column: one query, whatever the number of events.
    counts: Counter[str] = Counter()
    for facets in _public(request).values_list("facets", flat=True):
        counts.update(tag for tag in facets.split("|") if tag)
    keep = {k: v for k, v in (("q", q), ("event", event), ("level", level), ("proxy", "1" if proxy else "")) if v}
    context = {
        "q": q,
        "event": event,
        "event_label": LifeEvent(event).label if event else "",
        "level": level,
        "level_label": Level(level).label if level else "",
        "proxy": proxy,
        "filtered": bool(keep),
        "events": [(value, label, counts[f"event:{value}"]) for value, label in LifeEvent.choices],
        "levels": [(value, label, counts[f"level:{value}"]) for value, label in Level.choices],
        "proxy_count": counts["form:proxy"],
        "rows": [summary(item) for item in page.object_list],
        "page": page,
        "keep": "&".join(f"{k}={v}" for k, v in keep.items()),
        "examples": ["吃低保", "办残疾证", "盖房子", "生孩子", "养老保险"],
        "can_manage": _administrator(request) is not None,
    }
    return render(request, "catalog/guide.html", context)


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no script, no external image), scaled by CSS."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, title=url)


@require_GET
def item_page(request: HttpRequest, code: str) -> HttpResponse:
    item = (
        _public(request)
        .select_related("unit", "current")
        .prefetch_related(Prefetch("current__materials", queryset=ItemMaterial.objects.order_by("position")))
        .filter(code=code)
        .first()
    )
    if item is None:
        return render(request, "catalog/not_found.html", status=404)
    url = request.build_absolute_uri(reverse("catalog:item", args=[item.code]))
    context = {
        "item": detail(item),
        "events": [(value, LifeEvent(value).label) for value in item.current.life_events if value in LifeEvent.values]
        if item.current
        else [],
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 (segno's own SVG of our own URL; the title is escaped by segno)
        "page_url": url,
        "printed_at": timezone.localdate(),
    }
    return render(request, "catalog/item.html", context)


@require_GET
def material_file(request: HttpRequest, code: str, pk: int, which: str) -> HttpResponseBase:
    """A material's blank form or sample, of any version of an active item (old printed guides still work)."""
    material = ItemMaterial.objects.filter(pk=pk, version__item__code=code, version__item__active=True).first()
    stored = getattr(material, which) if material is not None and which in MaterialFile.values else None
    if material is None or not stored:
        return render(request, "catalog/not_found.html", status=404)
    suffix = Path(stored.name).suffix
    label = MaterialFile(which).label
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=f"{material.name}-{label}{suffix}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _administrator(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and Unit.objects.restrict(user, CATALOG_CHANGE).exists():
        return user
    return None


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Excel import and export of the catalogue for administrators (the items of the units they administer)."""
    user = _administrator(request)
    if user is None:
        return render(request, "catalog/forbidden.html", status=403)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not (upload.name or "").lower().endswith(".xlsx"):
            errors = [_("Choose an Excel file (.xlsx) exported from the catalogue.")]
        elif upload.size is None or upload.size > IMPORT_MAX_BYTES:
            errors = [_("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}]
        else:
            try:
                result = import_items(upload, actor=user)
            except ImportFailed as exc:
                errors = exc.problems
            except DomainError as exc:
                errors = [exc.describe()]
            else:
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return HttpResponseRedirect(reverse("catalog:manage"))
    items = ServiceItem.objects.restrict(user, CATALOG_CHANGE).select_related("unit").order_by("basic_code", "code")
    return render(request, "catalog/manage.html", {"items": items, "errors": errors})


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    user = _administrator(request)
    if user is None:
        return render(request, "catalog/forbidden.html", status=403)
    items = ServiceItem.objects.restrict(user, CATALOG_CHANGE)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    export_items(items, handle)
    handle.seek(0)
    name = f"service-catalogue-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name)
