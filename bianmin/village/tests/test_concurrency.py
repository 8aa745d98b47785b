"""Two payments at once that together would pass the budget: exactly one is written (the conditional UPDATE),
on both databases; the other is refused with the over-budget conflict and leaves nothing behind."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from bianmin.errors import Conflict
from bianmin.village import projects
from bianmin.village.models import Disbursement, Project
from bianmin.village.tests.test_permissions import started


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_spend_does_not_pass(village):
    p = started(village, budget_fen=1_000_000)
    cadre = village.people["cadre_a"]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def pay() -> None:
        try:
            barrier.wait()
            projects.disburse(
                p,
                actor=cadre,
                payee_name="路桥公司",
                payee_code="",
                amount_fen=400_000,
                paid_on=date(2026, 4, 1),
                voucher="记-9",
            )
            outcomes.append("paid")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = Project.objects.get(pk=p.pk)
    assert outcomes.count("paid") == 2, outcomes  # 800,000 of 1,000,000: a third would pass the budget
    assert (
        fresh.disbursed_fen
        == 800_000
        == sum(Disbursement.objects.filter(project=p).values_list("amount_fen", flat=True))
    )
