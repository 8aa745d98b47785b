"""Patrols, violations and notices (巡岗制度、定期通报制度): an inspector records a round of a hall, a finding
against a person becomes a violation with the deduction the table gives it, a manager publishes a notice
listing a period's violations; and the monthly score each person's violations leave (base 100)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.hall import escalation
from bianmin.hall.models import Finding, FindingKind, Hall, HallNotice, Patrol, Violation, Window, WindowSession
from bianmin.hall.services import LOCAL, local_day
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope, subtree_q

MONTHLY_BASE = Decimal(100)
PHOTO_KINDS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
PHOTO_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Observation:
    """One window as the inspector saw it: present or not, and a finding from the checklist (or none)."""

    window: Window
    present: bool = True
    kind: str = ""
    note: str = ""
    photo: UploadedFile[bytes] | None = None


def _check_photo(photo: UploadedFile[bytes]) -> None:
    head = photo.read(8)
    photo.seek(0)
    if not head.startswith(PHOTO_KINDS) or (photo.size or 0) > PHOTO_MAX_BYTES:
        raise InvalidInput({"photo": _("A photo is a JPEG or PNG file of at most 5 MB.")})


def record_patrol(
    hall: Hall, *, actor: User, observations: list[Observation], note: str = "", at: datetime | None = None
) -> Patrol:
    """Record a round: each window's finding, against the person signed in there (or, for an absent post
    with no one signed in, against no one). A finding with points against a person is a violation."""
    at = at or timezone.now()
    if not in_scope(actor, Permission.HALL_PATROL, hall.unit.path):
        raise PermissionDenied(_("You may only patrol the halls in your scope."))
    kinds = {k.code: k for k in FindingKind.objects.filter(active=True)}
    errors = {}
    for index, seen in enumerate(observations):
        if seen.window.hall_id != hall.pk:
            errors[f"observations.{index}.window"] = _("This window is not in the hall.")
        if seen.kind and seen.kind not in kinds:
            errors[f"observations.{index}.kind"] = _("No such finding in the checklist.")
        if seen.photo is not None:
            _check_photo(seen.photo)
    if errors:
        raise InvalidInput(errors)
    signed = dict(
        WindowSession.objects.filter(window__hall=hall, ended_at__isnull=True).values_list("window_id", "user_id")
    )
    policy = escalation.policy_of(hall)
    month = local_range(local_day(at).replace(day=1), local_day(at))
    with transaction.atomic():
        # Each person's violations of the month so far, read once: the how-many-th a new one is (counted on
        # as this round adds more) places it on the escalation chain.
        nth = Counter(
            Violation.objects.filter(hall=hall, at__range=month, person_id__in=signed.values()).values_list(
                "person_id", flat=True
            )
        )
        patrol = Patrol.objects.create(hall=hall, inspector=actor, at=at, note=note.strip()[:500])
        for seen in observations:
            kind = kinds.get(seen.kind)
            finding = Finding.objects.create(
                patrol=patrol,
                window=seen.window,
                signed_in_id=signed.get(seen.window.pk),
                present=seen.present,
                kind=kind,
                note=seen.note.strip()[:500],
                photo=seen.photo or "",
            )
            person_id = finding.signed_in_id
            if kind is not None and kind.points > 0 and person_id is not None:
                nth[person_id] += 1
                violation = Violation(
                    hall=hall, finding=finding, person_id=person_id, kind=kind, points=kind.points, at=at
                )
                escalation.record(violation, policy, nth[person_id], actor, at)
    return patrol


def local_range(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=LOCAL),
        datetime.combine(end, datetime.max.time(), tzinfo=LOCAL),
    )


def publish_notice(
    hall: Hall, *, actor: User, title: str, start: date, end: date, public: bool = False, at: datetime | None = None
) -> HallNotice:
    """A notice (通报) of the hall's violations from `start` to `end`, as they stand when it is published."""
    at = at or timezone.now()
    if not in_scope(actor, Permission.HALL_MANAGE, hall.unit.path):
        raise PermissionDenied(_("Only the hall's managers publish its notices."))
    if not title.strip() or end < start:
        raise InvalidInput({"title": _("Give the notice a title and a period that ends after it starts.")})
    with transaction.atomic():
        notice = HallNotice.objects.create(
            hall=hall,
            title=title.strip()[:200],
            period_start=start,
            period_end=end,
            public=public,
            published_by=actor,
            published_at=at,
        )
        notice.violations.set(Violation.objects.filter(hall=hall, at__range=local_range(start, end)))
    return notice


def monthly_scores(hall: Hall, year: int, month: int) -> list[dict[str, Any]]:
    """Each person's score for the month: the base (100) less the points of their violations (no floor)."""
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    rows = (
        Violation.objects.filter(hall=hall, at__gte=local_range(start, start)[0], at__lt=local_range(end, end)[0])
        .values("person_id", "person__display_name", "person__username")
        .annotate(points=Sum("points"))
        .order_by("person__username")
    )
    return [
        {
            "person": r["person__display_name"] or r["person__username"],
            "deducted": r["points"],
            "score": MONTHLY_BASE - r["points"],
        }
        for r in rows
    ]


def people_with_violations(unit: Unit, start: date, end: date) -> int:
    """How many people broke work discipline in the period in the halls of `unit`'s subtree (the source's
    "15 staff were found breaking work discipline")."""
    return (
        Violation.objects.filter(subtree_q([unit.path], "hall__unit__path"), at__range=local_range(start, end))
        .values("person_id")
        .distinct()
        .count()
    )
