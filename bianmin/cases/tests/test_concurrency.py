"""Concurrent writers on one case and on the daily number, each thread with its own connection."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from bianmin.cases import services, store
from bianmin.cases.attachments import add_attachment
from bianmin.cases.errors import CaseError
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseEvent, Notification
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
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    read_case, meanwhile = store.read_case, ["assign"]

    def read_then_someone_assigns(key: Any, actor: Any = None) -> Any:
        row = read_case(key, actor)
        if meanwhile:  # right after the first read of the answer below
            perform(case.number, meanwhile.pop(), actor=staff, handler="township_staff")
        return row

    monkeypatch.setattr(store, "read_case", read_then_someone_assigns)
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


def test_a_decision_prepared_before_an_attachment_is_taken_again_after_it(county, monkeypatch):
    # An attachment is an action of its own (it bumps the version): the answer prepared its event to follow the
    # one it read, finds the case changed as it writes, and is decided again on the fresh row.
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    read_case, meanwhile = store.read_case, [True]

    def read_then_someone_attaches(key: Any, actor: Any = None) -> Any:
        row = read_case(key, actor)
        if meanwhile and meanwhile.pop():
            add_attachment(
                Case.objects.get(pk=case.pk), actor=staff, upload=SimpleUploadedFile("现场.pdf", b"%PDF-1.4")
            )
        return row

    monkeypatch.setattr(store, "read_case", read_then_someone_attaches)
    answered = perform(case.number, "answer", actor=staff, reply="已处理。")
    assert (answered.status, answered.version) == ("completed", 3)
    history = [(e.seq, e.action) for e in CaseEvent.objects.filter(case=case).order_by("seq")]
    assert history == [(1, "create"), (2, "attach"), (3, "answer")]
    assert list(verify_chains([case.number])) == []
    assert Notification.objects.filter(case=case, kind="reply").count() == 1


def test_an_action_whose_write_waited_for_another_follows_the_event_the_other_appended(county):
    # The answer is decided on the row as read, while another transaction holds the case it has changed: the
    # answer's guarded write waits for it, then finds the version moved on, and is decided again on the fresh
    # row, so its event follows the other's and the history never forks.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    waiter: list[Any] = []
    thread = threading.Thread(target=lambda: waiter.append(answer_and_close(case.number, staff)))
    with transaction.atomic():
        perform(case.number, "assign", actor=staff, handler="township_staff")
        thread.start()
        waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted"  # (pg_stat_activity is read once a transaction)
        for _ in range(100):  # until the answer waits for the row this transaction holds
            with connection.cursor() as cursor:
                cursor.execute(waiting)
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the second action never waited for the lock")
    thread.join(timeout=30)
    assert isinstance(waiter[0], Case), waiter
    history = [(e.seq, e.action, e.next_at is None) for e in CaseEvent.objects.filter(case=case).order_by("seq")]
    assert history == [(1, "create", False), (2, "assign", False), (3, "answer", True)]
    assert list(verify_chains([case.number])) == []


def answer_and_close(number: str, staff: Any) -> Any:
    try:
        return perform(number, "answer", actor=staff, reply="已处理。")
    except Exception as exc:
        return exc
    finally:
        connection.close()


def test_an_action_reads_without_a_transaction_and_writes_in_one_guarded_by_the_version(county):
    # The read takes no lock and opens no transaction; the write is one transaction whose first statement is
    # the case's UPDATE guarded by the version read. An intake is one transaction too: its number, row, event.
    staff = county.people["township_staff"]
    perform(new_case(staff, unit=county["baidi"]).number, "assign", actor=staff, handler="township_staff")
    case = new_case(staff, unit=county["baidi"])  # the caller's grants and units are kept by now
    sent: list[tuple[bool, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((connection.get_autocommit() and not connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assigned = perform(case.number, "assign", actor=staff, handler="township_staff")
    outside = {sql.split(None, 1)[0] for autocommit, sql in sent if autocommit}
    inside = [sql for autocommit, sql in sent if not autocommit and not sql.startswith("BEGIN")]
    assert outside <= {"SELECT", "BEGIN"}  # the case, read as it is: nothing written outside the transaction
    assert inside[0].startswith("UPDATE") and "version" in inside[0].rsplit("WHERE", 1)[1]
    sent.clear()
    with connection.execute_wrapper(record):
        taken = new_case(staff, unit=county["baidi"])
    assert {sql.split(None, 1)[0] for autocommit, sql in sent if autocommit} <= {"SELECT", "BEGIN"}
    assert list(verify_chains([taken.number])) == []
    assert (assigned.version, assigned.status) == (2, "in_progress")
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("seq")] == ["create", "assign"]
    assert list(verify_chains([case.number])) == []


def test_concurrent_intakes_with_one_idempotency_key_make_one_case(county, api_as, monkeypatch):
    # Given one operator's request sent four times at once with the same Idempotency-Key (a client's retries),
    # each past the check for an earlier case before any of them writes: they race to the unique index
    staff = county.people["township_staff"]
    callers = [api_as(staff) for _ in range(4)]
    for api in callers:
        api.headers["Idempotency-Key"] = "call-2026-0042"
    # The intake's field check runs after the look-up of an earlier case with the key and before the write:
    # held there until all four arrive, none finds the others' case (without the hook: a plain race).
    checked = threading.Barrier(len(callers), timeout=5)
    check = services.intake_errors

    def check_then_wait_for_the_others(**values: Any) -> Any:
        # A broken barrier: a caller found the case already made and never came here; the others go on.
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait()
        return check(**values)

    monkeypatch.setattr(services, "intake_errors", check_then_wait_for_the_others, raising=False)
    intake = {
        "channel": "hotline",
        "kind": "help",
        "title": "五组停水",
        "content": "五组自来水停水三天。",
        "citizen_name": "刘",
        "citizen_phone": "13700005678",
        "village": county["huanhua"].code,
    }
    # When they arrive together
    responses = run_together([lambda api=api: api.post("/cases", intake) for api in callers])
    # Then one case is made, and every caller gets it: 201 for the one that made it, 200 for the retries
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201], [r.content for r in responses]
    made = Case.objects.get()
    assert {(r.json()["number"], r.json()["version"]) for r in responses} == {(made.number, 1)}
    assert (made.created_by_id, made.idempotency_key) == (staff.pk, "call-2026-0042")
    assert [e.action for e in CaseEvent.objects.filter(case=made)] == ["create"]
    assert list(verify_chains([made.number])) == []
