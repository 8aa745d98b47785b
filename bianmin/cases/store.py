"""The case core's storage: the statements its door sends, named for what they do. Where the two databases
differ, or the ORM says a statement too slowly for a call every request makes, it is here and nowhere else.

An action is read, decided and then written by `write_action` as one transaction guarded by the version the
decision read: the case's UPDATE carries `WHERE version = <read>`, and a row count of 0 means someone changed
the case meanwhile; nothing is written and the door decides again on the fresh row. Every append to a case's
history bumps its version, so the version alone guards the history too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from bianmin.cases.models import Application, Case, CaseAttachment, CaseEvent, CasePause, Category, Notification
from bianmin.cases.notifications import Outgoing, deliver_after_commit
from bianmin.database import columns_of, insert_row, read_rows, update_row
from bianmin.org.models import Unit, User
from bianmin.org.scope import kept_unit


def read_case(key: int | str, actor: User | None) -> Case | None:
    """The case row by id or by number, with its handling unit (`kept_unit`: kept by the worker while the
    org version the actor's request read holds). No join and no lock: the write is guarded by the version.
    Plain SQL, because every action starts here: the ORM's compiled statement costs 0.7 ms, this 0.25."""
    column = "number" if isinstance(key, str) else "id"
    sql = f"SELECT {columns_of(Case, 'c')} FROM {Case._meta.db_table} c WHERE c.{column} = %s"  # noqa: S608
    found = read_rows(Case, sql, [key])
    if not found:
        return None
    case: Case = found[0][0]
    case.unit = kept_unit(actor, case.unit_id)
    return case


# The columns of a case a list item shows (`Presenter.item`), and those the scope and the workflow's rules read
# (a case found by its number is checked and may be acted on). Other columns load if read.
LISTED = (
    "id", "number", "workflow", "kind", "channel", "urgency", "title", "status", "unit_id", "village_id",
    "category_id", "handler_id", "citizen_id", "citizen_name", "citizen_phone", "analysis_level", "received_at",
    "due_at", "supervise_count", "version", "origin_unit_id", "created_by_id",
)  # fmt: skip


def read_listed(column: str, values: list[Any], actor: User) -> list[Case]:
    """The cases whose `column` ("id" or "number") is among `values`, with what a list item shows: the
    handler's and the category's names joined in, the units from the worker's kept units. One plain
    statement: a page of the workbench is read on every call, and compiling the ORM's four-join query cost
    more than running it."""
    cases, users, categories = Case._meta.db_table, User._meta.db_table, Category._meta.db_table
    marks = ", ".join(["%s"] * len(values))
    sql = (
        f"SELECT {columns_of(Case, 'c', LISTED)}, h.username, h.display_name, k.code FROM {cases} c "  # noqa: S608
        f"LEFT JOIN {users} h ON h.id = c.handler_id LEFT JOIN {categories} k ON k.id = c.category_id "
        f"WHERE c.{column} IN ({marks})"
    )
    found, units = [], {}  # one copy of each kept unit for the whole page: the items only show them

    def unit(pk: int) -> Unit:
        if pk not in units:
            units[pk] = kept_unit(actor, pk)
        return units[pk]

    for case, (handler_username, handler_display_name, category_code) in read_rows(Case, sql, values, LISTED):
        case.unit = unit(case.unit_id)
        case.village = unit(case.village_id) if case.village_id is not None else None
        # Partial rows (the other columns load if read): the names are all an item shows.
        if case.handler_id is not None:
            names = ["id", "username", "display_name"]
            case.handler = User.from_db(
                connection.alias, names, [case.handler_id, handler_username, handler_display_name]
            )
        if case.category_id is not None:
            case.category = Category.from_db(connection.alias, ["id", "code"], [case.category_id, category_code])
        found.append(case)
    return found


def page_of(ordered: QuerySet[Case], offset: int, limit: int, most: int) -> tuple[list[int], int]:
    """The ids of one page of `ordered` (a filtered list ordered by due time and number) and how many cases
    match, counted up to `most`: one statement that walks the index once, up to `most` rows, and sends back only
    the page (`COUNT(*) OVER ()` over the first `most`). Counting in a second statement walked the same rows
    twice, and fetching the ids up to the cap sent thousands of them to Python: at a million cases either was
    most of a list's time."""
    first = ordered.values("id", "due_at", "number")[:most]
    inner, params = first.query.sql_with_params()
    sql = f"SELECT t.id, COUNT(*) OVER () FROM ({inner}) t ORDER BY t.due_at, t.number LIMIT %s OFFSET %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    if rows:
        return [pk for pk, _count in rows], int(rows[0][1])
    return [], (first.count() if offset else 0)  # a page past the end: how many there are


PERSON = ("id", "username", "display_name")  # what a case shows of a person: the name they go by


def read_person(pk: int) -> User | None:
    """The person `pk` as a case shows them (a partial row: other fields load if read)."""
    sql = f"SELECT {columns_of(User, 'u', PERSON)} FROM {User._meta.db_table} u WHERE u.id = %s"  # noqa: S608
    found = read_rows(User, sql, [pk], PERSON)
    return found[0][0] if found else None


def read_history(case: Case) -> list[tuple[CaseEvent, str | None]]:
    """The case's events in order, each with the name its actor goes by (None: the citizen or the system)."""
    events, users = CaseEvent._meta.db_table, User._meta.db_table
    sql = (
        f"SELECT {columns_of(CaseEvent, 'e')}, a.username, a.display_name FROM {events} e "  # noqa: S608
        f"LEFT JOIN {users} a ON a.id = e.actor_id WHERE e.case_id = %s ORDER BY e.seq"
    )
    return [
        (event, (display or username) if username else None)
        for event, (username, display) in read_rows(CaseEvent, sql, [case.pk])
    ]


def read_attachments(case: Case) -> list[CaseAttachment]:
    sql = (
        f"SELECT {columns_of(CaseAttachment, 'a')} FROM {CaseAttachment._meta.db_table} a "  # noqa: S608
        "WHERE a.case_id = %s ORDER BY a.at, a.id"
    )
    found = [row for row, _rest in read_rows(CaseAttachment, sql, [case.pk])]
    for attachment in found:
        attachment.case = case
    return found


def read_assist_units(case: Case, actor: User) -> list[Unit]:
    """The units assisting the handling unit (协办), in the order they were named."""
    through = Case.assist_units.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unit_id FROM {through} WHERE case_id = %s ORDER BY id", [case.pk])  # noqa: S608
        return [kept_unit(actor, pk) for (pk,) in cursor.fetchall()]


@dataclass
class ActionWrite:
    """What one decided action writes: the case's changed columns (guarded by the version read), the event
    that follows the case's latest, the rows the effect adds, and the outbox rows."""

    case: Case
    columns: list[str]
    version: int  # the version the decision read
    event: CaseEvent
    rows: list[Model] = field(default_factory=list)
    end_pause_at: datetime | None = None
    assist_units: list[Unit] | None = None
    application: Application | None = None
    application_columns: list[str] = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)


