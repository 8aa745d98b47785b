"""Concurrent writers on one case and on the daily number, each thread with its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from bianmin.cases import services
from bianmin.cases.errors import CaseError
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_case
from bianmin.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment; return each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_conflicting_actions_one_wins_one_gets_409(county):
    cadre, staff = county.people["cadre_a"], county.people["county_admin"]
    case = new_case(cadre, village=county["huanhua"])
    version = case.version
    results = run_together(
        [
            lambda: perform(Case.objects.get(pk=case.pk), "reply", actor=cadre, reply="已修复", version=version),
            lambda: perform(
                Case.objects.get(pk=case.pk), "transfer", actor=staff, to_unit="500236-RSJ", version=version
            ),
        ]
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == CaseError.STALE_VERSION
    final = Case.objects.get(pk=case.pk)
    assert final.version == version + 1
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("seq")] == [
        "create",
        winners[0].events.last().action,
    ]
    assert list(verify_chains([case.number])) == []


def test_parallel_intakes_never_share_a_number(county):
    cadre = county.people["cadre_a"]
    results = run_together([lambda: new_case(cadre) for _ in range(8)])
    assert all(isinstance(r, Case) for r in results), results
    assert len({r.number for r in results}) == 8


def test_concurrent_actions_without_versions_all_land_in_one_unbroken_history(county):
    # Six cadres' "assign" on one case at the same moment, none naming the version it saw: on SQLite each
    # is decided on the row it read before the write lock and written only if no one changed it meanwhile
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    results = run_together(
        [lambda: perform(case.number, "assign", actor=staff, handler="township_staff") for _ in range(6)]
    )
    assert all(isinstance(r, Case) for r in results), results
    final = Case.objects.get(pk=case.pk)
    assert final.version == case.version + 6
    assert [e.seq for e in CaseEvent.objects.filter(case=case).order_by("seq")] == list(range(1, 8))
    assert list(verify_chains([case.number])) == []


def test_a_decision_on_a_row_changed_meanwhile_is_taken_again_on_the_fresh_row(county, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL decides under the row lock only")
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    read_case, meanwhile = services.lock_case, ["assign"]

    def read_then_someone_assigns(key: Any, actor: Any = None) -> Any:
        row = read_case(key, actor)
        if meanwhile:  # right after the first read of the answer below
            perform(case.number, meanwhile.pop(), actor=staff, handler="township_staff")
        return row

    monkeypatch.setattr(services, "lock_case", read_then_someone_assigns)
    # The answer was decided on version 1 (accepted); the assign made it 2 (in progress) before the write
    answered = perform(case.number, "answer", actor=staff, reply="已处理。")
    assert (answered.status, answered.version, answered.handler_id) == ("completed", 3, staff.pk)
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("seq")] == ["create", "assign", "answer"]
    assert list(verify_chains([case.number])) == []
    # A caller who named the version it saw gets the conflict, and nothing is written
    other = new_case(staff, unit=county["baidi"])
    case, meanwhile[:] = other, ["assign"]
    with pytest.raises(Conflict) as refused:
        perform(other.number, "answer", actor=staff, reply="已处理。", version=1)
    assert refused.value.code == CaseError.STALE_VERSION
    assert [e.action for e in CaseEvent.objects.filter(case=other).order_by("seq")] == ["create", "assign"]
