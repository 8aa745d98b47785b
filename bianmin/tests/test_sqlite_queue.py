"""SQLite writers queue on `<database>-writers` (bianmin/sqlite/base.py): the next writer starts as soon as the
last one commits or rolls back, and still gives up with "database is locked" after the timeout."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from datetime import date
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from bianmin.cases.models import DailySequence

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL locks rows, not the database"),
    pytest.mark.django_db(transaction=True),
]


def write_in_thread(started: list[float], done: list[float], failures: list[BaseException]) -> threading.Thread:
    """A second connection (another worker, say) that writes one row as soon as it may."""

    def work() -> None:
        try:
            started.append(time.monotonic())
            with transaction.atomic():
                DailySequence.objects.create(day="2026-01-02", last=1)
            done.append(time.monotonic())
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=work)


def hold_then(end: Any) -> tuple[float, list[float], list[BaseException]]:
    """Hold a write transaction for 0.3 s while another thread tries to write, then end it with `end`.
    Returns when the holder let go and when the other writer finished (or how it failed)."""
    started: list[float] = []
    done: list[float] = []
    failures: list[BaseException] = []
    other = write_in_thread(started, done, failures)
    with transaction.atomic():
        DailySequence.objects.create(day="2026-01-01", last=1)
        other.start()
        time.sleep(0.3)
        released = end()
    other.join(timeout=30)
    return released, done, failures


def test_a_write_transaction_holds_the_lock_file_until_it_ends():
    path = f"{connection.settings_dict['NAME']}-writers"

    def free() -> bool:
        fd = os.open(path, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing the descriptor releases a lock taken through it

    with transaction.atomic():
        DailySequence.objects.create(day="2026-01-01", last=1)
        assert not free()
    assert free()
    held = []

    def fail() -> None:
        with transaction.atomic():
            held.append(not free())
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fail()
    assert held == [True] and free()


def test_a_writer_waits_for_the_last_commit_and_starts_right_after_it():
    released, done, failures = hold_then(time.monotonic)
    assert not failures
    assert done and 0 <= done[0] - released < 0.2  # not the busy handler's 10-25 ms naps, nor the timeout
    assert DailySequence.objects.count() == 2


def test_a_rolled_back_transaction_lets_the_next_writer_in():
    def fail() -> float:
        raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        hold_then(fail)
    time.sleep(0.5)  # the other writer, started inside the failed transaction, finishes on its own
    assert list(DailySequence.objects.values_list("day", flat=True)) == [date(2026, 1, 2)]


def test_past_the_timeout_a_writer_is_told_the_database_is_locked(settings):
    alias = connection.alias
    timeout = connections[alias].settings_dict["OPTIONS"].get("timeout")
    connections[alias].settings_dict["OPTIONS"]["timeout"] = 0.2
    try:
        _released, done, failures = hold_then(lambda: time.sleep(0.3) or time.monotonic())
    finally:
        connections[alias].settings_dict["OPTIONS"]["timeout"] = timeout
    assert not done
    assert len(failures) == 1 and isinstance(failures[0], OperationalError)
    assert "locked" in str(failures[0])
