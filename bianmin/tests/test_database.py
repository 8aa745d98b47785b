"""The planner's statistics on SQLite: refreshed by `up`, `sweep` and the bulk demo, cheap at any size."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from bianmin.cases.tests.factories import new_case


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics")
def test_the_sweep_leaves_fresh_planner_statistics(county, capsys):
    new_case(county.people["cadre_a"], village=county["huanhua"])
    call_command("sweep")
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases_case'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "cases_report" in indexes
