"""What the database needs besides migrations."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In

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


def per_vendor(statements: dict[str, list[str]]) -> Any:
    """A migration's RunPython function that executes the statements written for the database in use
    (triggers and their functions, which the two databases spell differently)."""

    def apply(apps: Any, schema_editor: Any) -> None:
        for statement in statements[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)

    return apply


class AnyOf(Lookup):
    """`field__any_of=<subquery or values>`: membership in a subquery's rows that either database can answer from an
    index even inside an OR. PostgreSQL turns `x IN (subquery)` under an OR into a filter run on every
    row; `x = ANY(ARRAY(subquery))` runs the subquery once and leaves an index condition, so an OR of
    scope terms becomes a BitmapOr of index scans. SQLite already indexes `IN (subquery)` under an OR."""

    lookup_name = "any_of"
    prepare_rhs = False  # a list is prepared by the `in` lookup it becomes, a subquery needs nothing

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not hasattr(self.rhs, "as_sql"):  # a list of values: the `in` lookup's own SQL, empty lists included
            return compiler.compile(In(self.lhs, self.rhs))  # type: ignore[no-any-return]
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (lhs, rhs), (*lhs_params, *rhs_params)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
