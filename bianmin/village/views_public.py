"""The public side of village affairs, no login: a village's web board (mobile-first, by category, with its
history), one publication with its versions (what a paper sheet's QR code opens), the question form that
makes a case, the A4 PDF and the full-screen page for the village's electronic screen. Only published records;
no identity numbers, ever."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bianmin.errors import DomainError
from bianmin.org.models import Unit
from bianmin.throttle import allow, client_address
from bianmin.village import channels, presenters, services, store
from bianmin.village.choices import PublicationStatus, PublicityCategory
from bianmin.village.models import Publication
from bianmin.village.shared import field_errors

BOARD_SIZE = 30
SCREEN_SIZE = 12
SCREEN_SECONDS = 15
BOARD_CACHE_SECONDS = 300  # a worker's rendering, keyed by the ETag (so never stale)
BOARD_MAX_AGE = 60  # a phone or a proxy may keep the board a minute
# Questions from one address: enough for a family at one phone, not for a script filling the village's queue.
QUESTIONS_PER_HOUR = 10


def _village(code: str) -> Unit:
    village = Unit.objects.places().filter(code=code).only("id", "code", "name", "path").first()
    if village is None:
        raise Http404
    return village


def _shown(village: Unit) -> QuerySet[Publication]:
    """What the public may see: publications with a published version (withdrawn ones keep their history)."""
    return Publication.objects.filter(village=village, current__isnull=False).select_related("current")


def _on_board(village: Unit) -> QuerySet[Publication]:
    """What the board and the screen show: records with a published version that are not withdrawn. A notice
    being corrected is back in draft but its published version stays up until the new one is out."""
    return _shown(village).exclude(status=PublicationStatus.WITHDRAWN)


@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    """A village's board. Public and read by a crowd when a notice goes up: the page is a function of the
    village's published records (their count and last change), the category and the language, so that is its
    ETag, and each worker keeps the rendering under it: a visit costs two indexed reads and a lookup, and a
    phone that already has the page gets a 304."""
    state = store.board_state(code)
    if state is None:
        raise Http404
    category = request.GET.get("category", "")
    category = category if category in PublicityCategory.values else ""
    key = repr((request.get_host(), state, category, request.LANGUAGE_CODE))
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = cache.get(f"village:board:{etag}")
        if body is None:
            body = _render_board(request, state.unit(), category)
            cache.set(f"village:board:{etag}", body, BOARD_CACHE_SECONDS)
        response = HttpResponse(body)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BOARD_MAX_AGE}"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _render_board(request: HttpRequest, village: Unit, category: str) -> str:
    rows = _on_board(village).order_by("-first_published_on", "-id")
    if category:
        rows = rows.filter(category=category)
    withdrawn = _shown(village).filter(status=PublicationStatus.WITHDRAWN).order_by("-id")[:10]
    context = {
        "village": village,
        "rows": list(rows[:BOARD_SIZE]),
        "withdrawn": list(withdrawn),
        "categories": PublicityCategory.choices,
        "category": category,
    }
    return render_to_string("village/board.html", context, request=request)


def _publication(code: str, pk: int) -> Publication:
    village = _village(code)
    pub = _shown(village).filter(pk=pk).first()
    if pub is None:
        raise Http404
    pub.village = village
    return pub


@require_GET
def publication(request: HttpRequest, code: str, pk: int, number: int | None = None) -> HttpResponse:
    return _public_page(request, _publication(code, pk), number)


def _public_page(
    request: HttpRequest, pub: Publication, number: int | None = None, ask: dict[str, Any] | None = None
) -> HttpResponse:
    """A notice as published (one version when `number` is given); `ask` keeps a refused question with the
    messages at its fields."""
    versions = list(pub.versions.select_related("signed_by").order_by("-number"))
    shown = next((v for v in versions if v.number == number), None) if number is not None else pub.current
    if shown is None:
        raise Http404
    context = {
        "village": pub.village,
        "pub": pub,
        "version": shown,
        "paragraphs": [line for line in shown.body.splitlines() if line.strip()],
        "versions": versions,
        "latest": pub.current,
        "withdrawn": pub.status == PublicationStatus.WITHDRAWN,
        "ask": ask or {"values": {}, "errors": {}},
    }
    return render(request, "village/public_publication.html", context, status=400 if ask else 200)


@require_http_methods(["POST"])
def ask(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A villager's question on the notice: a case at the village, answered within 10 days. A refused one comes
    back with what was typed and a message at each field."""
    pub = _publication(code, pk)
    target = reverse("village:public_publication", args=[code, pk])
    if pub.status == PublicationStatus.WITHDRAWN:
        messages.error(request, _("This notice was withdrawn; questions go to the village hall."))
        return HttpResponseRedirect(target)
    if not allow("village-question", client_address(request), limit=QUESTIONS_PER_HOUR, window=timedelta(hours=1)):
        messages.error(request, _("Too many questions from this device; please try again later."))
        return HttpResponseRedirect(target + "#ask")
    values = {"name": request.POST.get("name", "")[:50], "phone": request.POST.get("phone", "")[:20]}
    values["text"] = request.POST.get("text", "")[:2000]
    try:
        case = services.ask_question(pub, actor=None, name=values["name"], phone=values["phone"], text=values["text"])
    except DomainError as exc:
        errors = field_errors(exc, "text", {"citizen_name": "name", "citizen_phone": "phone", "content": "text"})
        return _public_page(request, pub, ask={"values": values, "errors": errors})
    messages.success(
        request,
        _(
            "Your question is registered as case %(number)s; the village answers within 10 days. Follow it with "
            "this number and the last 4 digits of your phone."
        )
        % {"number": case.number},
    )
    return HttpResponseRedirect(target + "#ask")


@require_GET
def notice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    pub = _publication(code, pk)
    version = pub.current
    if version is None:  # `_shown` holds only rows with a published version
        raise Http404
    url = request.build_absolute_uri(presenters.public_path(pub, version))
    response = HttpResponse(channels.notice_pdf(channels.sheet(pub, version, url)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{pub.pk}-v{version.number}.pdf"'
    return response


@require_GET
def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The village's electronic screen: the current publications, one at a time, full screen."""
    village = _village(code)
    rows = list(_on_board(village).order_by("-first_published_on", "-id")[:SCREEN_SIZE])
    slides = [(p, [line for line in p.current.body.splitlines() if line.strip()]) for p in rows if p.current]
    return render(request, "village/screen.html", {"village": village, "slides": slides, "seconds": SCREEN_SECONDS})
