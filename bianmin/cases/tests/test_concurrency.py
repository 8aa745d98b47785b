"""Concurrent writers on one case and on the daily number, each thread with its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

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
