"""The demo's pensioners: a few thousand, every method and status, the same for a seed, never duplicated."""

from __future__ import annotations

from django.db.models import Count

from bianmin.demo import _load_county
from bianmin.pension.choices import ASSISTED_METHODS, EventKind, Method, PensionerStatus
from bianmin.pension.demo import load_demo_pension
from bianmin.pension.models import Certification, Pensioner, PensionerEvent


def snapshot() -> tuple[list[tuple[str, str, str]], int, int]:
    people = list(Pensioner.objects.order_by("id_number").values_list("id_number", "name", "status"))
    return people, Certification.objects.count(), PensionerEvent.objects.count()


def test_the_demo_is_varied_deterministic_and_loaded_once(db):
    _load_county(2026)
    load_demo_pension(2026)  # about 1 s on an idle machine (timed in bench, not asserted here)
    first = snapshot()
    assert 2000 <= len(first[0]) <= 5000
    assert set(Certification.objects.values_list("method", flat=True)) == set(Method.values)
    assert set(Pensioner.objects.values_list("status", flat=True)) == set(PensionerStatus.values)
    assert PensionerEvent.objects.filter(kind=EventKind.RESUMED, months__gt=0).exists()
    # A place where it was done only for those done in person, as `services.certify` records them
    placed = set(Certification.objects.exclude(unit=None).values_list("method", flat=True))
    assert placed == set(ASSISTED_METHODS)
    # Every village's due list has people on it
    villages = Pensioner.objects.values("village").annotate(n=Count("id")).count()
    assert villages == Pensioner.objects.values("village").distinct().count() and villages > 30
    load_demo_pension(2026)
    assert snapshot() == first
    # Another run from scratch gives the same register
    PensionerEvent.objects.all().delete()
    Certification.objects.all().delete()
    Pensioner.objects.all().delete()
    load_demo_pension(2026)
    assert snapshot()[0] == first[0]
