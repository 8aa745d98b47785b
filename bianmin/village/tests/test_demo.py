"""The demo's village affairs: every village has its catalogue, a year of publications with exactly one
overdue, a decision through all six steps and one blocked for lack of quorum, its rules, a project with a
ledger, two declared relatives and two conflict flags (one closed); the same for a seed, never duplicated, and fast."""

from __future__ import annotations

import time

from django.db.models import Count
from django.utils import timezone

from bianmin.demo import _load_county
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit
from bianmin.village import decisions, services
from bianmin.village.choices import DecisionStatus
from bianmin.village.demo import load_demo_village
from bianmin.village.models import (
    CatalogueItem,
    CharterVersion,
    ConflictFlag,
    Decision,
    Disbursement,
    Project,
    Publication,
    PublicationVersion,
    Relative,
)


def snapshot() -> list[tuple]:
    return [
        tuple(
            Publication.objects.order_by("village__code", "title").values_list(
                "village__code", "title", "status", "body"
            )
        ),
        tuple(PublicationVersion.objects.order_by("sha256").values_list("sha256", flat=True)),
        tuple(
            Disbursement.objects.order_by("project__village__code", "voucher").values_list("amount_fen", "payee_name")
        ),
    ]


def test_the_demo_gives_every_village_its_records_once_and_fast(db):
    _load_county(2026)
    started = time.monotonic()
    load_demo_village(2026)
    elapsed = time.monotonic() - started
    villages = Unit.objects.filter(kind__in=PLACE_KINDS)
    n = villages.count()
    assert n > 30 and elapsed < 10, elapsed  # about 1 s on an idle machine; bench/ times it properly
    today = timezone.localdate()
    assert CatalogueItem.objects.values("village").distinct().count() == n
    overdue = services.overdue(Publication.objects.all(), today).values("village").annotate(k=Count("id"))
    assert sorted(row["k"] for row in overdue) == [1] * n
    assert all(v.intact() for v in PublicationVersion.objects.all()[:500])
    assert Decision.objects.filter(status=DecisionStatus.DONE).count() == n
    assert Decision.objects.filter(status=DecisionStatus.BLOCKED).count() == n
    done = Decision.objects.filter(status=DecisionStatus.DONE).first()
    assert decisions.next_step(done) is None and done.steps.filter(valid=True).count() == 4
    blocked = Decision.objects.filter(status=DecisionStatus.BLOCKED).first()
    assert decisions.next_step(blocked) == 3 and not blocked.steps.get(step=3).quorum
    assert CharterVersion.objects.count() == n and Project.objects.count() == n
    for p in Project.objects.all():
        assert p.disbursed_fen == sum(p.disbursements.values_list("amount_fen", flat=True)) <= p.budget_fen
    flags = ConflictFlag.objects.select_related("case")
    assert flags.count() == 2 * n and all(f.case is not None and f.case.unit_id == f.village.parent_id for f in flags)
    # Each village: two declared relatives, one flag open and one the township closed with its finding
    assert Relative.objects.values("village").annotate(k=Count("id")).filter(k=2).count() == n
    closed = flags.filter(closed_at__isnull=False)
    assert closed.count() == flags.filter(closed_at__isnull=True).count() == n
    assert all(f.closed_by is not None and f.outcome == "handled" and f.close_reason for f in closed)
    first = snapshot()
    load_demo_village(2026)
    assert snapshot() == first and ConflictFlag.objects.count() == 2 * n
