"""What the database needs besides migrations."""

from __future__ import annotations

from django.db import connection

# Rows sampled per index: enough for the planner to tell a selective index from a poor one, and fast
# (well under a second) however large the tables grow.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """Give SQLite's query planner fresh table statistics. Without them it guesses, and at a million cases
    a guess can turn a one-second report into one of many minutes. PostgreSQL's autovacuum keeps its own."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
