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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite re-prepares a statement when the schema changes")
def test_the_statements_every_request_makes_survive_a_migration_made_after_they_were_prepared(county, api_as):
    # PostgreSQL prepares a statement once it has run five times on a connection (PG_PREPARE_THRESHOLD), and a
    # prepared `SELECT *` fails ("cached plan must not change result type") once another connection (a
    # migration) adds a column: the plain statements of bianmin.database name their columns.
    import psycopg

    from bianmin.cases.services import perform
    from bianmin.org.scope import kept_unit

    staff = county.people["township_staff"]
    api = api_as(staff)
    cases = [new_case(staff, unit=county["baidi"]) for _ in range(7)]
    for case in cases[:6]:
        assert api.get("/cases", q=case.number).json()["count"] == 1
        perform(case.number, "assign", actor=staff, handler="township_staff")
        assert kept_unit(None, county["baidi"].pk) is not None
    tables = ("org_user", "org_unit", "cases_case", "cases_caseevent")
    params = connection.get_connection_params()
    keep = {k: params[k] for k in ("dbname", "user", "host", "port", "password") if params.get(k)}
    with psycopg.connect(**keep, autocommit=True) as migration:
        for table in tables:
            migration.execute(f"ALTER TABLE {table} ADD COLUMN added_later integer")
        try:
            assert api.get("/cases", q=cases[6].number).json()["count"] == 1
            assert perform(cases[6].number, "assign", actor=staff, handler="township_staff").version == 2
            assert kept_unit(None, county["baidi"].pk) is not None
        finally:
            for table in tables:
                migration.execute(f"ALTER TABLE {table} DROP COLUMN added_later")
