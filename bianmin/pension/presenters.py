"""How pensioners and certifications read in lists, pages, the API and exports: one place, so the masking of
identity numbers and phones is decided once (DESIGN §6.3: masked where a role does not need them)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone
from bianmin.org.scope import in_scope
from bianmin.pension.choices import PensionerStatus, PensionList, StopReason
from bianmin.pension.models import Certification, Pensioner, PensionerEvent, PensionerQuerySet

DUE_WINDOW_DAYS = 30


def mask_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:] if len(number) == 18 else "*" * len(number)


def sees_personal(user: User | AnonymousUser, village_path: str) -> bool:
    """Whoever certifies or keeps the register of the village needs the full number and phone; a township
    leader or a supervisor, who only watches the figures, does not."""
    return in_scope(user, Permission.PENSION_CERTIFY, village_path) or in_scope(
        user, Permission.PENSION_MANAGE, village_path
    )


def working_list(
    pensioners: PensionerQuerySet, which: PensionList | str, *, today: date | None = None, q: str = ""
) -> PensionerQuerySet:
    """One of the working lists, in due-date order, optionally searched by name (its start) or identity
    number (its start, or all of it): both served by an index."""
    today = today or timezone.localdate()
    which = PensionList(which)
    if which == PensionList.DUE:
        rows = pensioners.filter(
            status=PensionerStatus.ACTIVE, due_on__gte=today, due_on__lte=today + timedelta(days=DUE_WINDOW_DAYS)
        )
    elif which == PensionList.OVERDUE:
        rows = pensioners.filter(status=PensionerStatus.ACTIVE, due_on__lt=today)
    elif which == PensionList.SUSPENDED:
        rows = pensioners.filter(status=PensionerStatus.SUSPENDED)
    elif which == PensionList.HOME_VISIT:
        # Stopping clears the flag (services.stop_pensioner), so the flag alone picks the list: exactly the
        # partial index's condition, which SQLite then uses (with a status term too it scanned the villages).
        rows = pensioners.filter(needs_home_visit=True)
    else:
        rows = pensioners
    q = q.strip()
    if q:
        by_number = q[:17].isdigit()
        rows = rows.filter(Q(id_number__startswith=q.upper()) if by_number else Q(name__startswith=q))
    return rows.order_by("due_on", "id")


def summary(p: Pensioner, user: User | AnonymousUser, today: date | None = None) -> dict[str, Any]:
    """A row of a list (the village and scheme selected with it)."""
    today = today or timezone.localdate()
    full = sees_personal(user, p.village.path)
    overdue_days = (today - p.due_on).days if p.status == PensionerStatus.ACTIVE and p.due_on < today else 0
    return {
        "id": p.pk,
        "name": p.name,
        "id_number": p.id_number if full else mask_id(p.id_number),
        "phone": p.phone if full else mask_phone(p.phone),
        "village": p.village.name,
        "village_code": p.village.code,
        "scheme": p.scheme.name,
        "status": p.status,
        "status_label": str(PensionerStatus(p.status).label),
        "needs_home_visit": p.needs_home_visit,
        "last_certified_on": p.last_certified_on,
        "due_on": p.due_on,
        "suspend_after": p.suspend_after,
        "overdue_days": overdue_days,
        "suspended_from": p.suspended_from,
    }


def certification_row(c: Certification) -> dict[str, Any]:
    return {
        "id": c.pk,
        "method": c.method,
        "method_label": c.get_method_display(),
        "result": c.result,
        "result_label": c.get_result_display(),
        "failure_reason": c.failure_reason,
        "operator": str(c.operator) if c.operator else "",
        "unit": c.unit.name if c.unit else "",
        "device_ref": c.device_ref,
        "location": c.location,
        "certified_at": c.certified_at,
        "has_photo": bool(c.photo),
    }


def event_row(e: PensionerEvent) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "from_status": e.from_status,
        "to_status": e.to_status,
        "effective_month": e.effective_month,
        "months": e.months,
        "reason": e.reason,
        "reason_label": str(StopReason(e.reason).label) if e.reason in StopReason.values else "",
        "note": e.note,
        "actor": str(e.actor) if e.actor else "",
        "at": e.at,
    }


def detail(p: Pensioner, user: User | AnonymousUser) -> dict[str, Any]:
    certifications = Certification.objects.filter(pensioner=p).select_related("operator", "unit")[:50]
    events = PensionerEvent.objects.filter(pensioner=p).select_related("actor").order_by("-at", "-id")
    full = sees_personal(user, p.village.path)
    return {
        **summary(p, user),
        "birth_date": p.birth_date,
        "address": p.address if full else "",
        "assistant": str(p.assistant) if p.assistant else "",
        "stop_reason": p.stop_reason,
        "stop_reason_label": p.get_stop_reason_display() if p.stop_reason else "",
        "status_note": p.status_note,
        "cycle_months": p.cycle_months,
        "grace_days": p.grace_days,
        "certifications": [certification_row(c) for c in certifications],
        "events": [event_row(e) for e in events],
    }
