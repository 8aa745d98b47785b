"""Windows calling at once never share a ticket: threads with their own connections, and separate processes,
on whichever database the run uses (SQLite or PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import time
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from bianmin.conftest import County
from bianmin.errors import DomainError
from bianmin.hall import services
from bianmin.hall.choices import TicketAction
from bianmin.hall.errors import HallError
from bianmin.hall.models import QueueService, TicketEvent, Window, WindowService
from bianmin.hall.tests.factories import HallData, make_hall
from bianmin.org.choices import Role
from bianmin.org.models import User
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def staffed_hall(county: County, windows: int, tickets: int) -> tuple[HallData, list[tuple[int, int]]]:
    """A hall whose `windows` all call queue A, each with a formal staff member signed in, and `tickets`
    waiting; returns the (window id, user id) pairs."""
    data = make_hall(county["center"], windows=windows)
    # Tickets are taken now, whatever the hour the test runs at.
    QueueService.objects.update(opens_at=time(0), closes_at=time(23, 59, 59))
    for service in data.services.values():
        service.refresh_from_db()
    pairs = []
    for number, window in data.windows.items():
        WindowService.objects.get_or_create(window=window, service=data.services["A"])
        person = member(county["center"], Role.WINDOW_STAFF, username=f"staff{number}")
        services.sign_in(window, actor=person)
        pairs.append((window.pk, person.pk))
    now = timezone.now()
    for _ in range(tickets):
        services.take_ticket(data.services["A"], actor=None, channel="kiosk", now=now)
    return data, pairs


def call_and_finish(window_id: int, user_id: int, rounds: int) -> list[int]:
    """Call, start and finish `rounds` tickets at one window; the ids it got (stops when the queue is empty)."""
    window, user = Window.objects.select_related("hall__unit").get(pk=window_id), User.objects.get(pk=user_id)
    got = []
    for _ in range(rounds):
        try:
            ticket = services.call_next(window, actor=user)
        except DomainError as exc:
            if exc.code == HallError.QUEUE_EMPTY:
                break
            raise
        got.append(ticket.pk)
        services.act(ticket, TicketAction.START, actor=user, window=window)
        services.act(ticket, TicketAction.FINISH, actor=user, window=window)
    return got


def _run_threads(pairs: list[tuple[int, int]], rounds: int) -> list[Any]:
    barrier = threading.Barrier(len(pairs))
    results: list[Any] = [None] * len(pairs)

    def run(index: int, window_id: int, user_id: int) -> None:
        try:
            barrier.wait()
            results[index] = call_and_finish(window_id, user_id, rounds)
        except Exception as exc:  # reported by the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w, u)) for i, (w, u) in enumerate(pairs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.parametrize("windows", [2, 20])
def test_windows_calling_at_once_in_threads_never_share_a_ticket(county: County, windows: int) -> None:
    _data, pairs = staffed_hall(county, windows, tickets=windows * 2)
    results = _run_threads(pairs, rounds=3)
    assert not [r for r in results if isinstance(r, Exception)], results
    got = [ticket for r in results for ticket in r]
    assert len(got) == windows * 2 and len(set(got)) == len(got)
    calls = Counter(TicketEvent.objects.filter(action=TicketAction.CALL).values_list("ticket_id", flat=True))
    assert set(calls.values()) == {1}


def _process(window_pairs: list[tuple[int, int]], rounds: int, out: Any) -> None:
    connection.close()  # the parent's connection is not this process's
    try:
        out.put([t for w, u in window_pairs for t in call_and_finish(w, u, rounds)])
    except Exception as exc:
        out.put(repr(exc))
    finally:
        connection.close()


def test_several_processes_calling_at_once_never_share_a_ticket(county: County) -> None:
    _data, pairs = staffed_hall(county, windows=8, tickets=24)
    connection.close()
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    groups = [pairs[i::4] for i in range(4)]
    processes = [context.Process(target=_process, args=(group, 3, out)) for group in groups]
    for process in processes:
        process.start()
    results = [out.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert not [r for r in results if isinstance(r, str)], results
    got = [ticket for r in results for ticket in r]
    assert len(got) == 24 and len(set(got)) == 24