def write_action(write: ActionWrite) -> bool:
    """Write `write` in one transaction if the case still has the version the decision read; whether it did."""
    case = write.case
    with transaction.atomic():
        if not update_row(case, write.columns, expect={"version": write.version}):
            transaction.set_rollback(True)
            return False
        if write.end_pause_at is not None:
            CasePause.objects.filter(case_id=case.pk, ended_at__isnull=True).update(ended_at=write.end_pause_at)
        if write.application is not None and write.application_columns:
            update_row(write.application, write.application_columns)
        if write.assist_units is not None:
            case.assist_units.set(write.assist_units)
        for row in write.rows:
            row.case = case  # type: ignore[attr-defined]
            insert_row(row)
        # The event before it ends now: its interval closes with the new event's insert.
        insert_row(write.event, along=_close_event(case.pk, write.event.seq - 1, write.event.at))
        for message in write.outgoing:
            _owe(case.pk, message)
        if write.outgoing:
            transaction.on_commit(deliver_after_commit)
    return True


def _close_event(case_id: int, seq: int, at: datetime) -> tuple[str, list[Any]] | None:
    """The UPDATE that ends the interval of the case's event `seq` at `at` (the next one has come), and its
    parameters; None before the first event."""
    if seq < 1:
        return None
    table = CaseEvent._meta.db_table
    sql = f"UPDATE {table} SET next_at = %s WHERE case_id = %s AND seq = %s"  # noqa: S608
    return sql, [connection.ops.adapt_datetimefield_value(at), case_id, seq]


