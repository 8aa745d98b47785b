"""The indexes of the tables every action writes (issue 6): each is one the models declare, none repeats the
leading column of another, and a link most rows lack is indexed only where set. An index costs every
write that changes its columns; migration 0017 dropped the ones no query needed."""

from __future__ import annotations

import pytest
from django.db import connection, models

from bianmin.cases.models import Case, CaseEvent, Notification

WRITTEN = (Case, CaseEvent, Notification)


def database_indexes(model: type[models.Model]) -> dict[str, list[str]]:
    """The table's indexes that are not the primary key nor a unique constraint: name → columns."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if info["index"] and not info["primary_key"] and not info["unique"]
    }


def declared_indexes(model: type[models.Model]) -> set[str]:
    """The index names the model declares: its Meta.indexes, and Django's index of each foreign key left
    with db_index."""
    names = {index.name for index in model._meta.indexes}
    editor = connection.schema_editor()  # for its naming only: not entered, it alters nothing
    for field in model._meta.concrete_fields:
        if field.remote_field is not None and field.db_index and not field.unique:
            names.add(editor._create_index_name(model._meta.db_table, [field.column], suffix=""))
    return names


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_the_database_has_exactly_the_declared_indexes(db: None, model: type[models.Model]) -> None:
    assert set(database_indexes(model)) == declared_indexes(model)


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_no_index_is_the_leading_part_of_another(db: None, model: type[models.Model]) -> None:
    partial = {index.name for index in model._meta.indexes if index.condition is not None}
    indexes = {name: columns for name, columns in database_indexes(model).items() if name not in partial}
    for name, columns in indexes.items():
        for other, longer in indexes.items():
            assert other == name or longer[: len(columns)] != columns, f"{name} leads {other}"


def test_links_most_cases_lack_are_indexed_where_set_and_still_serve_lookups(db: None) -> None:
    for link in ("category", "citizen", "handler", "classification", "master"):
        index = next(index for index in Case._meta.indexes if index.fields == [link])
        assert index.condition == models.Q(**{f"{link}__isnull": False})
    # A lookup by the link uses its partial index (the condition follows from the equality).
    query = str(Case.objects.filter(master_id=1).values("id").query)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a test's table is small enough to read whole
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + query)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "cases_case_master" in plan


def test_no_prefix_index_beside_a_unique_text_column(db: None) -> None:
    """PostgreSQL adds a varchar_pattern_ops index beside a unique text column for LIKE 'prefix%'; the case
    number and the notification key are only ever matched whole."""
    for model in WRITTEN:
        with connection.cursor() as cursor:
            names = connection.introspection.get_constraints(cursor, model._meta.db_table)
        assert not [name for name in names if name.endswith("_like")]
