"""The database rate limit under a burst: count and check are one statement, so no burst passes the limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bianmin.cases.tests.test_concurrency import run_together
from bianmin.models import ThrottleBucket
from bianmin.throttle import allow, purge

HOUR = timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_100_concurrent_requests_passes_no_more_than_the_limit():
    # 25 connections (PostgreSQL's default allows 100 in all), each firing 4 requests at the same moment.
    def four() -> list[bool]:
        return [allow("burst", "10.0.0.1", limit=7, window=HOUR) for _ in range(4)]

    results = run_together([four for _ in range(25)])
    answers = [answer for result in results for answer in result]  # an exception here would fail the test
    assert len(answers) == 100 and answers.count(True) == 7
    assert ThrottleBucket.objects.get().count == 7
    connection.close()


@pytest.mark.django_db
def test_the_window_opens_at_the_first_request_and_a_new_one_after_it_lapses():
    assert [allow("lookup", "10.0.0.2", limit=2, window=HOUR) for _ in range(3)] == [True, True, False]
    assert allow("lookup", "10.0.0.3", limit=2, window=HOUR)  # another caller has their own count
    ThrottleBucket.objects.update(started_at=timezone.now() - HOUR - timedelta(seconds=1))
    assert [allow("lookup", "10.0.0.2", limit=2, window=HOUR) for _ in range(3)] == [True, True, False]


@pytest.mark.django_db
def test_old_buckets_are_purged_and_hold_no_address_in_clear():
    allow("lookup", "10.0.0.4", limit=2, window=HOUR)
    assert "10.0.0.4" not in str(list(ThrottleBucket.objects.values()))
    ThrottleBucket.objects.update(started_at=timezone.now() - timedelta(days=2))
    assert purge() == 1 and not ThrottleBucket.objects.exists()