def _owe(case_id: int, message: Outgoing) -> None:
    """Insert an outbox row; the same key is owed once, however often it is inserted. With `duplicates`, the
    citizens of the cases merged into the case are owed it too, each under `key:dup<id>` (a second SELECT of
    the same statement, not an OR with the case's own id: PostgreSQL plans a prepared `id = $1 OR master_id =
    $2` once, on a table still small, as a scan of every case, and keeps that plan as the table grows)."""
    table, cases = Notification._meta.db_table, Case._meta.db_table
    master = Case._meta.get_field("master").column
    row = "CAST(%s AS TEXT), {case}, CAST(%s AS BIGINT), CAST(%s AS BOOLEAN), {key}, CAST(%s AS TEXT), %s, 0, ''"
    sql = (
        f"INSERT INTO {table} (kind, case_id, unit_id, to_citizen, dedupe_key, message, created_at, attempts, "
        f"last_error) SELECT {row.format(case='CAST(%s AS BIGINT)', key='CAST(%s AS TEXT)')}"
    )
    key = message.key[:140]
    now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    values = [message.kind, message.unit_id, message.to_citizen]
    params = [message.kind, case_id, *values[1:], key, message.text, now]
    if message.duplicates:
        each = row.format(case="c.id", key="%s || CAST(c.id AS TEXT)")
        sql += f" UNION ALL SELECT {each} FROM {cases} c WHERE c.{master} = %s"  # noqa: S608
        params += [*values, f"{key}:dup", message.text, now, case_id]
    sql += " ON CONFLICT (dedupe_key) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# One atomic upsert: concurrent intakes (SQLite or PostgreSQL, any number of nodes) never get the same number.
ADVANCE = (
    "INSERT INTO cases_dailysequence (day, last) VALUES (%s, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = cases_dailysequence.last + 1 RETURNING last"
)


ADVANCE_SERIES = (
    "INSERT INTO cases_documentseries (unit_id, year, mark, last) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (unit_id, year, mark) DO UPDATE SET last = cases_documentseries.last + 1 RETURNING last"
)


def next_document_number(unit_id: int, year: int, mark: str) -> int:
    """Advance a unit's series of notices of one kind in a year; called inside the issuing action's
    transaction (`services.perform`), so an action that is not written gives its number back."""
    with connection.cursor() as cursor:
        cursor.execute(ADVANCE_SERIES, [unit_id, year, mark])
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 (RETURNING always yields the row)
    return int(row[0])


def next_number_of(day: date) -> int:
    """Advance the day's sequence; called inside the intake's transaction, so a failed intake gives its
    number back."""
    with connection.cursor() as cursor:
        cursor.execute(ADVANCE, [day])
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 (RETURNING always yields the row)
    return int(row[0])


def insert_case(case: Case, event: CaseEvent, rows: list[Model]) -> None:
    """Insert a new, numbered case with its first event and the rows that belong to it (the caller's
    transaction holds them together)."""
    insert_row(case)
    for row in rows:
        row.case = case  # type: ignore[attr-defined]
        insert_row(row)
    event.case = case
    insert_row(event)
