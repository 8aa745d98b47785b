"""GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2): discovery, services, a service's
definition, POST and GET requests, one request, a token, and FixMyStreet's updates extension when
settings.OPEN311_UPDATES is on. The path's extension chooses XML or JSON; reads need no key; every refusal
is 400/403/404 with `[{code, description}]` in that format, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from bianmin.cases.models import Category
from bianmin.errors import DomainError
from bianmin.open311 import presenters
from bianmin.open311.choices import Format
from bianmin.open311.models import ClientKey
from bianmin.open311.params import CONTROL, request_filters, submission, update_window
from bianmin.open311.render import errors, respond
from bianmin.open311.services import authenticate_key, file_request
from bianmin.org.models import Unit

log = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the endpoint's contract last changed (GeoReport v2's discovery `changeset`, ISO 8601).
CHANGESET = "2026-12-06T00:00:00+08:00"

View = Callable[..., HttpResponse]


class GeoError(Exception):
    """A refusal in GeoReport v2's terms: an HTTP status and a description, "parameter: what is wrong" when a
    parameter is at fault, as the 400s of `DomainError` read (a client can tell which one in any language)."""

    def __init__(self, status: int, description: str, *, parameter: str = "") -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [f"{parameter}: {description}" if parameter else description]


def georeport(methods: tuple[str, ...]) -> Callable[[View], View]:
    """A GeoReport v2 view: the methods it answers, domain errors and GeoErrors in the format asked for, and
    any unexpected error logged (path only: bodies hold personal data) and answered as an error body."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = errors(
                        fmt, 405, [_("Method %(method)s is not allowed here.") % {"method": request.method}]
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                return view(request, fmt, **kwargs)
            except GeoError as exc:
                return errors(fmt, exc.status, exc.descriptions)
            except DomainError as exc:
                described = [f"{name}: {text}" for name, text in exc.fields.items()] or [str(exc.message)]
                return errors(fmt, exc.status, described)
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.path)
                return errors(fmt, 500, [_("An internal error occurred; it has been logged.")])

        return csrf_exempt(wrapped)

    return decorate


def jurisdiction_of(request: HttpRequest) -> Unit | None:
    """The jurisdiction a call names (a unit's code) or None when it names none: every jurisdiction.
    An unknown one is a 404, as for any resource that does not exist."""
    values = _fields(request) if request.method == "POST" else request.GET
    code = values.get("jurisdiction_id", "").strip()
    if not code:
        return None
    unit = Unit.objects.filter(code=code[:32]).first() if not CONTROL.search(code) else None
    if unit is None or not ClientKey.objects.filter(jurisdiction=unit).exists():
        raise GeoError(404, _("No such jurisdiction."), parameter="jurisdiction_id")
    return unit


@georeport(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    contact = settings.OPEN311_CONTACT or _("12345 government service hotline")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": _("Client keys are issued by the platform's administrators."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": [Format.XML.label, Format.JSON.label],
                }
            ],
        },
    )


@georeport(("GET",))
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction_of(request)
    return respond(fmt, "services", presenters.services())


@georeport(("GET",))
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    jurisdiction_of(request)
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise GeoError(404, _("No such service."), parameter="service_code")
    return respond(fmt, "service_definition", presenters.definition(category))


@georeport(("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    jurisdiction = jurisdiction_of(request)
    found = presenters.request_list(request_filters(request.GET), jurisdiction)
    return respond(fmt, "service_requests", found)


def _fields(request: HttpRequest) -> QueryDict:
    """The POST's form, over the query string's parameters: some clients send api_key and jurisdiction_id
    in the URL of the POST (the python open311 1.1 client does)."""
    fields = request.GET.copy()
    for name in request.POST:
        fields.setlist(name, request.POST.getlist(name))
    return fields


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    fields = _fields(request)
    key = fields.get("api_key", "").strip()
    client = authenticate_key(key) if key and not CONTROL.search(key) else None
    if client is None:
        raise GeoError(403, _("Missing, unknown or revoked."), parameter="api_key")
    form = submission(fields)
    idempotency = request.headers.get("Idempotency-Key", "").strip()
    if CONTROL.search(idempotency):
        raise GeoError(400, _("Not a valid value."), parameter="Idempotency-Key")
    filed, created = file_request(form, client=client, idempotency_key=idempotency)
    body = [{"service_request_id": filed.case.number, "token": filed.token, "service_notice": "", "account_id": None}]
    return respond(fmt, "service_requests", body, status=201 if created else 200)


@georeport(("GET",))
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    found = presenters.find_request(number, jurisdiction_of(request))
    if found is None:
        raise GeoError(404, _("No such request."), parameter="service_request_id")
    return respond(fmt, "service_requests", [presenters.request_view(found)])


@georeport(("GET",))
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    found = presenters.find_token(token, jurisdiction_of(request))
    if found is None:
        raise GeoError(404, _("No such token."), parameter="token")
    return respond(fmt, "service_requests", [{"service_request_id": found.case.number, "token": found.token}])


@georeport(("GET",))
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if not settings.OPEN311_UPDATES:
        raise GeoError(404, _("Not found."))
    jurisdiction = jurisdiction_of(request)
    return respond(fmt, "service_requests_updates", presenters.updates(update_window(request.GET), jurisdiction))


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under v2/: GeoReport's 404, in JSON when the path asks for it."""
    fmt = Format.JSON if path.endswith(".json") else Format.XML
    return errors(fmt, 404, [_("Not found.")])


def root(request: HttpRequest) -> HttpResponse:
    """The endpoint's base URL: where discovery points; it answers like an unknown path."""
    return not_found(request)
