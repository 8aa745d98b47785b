"""The case core seen through GeoReport v2: categories as services, cases as service requests, their public
events as the FixMyStreet updates. Contact details (names, phones, emails, device and account ids) are
never read into any of these answers."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from bianmin.cases.choices import CaseStatus
from bianmin.cases.models import CaseEvent, Category
from bianmin.cases.workflow import Action, action_label
from bianmin.open311.choices import CASE_STATUSES, public_status
from bianmin.open311.models import ServiceAttribute, ServiceRequest
from bianmin.open311.params import MAX_RESULTS, RequestFilters, Window
from bianmin.org.models import Unit


def services(jurisdiction: Unit | None = None) -> list[dict[str, Any]]:
    """Every active grievance category is a service; its parent category is its group. One query."""
    asks = ServiceAttribute.objects.filter(category=OuterRef("pk"))
    rows = (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .annotate(has_attributes=Exists(asks))
        .order_by("code")
    )
    return [
        {
            "service_code": row.code,
            "service_name": row.name,
            "description": row.name,
            "metadata": row.has_attributes,
            "type": "realtime",
            "keywords": "",
            "group": row.parent.name if row.parent else "",
        }
        for row in rows
    ]


def definition(category: Category) -> dict[str, Any]:
    attributes = ServiceAttribute.objects.filter(category=category).order_by("order", "code")
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in a.values],
            }
            for a in attributes
        ],
    }


# The columns a request's answer shows, read as plain values (no model instances: a list of 1,000 requests
# built 4,000 of them). Never the case's citizen fields nor the request's contact ones.
COLUMNS = {
    "number": F("case__number"),
    "case_status": F("case__status"),
    "reply": F("case__reply"),
    "received_at": F("case__received_at"),
    "updated_at": F("case__updated_at"),
    "due_at": F("case__due_at"),
    "case_address": F("case__address"),
    "agency": F("case__unit__name"),
    "master_reply": F("case__master__reply"),
    "code": F("category__code"),
    "service": F("category__name"),
}
OWN_COLUMNS = ("description", "lat", "long", "address_string", "address_id", "media_url")


def _requests(rows: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest, dict[str, Any]]:
    values: QuerySet[ServiceRequest, dict[str, Any]] = rows.values(*OWN_COLUMNS, **COLUMNS)
    return values


def status_notes(row: dict[str, Any]) -> str:
    """The latest reply given to the citizen (a merged request: its master's), else what the status means."""
    if row["reply"]:
        return str(row["reply"])
    if row["case_status"] == CaseStatus.MERGED and row["master_reply"]:
        return str(row["master_reply"])
    return str(CaseStatus(row["case_status"]).label)


def request_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "service_request_id": row["number"],
        "status": public_status(row["case_status"]).value,
        "status_notes": status_notes(row),
        "service_name": row["service"],
        "service_code": row["code"],
        "description": row["description"],
        "agency_responsible": row["agency"],
        "service_notice": "",
        "requested_datetime": row["received_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": row["due_at"],
        "address": row["address_string"] or row["case_address"],
        "address_id": row["address_id"],
        "zipcode": "",
        "lat": row["lat"],
        "long": row["long"],
        "media_url": row["media_url"],
    }


def find_request(number: str, jurisdiction: Unit | None) -> dict[str, Any] | None:
    rows = ServiceRequest.objects.filter(case__number=number)
    if jurisdiction is not None:
        rows = rows.filter(jurisdiction=jurisdiction)
    return _requests(rows).first()


def find_token(token: str, jurisdiction: Unit | None) -> ServiceRequest | None:
    rows = ServiceRequest.objects.select_related("case").only("case__number", "token").filter(token=token)
    if jurisdiction is not None:
        rows = rows.filter(jurisdiction=jurisdiction)
    return rows.first()


def request_list(filters: RequestFilters, jurisdiction: Unit | None) -> list[dict[str, Any]]:
    """GET requests: the newest first, at most MAX_RESULTS, in one query over the window's index range."""
    rows = ServiceRequest.objects.all()
    if jurisdiction is not None:
        rows = rows.filter(jurisdiction=jurisdiction)
    if filters.ids:
        rows = rows.filter(case__number__in=filters.ids)
    else:
        rows = rows.filter(requested_at__gte=filters.start, requested_at__lte=filters.end)
        if filters.service_codes:
            rows = rows.filter(category__code__in=filters.service_codes)
        if filters.statuses:
            wanted = [s for status in filters.statuses for s in CASE_STATUSES[status]]
            rows = rows.filter(case__status__in=wanted)
    return [request_view(row) for row in _requests(rows).order_by("-requested_at", "-pk")[:MAX_RESULTS]]


# The FixMyStreet updates extension: which actions a citizen hears of, and the status each leaves the request
# in, in the words FixMyStreet understands. Other actions (classifying, supervising, …) stay internal.
UPDATE_STATUS = {
    Action.ACCEPT: "investigating",
    Action.ASSIGN: "in_progress",
    Action.TRANSFER: "in_progress",
    Action.ESCALATE: "in_progress",
    Action.RETURN: "in_progress",
    Action.PAUSE: "investigating",
    Action.RESUME: "in_progress",
    Action.REPLY: "in_progress",
    Action.ANSWER: "fixed",
    Action.COMPLETE: "fixed",
    Action.RATE: "closed",
    Action.REOPEN: "open",
    Action.REFUSE: "not_councils_responsibility",
    Action.MERGE: "duplicate",
    Action.WITHDRAW: "closed",
}
# Actions whose note is addressed to the citizen (the reply; the reason a matter is not taken in).
PUBLIC_NOTES = frozenset({Action.REPLY, Action.ANSWER, Action.REFUSE})


def _update_description(event: CaseEvent) -> str:
    if event.action in PUBLIC_NOTES and event.note:
        return event.note
    if event.action in (Action.TRANSFER, Action.ESCALATE, Action.RETURN) and event.to_unit is not None:
        return _("%(action)s: now with %(unit)s") % {"action": action_label(event.action), "unit": event.to_unit.name}
    return action_label(event.action)


def updates(window: Window, jurisdiction: Unit | None) -> list[dict[str, Any]]:
    """The public events of requests filed through Open311 within the window, oldest first, at most
    MAX_RESULTS: what a FixMyStreet site polls to show progress."""
    events = CaseEvent.objects.filter(
        Q(case__open311__isnull=False),
        action__in=list(UPDATE_STATUS),
        at__gte=window.start,
        at__lte=window.end,
    )
    if jurisdiction is not None:
        events = events.filter(case__open311__jurisdiction=jurisdiction)
    rows = events.select_related("case", "to_unit").only("action", "note", "at", "case__number", "to_unit__name")
    return [
        {
            "update_id": str(event.pk),
            "service_request_id": event.case.number,
            "status": UPDATE_STATUS[Action(event.action)],
            "updated_datetime": event.at,
            "description": _update_description(event),
            "media_url": "",
        }
        for event in rows.order_by("at", "pk")[:MAX_RESULTS]
    ]
