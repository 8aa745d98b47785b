"""The queue's contended statements, named for what they do: choosing the next tickets for a window,
claiming one, and writing a ticket's event. One path on both databases: the claim is a conditional UPDATE
on the ticket's status and version, so of two windows that chose the same ticket exactly one changes it (on
PostgreSQL the second UPDATE waits for the first's commit, then finds the status changed; SQLite's writers
queue at BEGIN IMMEDIATE); the loser chooses again.

Plain SQL, because call-next is the hall's busiest write: the ORM compiled the choice (three subqueries and
an ordering of cases) in 9–10 ms of CPU on every call, against 0.3 ms to run it (PostgreSQL, EXPLAIN
ANALYZE, 2026-12-06); with eight windows' threads sharing a process that compile time queued up into the
call's p95. These statements are built once per database."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from django.db import connection

from bianmin.database import columns_of, from_rows, insert_row, read_rows, update_row
from bianmin.hall.choices import TicketStatus, WindowState
from bianmin.hall.models import (
    IN_HAND_STATUSES,
    QueueService,
    Ticket,
    TicketEvent,
    Window,
    WindowService,
    WindowSession,
)


def _literal(value: str) -> str:
    """A status of the hall's own choices as an SQL literal: written into the statement (not bound), so that
    SQLite can match the partial index `hall_ticket_in_hand` to it."""
    assert value.isidentifier(), value  # noqa: S101 (our own enum values: letters and underscores)
    return f"'{value}'"


@cache
def _candidates_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    ticket, service = quote(Ticket._meta.db_table), quote(QueueService._meta.db_table)
    pairs, sessions = quote(WindowService._meta.db_table), quote(WindowSession._meta.db_table)
    window = quote(Window._meta.db_table)
    in_hand = ", ".join(_literal(s) for s in IN_HAND_STATUSES)
    return (
        f"SELECT {columns_of(Ticket, 't')}, {columns_of(QueueService, 's')} "  # noqa: S608 (names and our literals)
        f"FROM {ticket} t JOIN {service} s ON s.id = t.service_id "
        f"JOIN {pairs} p ON p.service_id = t.service_id AND p.window_id = %s "
        f"WHERE t.hall_id = %s AND t.day = %s AND t.status = {_literal(TicketStatus.WAITING)} "
        "AND (t.target_window_id IS NULL OR t.target_window_id = %s) "
        f"AND EXISTS (SELECT 1 FROM {sessions} se JOIN {window} w ON w.id = se.window_id "
        f"WHERE se.window_id = %s AND se.user_id = %s AND se.ended_at IS NULL "
        f"AND w.state = {_literal(WindowState.OPEN)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {ticket} h WHERE h.window_id = %s AND h.status IN ({in_hand})) "
        "ORDER BY CASE WHEN t.green = '' THEN 1 ELSE 0 END, "
        "CASE WHEN t.appointment_at <= %s THEN 0 ELSE 1 END, p.priority, t.queued_at, t.id "
        "LIMIT %s"
    )


def next_candidates(window: Window, actor_id: int, day: date, now: datetime, limit: int = 5) -> list[Ticket]:
    """The first waiting tickets `window` may call, in calling order: the green channel, then appointments
    whose time has come, then the window's priority of the service (1 first), then the place in the queue
    (issue time, kept through a transfer). A ticket transferred to a named window waits for that window only.
    A few rather than one, so that a window losing a race tries the next without asking again.

    Empty as well when the caller may not call now: not signed in at the window, the window not open, or a
    ticket still in hand there. Those conditions are part of this one statement (call-next's busiest path is
    then three statements: this, the claim and its event); `services.call_next` asks why only when nothing
    came back."""
    ops = connection.ops
    params = [
        window.pk,
        window.hall_id,
        ops.adapt_datefield_value(day),
        window.pk,
        window.pk,
        actor_id,
        window.pk,
        ops.adapt_datetimefield_value(now),
        limit,
    ]
    found = []
    for ticket, rest in read_rows(Ticket, _candidates_sql(connection.vendor), params):
        ticket.service = from_rows(QueueService, [rest])[0][0]
        found.append(ticket)
    return found


@cache
def _claim_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"UPDATE {quote(Ticket._meta.db_table)} SET status = {_literal(TicketStatus.CALLED)}, "  # noqa: S608
        "window_id = %s, target_window_id = NULL, served_by_id = %s, version = version + 1, updated_at = %s "
        f"WHERE id = %s AND status = {_literal(TicketStatus.WAITING)} AND version = %s"
    )


def claim(ticket: Ticket, *, window: Window, actor_id: int, now: datetime) -> bool:
    """Move `ticket` from waiting to called at `window` if no one changed it since it was read."""
    params = [window.pk, actor_id, connection.ops.adapt_datetimefield_value(now), ticket.pk, ticket.version]
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(connection.vendor), params)
        return bool(cursor.rowcount == 1)


def add_event(event: TicketEvent) -> None:
    """Append a ticket's event (one INSERT, built once)."""
    insert_row(event)


@cache
def _signed_in_sql(vendor: str) -> str:
    table = connection.ops.quote_name(WindowSession._meta.db_table)
    return f"SELECT 1 FROM {table} WHERE window_id = %s AND user_id = %s AND ended_at IS NULL"  # noqa: S608


def signed_in_at(window_id: int, user_id: int) -> bool:
    """Whether the person is signed in at the window now (the hall's every action at a window asks)."""
    with connection.cursor() as cursor:
        cursor.execute(_signed_in_sql(connection.vendor), [window_id, user_id])
        return cursor.fetchone() is not None


@cache
def _lock_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    ticket, service = quote(Ticket._meta.db_table), quote(QueueService._meta.db_table)
    # Only the ticket's row (`OF t`): locking its queue's row too would make every window of the queue wait
    # for each other. SQLite has no row locks: its BEGIN IMMEDIATE already holds the database's write lock.
    lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {columns_of(Ticket, 't')}, {columns_of(QueueService, 's')} "  # noqa: S608 (names)
        f"FROM {ticket} t JOIN {service} s ON s.id = t.service_id WHERE t.id = %s{lock}"
    )


def lock_ticket(pk: int) -> Ticket | None:
    """The ticket `pk` with its queue, locked until the transaction ends (inside one); None if there is none."""
    found = read_rows(Ticket, _lock_sql(connection.vendor), [pk])
    if not found:
        return None
    ticket: Ticket = found[0][0]
    ticket.service = from_rows(QueueService, [found[0][1]])[0][0]
    return ticket


def save_ticket(ticket: Ticket, names: list[str]) -> None:
    """Write the columns `names` of a locked ticket (one UPDATE, built once per column list)."""
    update_row(ticket, names)
