"""The planner's statistics on SQLite: refreshed by `up`, `sweep` and the bulk demo, cheap at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from bianmin.cases.models import Case
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's timestamp loader")
def test_timestamps_are_read_as_utc_instants_by_psycopgs_own_parser(county):
    from datetime import UTC, datetime, timedelta, timezone

    from bianmin.postgresql.base import UTCTimestamptzLoader

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::timestamptz, '2026-01-01 08:00:00.000001+08'::timestamptz, NULL::timestamptz",
            [datetime(2026, 12, 4, 20, 0, tzinfo=timezone(timedelta(hours=8)))],
        )
        given, written, missing = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(cursor.cursor.adapters.types["timestamptz"].oid, 0)
    assert loader is UTCTimestamptzLoader
    assert given == datetime(2026, 12, 4, 12, 0, tzinfo=UTC) and given.tzinfo is UTC
    assert written == datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC) and written.tzinfo is UTC
    assert missing is None
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    assert Case.objects.get(pk=case.pk).received_at == case.received_at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's statement cache")
def test_an_intakes_statement_stays_within_what_psycopg_caches(county):
    import psycopg._queries

    limit = getattr(psycopg._queries, "MAX_CACHED_STATEMENT_PARAMS", 50)
    length = getattr(psycopg._queries, "MAX_CACHED_STATEMENT_LENGTH", 4096)
    sent: list[tuple[str, int]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, len(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        case = new_case(county.people["cadre_a"], village=county["huanhua"])
    intake, params = next((sql, n) for sql, n in sent if sql.startswith('INSERT INTO "cases_case"'))
    assert "NULL" in intake  # the empty columns are written in the statement, not sent as parameters
    assert params <= limit and len(intake.encode()) <= length
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM cases_case WHERE id = %s AND completed_at IS NULL AND handler_id IS NULL", [case.pk]
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's parameter style")
def test_sqlite_statements_are_converted_as_django_converts_them(db):
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from bianmin.sqlite.base import CursorWrapper

    statements = ["SELECT %s, %s", "SELECT '%%' || %s", "UPDATE t SET a = %s WHERE b LIKE '%%x%%'", "SELECT 1"]
    for sql in statements * 2:  # the second time from the remembered conversions
        assert CursorWrapper.convert_query(None, sql) == SQLiteCursorWrapper.convert_query(None, sql)  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, CursorWrapper)
        cursor.execute("SELECT %s || '%%'", ["50"])
        assert cursor.fetchone() == ("50%",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL session ended by the server")
def test_a_kept_connection_whose_session_the_server_ended_is_found_unusable_and_replaced(db):
    # The health check asks `SELECT 1` only when something waits on the socket: a session the server ends (a
    # restart, a failover, pg_terminate_backend) is still found before a request uses it, and a new one opened.
    import select
    import time

    from django.db import connections

    kept = connections.create_connection("default")
    try:
        kept.ensure_connection()
        assert kept.is_usable()
        with kept.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        waiting = select.poll()
        waiting.register(kept.connection.fileno(), select.POLLIN)
        for _ in range(100):  # the server ends the session asynchronously: wait for its notice
            if waiting.poll(0):
                break
            time.sleep(0.02)
        time.sleep(0.05)  # the notice and the closed socket, as a request arriving a moment later finds them
        assert not kept.is_usable()  # the one check Django makes before the request's first statement
        kept.health_check_enabled, kept.health_check_done = True, False
        kept.close_if_health_check_failed()  # what Django does before a request's first statement
        assert kept.connection is None
        with kept.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        kept.close()
