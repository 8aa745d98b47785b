"""What the database needs besides migrations."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DEFERRED, Field, ForeignObject, Lookup, Model
from django.db.models.lookups import In
from django.db.models.sql import Query

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


# Plain INSERT and UPDATE of one model row, for the writes every action makes inside its transaction. The
# ORM compiles each statement afresh (0.2–0.5 ms for a case's fifty columns, while the write lock is held);
# these statements are built once per model and column list. The values are prepared exactly as the ORM
# prepares them (`pre_save`, then `get_db_prep_save`), so auto_now columns and JSON behave the same.
# No signals are sent: nothing in the platform listens to these models' saves.


@cache
def _insert_fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    meta = model._meta
    return tuple(f for f in meta.concrete_fields if f is not meta.auto_field)


@cache
def _insert_statement(model: type[Model], vendor: str, nulls: tuple[bool, ...]) -> str:
    """The INSERT of `model`'s row, with NULL written in the statement for the columns `nulls` marks. A case
    has fifty columns and a new one leaves a dozen empty: psycopg caches its parse of a statement only up to
    fifty parameters, and parsed the case's INSERT afresh (80 µs) on every intake."""
    holes = ", ".join("NULL" if null else "%s" for null in nulls)
    pk = connection.ops.quote_name(str(model._meta.pk.column if model._meta.pk else "id"))
    return f"{_insert_into(model)} VALUES ({holes}) RETURNING {pk}"


@cache
def _insert_into(model: type[Model]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in _insert_fields(model))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


def _insert_values(instance: Model, db: Any) -> tuple[str, list[Any]]:
    """The INSERT statement of the new row `instance` and its parameters."""
    values = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in _insert_fields(type(instance))]
    nulls = tuple(value is None for value in values)
    return _insert_statement(type(instance), db.vendor, nulls), [value for value in values if value is not None]


@cache
def _update_statement(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, list[Field[Any, Any]]]:
    meta = model._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    fields = [by_name[name] for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    pk = quote(str(meta.pk.column if meta.pk else "id"))
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {pk} = %s", fields  # noqa: S608


def insert_row(instance: Model, along: tuple[str, list[Any]] | None = None) -> None:
    """INSERT `instance` (a model with an automatic id) and set its id, as `save()` on a new row would. With
    `along`, an UPDATE and its parameters that belong with the row (the caller's transaction holds both): on
    PostgreSQL it runs within the INSERT's statement (a data-modifying WITH: one round trip, not two), on
    SQLite, where a WITH cannot hold an UPDATE and a statement costs no round trip, just before it."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection itself: `connection` is a proxy to it
    sql, values = _insert_values(instance, db)
    if along is not None and db.vendor == "postgresql":
        sql, values = f"WITH along AS ({along[0]}) {sql}", [*along[1], *values]
    elif along is not None:
        with db.cursor() as cursor:
            cursor.execute(*along)
    with db.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, db.alias


def update_row(instance: Model, names: list[str], expect: dict[str, Any] | None = None) -> bool:
    """UPDATE the columns `names` of the saved row `instance`, as `save(update_fields=names)` would; with
    `expect` ({column name: value}), only if the row still holds those values. Whether a row was updated
    (a row count of 0 under `expect`: someone changed the row meanwhile)."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, params = update_statement(instance, names, expect)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount)


def update_statement(instance: Model, names: list[str], expect: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The UPDATE of `update_row`, and its parameters."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, fields = _update_statement(type(instance), tuple(names), db.vendor)
    params = [field.get_db_prep_save(field.pre_save(instance, False), db) for field in fields] + [instance.pk]
    if expect:
        sql += "".join(f" AND {db.ops.quote_name(column)} = %s" for column in expect)
        params += list(expect.values())
    return sql, params


# Plain SELECTs that give model instances: what `Model.objects.raw()` does, without resolving the columns'
# fields and their converters again on every call (0.1 ms of each of the reads every request makes: the
# token, the locked case, a case found by number).


Fields = tuple[str, ...] | None  # the fields (attnames) a partial row reads; None: all of them


@cache
def _fields_of(model: type[Model], fields: Fields) -> tuple[Field[Any, Any], ...]:
    concrete = tuple(model._meta.concrete_fields)
    return concrete if fields is None else tuple(f for f in concrete if f.attname in fields)


@cache
def columns_of(model: type[Model], alias: str, fields: Fields = None) -> str:
    """The model's columns (or those of `fields`, the primary key among them), qualified by the table alias
    `alias`, in the order `from_rows` expects."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(str(f.column))}" for f in _fields_of(model, fields))


def read_rows(
    model: type[Model], sql: str, params: list[Any], fields: Fields = None
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Run `sql` (which selects `columns_of(model, …, fields)` first) and give `from_rows` of what it returns."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return from_rows(model, cursor.fetchall(), fields)


def from_rows(
    model: type[Model], rows: list[tuple[Any, ...]], fields: Fields = None
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Each row whose first columns are `columns_of(model, …, fields)` as (instance, the row's other columns). A
    partial instance (`fields`) loads any other field from the database when it is read, as `only()` does."""
    chosen = _fields_of(model, fields)
    wrapper = connections[DEFAULT_DB_ALIAS]
    converters = _converters(model, wrapper.vendor, fields)
    names, blank, places = _layout(model, fields)
    found = []
    for row in rows:
        values = list(row[: len(chosen)])
        for position, (functions, expression) in converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, wrapper)
            values[position] = value
        if places is not None:  # a partial row: every field in place, those not read deferred
            full = blank.copy()
            for place, value in zip(places, values, strict=True):
                full[place] = value
            values = full
        found.append((model.from_db(wrapper.alias, names, values), tuple(row[len(chosen) :])))
    return found


@cache
def _layout(model: type[Model], fields: Fields) -> tuple[list[str], list[Any], tuple[int, ...] | None]:
    """How `from_rows` hands a row to `Model.from_db`: every field's name, a row of deferred values, and where
    the fields read go in it (None when all are read). Given a partial row, `from_db` would place each value
    by searching the names it was given (a list) for each of the model's fields, on every row."""
    every = [f.attname for f in model._meta.concrete_fields]
    if fields is None:
        return every, [], None
    read = {f.attname for f in _fields_of(model, fields)}
    return every, [DEFERRED] * len(every), tuple(i for i, name in enumerate(every) if name in read)


@cache
def _converters(model: type[Model], vendor: str, fields: Fields = None) -> list[tuple[int, tuple[list[Any], Any]]]:
    # Per vendor, not per connection: the converters are the backend's and the fields' own functions, which
    # read nothing of the connection they were first resolved on (each call is given the caller's).
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    columns: list[Any] = [field.get_col(model._meta.db_table) for field in _fields_of(model, fields)]
    return sorted(compiler.get_converters(columns).items())
