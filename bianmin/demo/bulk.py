"""Demo cases in bulk: a county's backdated history (a million cases in minutes) written with raw SQL.

Each case's history is played on `bulk_replay.Replay`, which yields exactly the rows the services would
write (statuses, deadlines on the working-day calendar, counters, hash-chained events), and the rows go in
by batches: `executemany` on SQLite, COPY on PostgreSQL. Deterministic for a seed and a moment `now`:
each day draws from its own generator, so batches do not depend on one another except through ids."""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import accumulate
from typing import Any, TypeVar

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bianmin.cases import sla
from bianmin.cases.choices import Channel, LimitUnit, Urgency
from bianmin.cases.models import Case, CaseEvent, CaseExtension, CasePause, Category, Classification, DailySequence
from bianmin.cases.queries import rebuild_open_case_text
from bianmin.database import refresh_statistics
from bianmin.demo.bulk_replay import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    EXTENSION_COLUMNS,
    PAUSE_COLUMNS,
    CaseState,
    Deadlines,
    Replay,
    same_stamp,
    sqlite_stamp,
)
from bianmin.demo.bulk_story import (
    ANYTIME_PROFILE,
    CATEGORY_DEPARTMENTS,
    CATEGORY_WEIGHTS,
    CHANNELS,
    OFFICE_PROFILE,
    RESTDAY_CHANNEL_WEIGHTS,
    SELF_SUBMITTED,
    URGENT_CATEGORIES,
    WORKDAY_CHANNEL_WEIGHTS,
    Clock,
    Story,
    StoryWorld,
    seeded,
)
from bianmin.demo.cases import CATEGORIES, GIVEN, SURNAMES, _handler
from bianmin.org.choices import UnitKind
from bianmin.org.models import Unit, User
from bianmin.workdays.services import current_calendar

# Above this many cases the played demo (~50 cases/s through the services) is too slow: write in bulk.
BULK_THRESHOLD = 2000
BATCH_CASES = 20_000

T = TypeVar("T")
Job = tuple[list[tuple[date, int]], int]  # days of a batch with their case counts, and its first case id
Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]
# A demo category as the generator uses it: ((id, limit, limit unit), code, kind, [(title, content)]).
DemoCategory = tuple[tuple[int, int | None, str], str, str, list[tuple[str, str]]]


def _pick(rng: random.Random, items: Sequence[T], cum: Sequence[float]) -> T:
    return items[bisect(cum, rng.random() * cum[-1])]


@dataclass
class BulkReport:
    cases: int = 0
    events: int = 0
    seconds: float = 0.0
    skipped: bool = False


@dataclass
class _World:
    """What the generator needs from the database, read once before the first batch."""

    story: StoryWorld
    places: list[Unit]
    place_cum: list[float]
    categories: list[DemoCategory]
    category_by_id: dict[int, DemoCategory]
    category_cum: list[float]
    covering_team: dict[int, int]
    units: dict[int, Unit]
    usernames: dict[int, str]
    classifications: dict[str, int]


def load_bulk_cases(
    seed: int,
    count: int,
    *,
    days: int = 540,
    now: datetime | None = None,
    batch_cases: int = BATCH_CASES,
    workers: int | None = None,
    report: Callable[[str], Any] | None = None,
) -> BulkReport:
    """Fill an empty case table with `count` cases received over the last `days` days up to `now`.

    `workers` processes generate and write batches side by side (default: one per CPU; 0: all here).
    The rows do not depend on how many there are; only the order of event ids does."""
    say = report or (lambda _line: None)
    result = BulkReport()
    if Case.objects.exists():
        say("cases already exist: the bulk demo only fills an empty case table, nothing added")
        result.skipped = True
        return result
    if count <= 0:
        return result
    started = time.perf_counter()
    now = now or timezone.now()
    _check_columns()
    deadlines = Deadlines(current_calendar())
    clock = Clock(deadlines.calendar.is_workday)
    plan = _day_plan(seed, count, days, now, clock.workday)
    taken = dict(DailySequence.objects.filter(day__in=[d for d, _n in plan]).values_list("day", "last"))
    jobs: list[Job] = []
    next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for batch in _batches(plan, batch_cases):
        jobs.append((batch, next_id))
        next_id += sum(n for _day, n in batch)
    stamp = same_stamp if connection.vendor == "postgresql" else sqlite_stamp
    generator = _Generator(seed, _load_world(seed), deadlines, clock, now, taken, stamp)
    for cases, events in _loaded(generator, jobs, workers):
        result.cases += cases
        result.events += events
        say(f"{result.cases:,}/{count:,} cases, {result.events:,} events, {time.perf_counter() - started:.1f} s")
    _finish({day: taken.get(day, 0) + n for day, n in plan if n})
    result.seconds = time.perf_counter() - started
    say(f"bulk demo: {result.cases:,} cases, {result.events:,} events in {result.seconds:.1f} s")
    return result


@dataclass
class _Generator:
    """Everything a batch needs, so that a forked worker can generate it without the database."""

    seed: int
    world: _World
    deadlines: Deadlines
    clock: Clock
    now: datetime
    taken: dict[date, int]  # numbers already issued on a day before the load
    stamp: Callable[[datetime | None], Any]

    def batch(self, job: Job) -> Rows:
        days, next_id = job
        w = self.world
        replay = Replay(
            units=w.units,
            covering_team=w.covering_team,
            deadlines=self.deadlines,
            usernames=w.usernames,
            classifications=w.classifications,
            stamp=self.stamp,
            saved_at=timezone.now(),
        )
        story = Story(w.story, replay, self.clock, self.now)
        cases = []
        for day, n in days:
            for state in _day_cases(self.seed, day, n, next_id, self.taken.get(day, 0), w, replay, story, self.now):
                cases.append(replay.finish(state))
            next_id += n
        events, pauses, extensions = replay.take_rows()
        return cases, events, pauses, extensions

    def load(self, job: Job) -> tuple[int, int]:
        """Generate and write one batch; returns its numbers of cases and events."""
        cases, events, pauses, extensions = self.batch(job)
        with _Writer() as writer:
            writer.write(cases, events, pauses, extensions)
        return len(cases), len(events)


# Set in the parent just before it forks its workers, which inherit it rather than unpickle it per batch.
_generator: _Generator | None = None


def _load_in_worker(job: Job) -> tuple[int, int]:
    if _generator is None:
        raise RuntimeError("bulk demo worker started without a generator")
    try:
        return _generator.load(job)
    finally:
        connection.close()  # its own connection, opened for this batch: the server sees a clean goodbye


def _loaded(generator: _Generator, jobs: list[Job], workers: int | None) -> Iterator[tuple[int, int]]:
    """Each batch generated and written, in order of the jobs as they finish: by forked workers, each
    writing with its own connection (SQLite queues them on its write lock), or here inside a transaction
    (a test's), where another connection could not see the county and would wait on its lock."""
    global _generator
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    fork = "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or not fork or connection.in_atomic_block:
        yield from map(generator.load, jobs)
        return
    _generator = generator
    connection.close()  # no worker may inherit this connection: two processes on one socket corrupt it
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_load_in_worker, jobs)
    finally:
        _generator = None


def _check_columns() -> None:
    """Raw SQL bypasses the models: refuse to write if a table gained or lost a column since this was written."""
    for model, columns in (
        (Case, CASE_COLUMNS),
        (CaseEvent, ("id", *EVENT_COLUMNS)),
        (CasePause, ("id", *PAUSE_COLUMNS)),
        (CaseExtension, ("id", *EXTENSION_COLUMNS)),
    ):
        actual = {str(f.column) for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise RuntimeError(
                f"bulk demo: {model._meta.db_table} columns changed (missing here: {sorted(actual - set(columns))}, "
                f"gone from the model: {sorted(set(columns) - actual)}); update bianmin/demo/bulk_replay.py"
            )


def _load_world(seed: int) -> _World:
    rng = seeded(seed, "world")
    categories: list[DemoCategory] = []
    for code, name, limit, kind, templates in CATEGORIES:
        category, _created = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "limit_value": limit, "limit_unit": LimitUnit.WORKING_DAYS if limit else ""},
        )
        categories.append(((category.pk, category.limit_value, category.limit_unit), code, kind, templates))
    units = {u.pk: u for u in Unit.objects.filter(is_active=True)}
    places = list(Unit.objects.places().order_by("code"))
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("code"))
    covering_team: dict[int, int] = {}
    teams = Unit.objects.filter(kind=UnitKind.WORK_TEAM, is_active=True).order_by("pk").prefetch_related("covers")
    for team in teams:
        for village in team.covers.all():
            covering_team.setdefault(village.pk, team.pk)
    # One demo handler per unit that may act on a case, created before the first batch.
    cache: dict[int, User] = {}
    acting = {*places, *departments, *(units[i] for i in covering_team.values())}
    acting |= {units[p.parent_id] for p in places if p.parent_id in units}
    for unit in sorted(acting, key=lambda u: u.code):
        _handler(unit, cache)
    supervisor = User.objects.filter(username="supervisor", is_active=True).first()
    by_suffix = {d.code.rsplit("-", 1)[-1]: d.pk for d in departments}
    category_departments = {
        ids[0]: [by_suffix[s] for s in CATEGORY_DEPARTMENTS.get(code, []) if s in by_suffix]
        for ids, code, _kind, _templates in categories
    }
    usernames = {user.pk: user.username for user in cache.values()}
    return _World(
        story=StoryWorld(
            handler={unit_id: user.pk for unit_id, user in cache.items()},
            supervisor=supervisor.pk if supervisor else None,
            departments=[d.pk for d in departments],
            category_departments=category_departments,
            covering_team=covering_team,
        ),
        places=places,
        # Some villages are bigger or more vocal than others.
        place_cum=list(accumulate(rng.uniform(0.4, 1.8) for _ in places)),
        categories=categories,
        category_by_id={c[0][0]: c for c in categories},
        category_cum=list(accumulate(CATEGORY_WEIGHTS.get(code, 5) for _c, code, _k, _t in categories)),
        covering_team=covering_team,
        units=units,
        usernames=usernames,
        classifications=dict(Classification.objects.filter(is_active=True).values_list("code", "pk")),
    )


def _day_plan(
    seed: int, count: int, days: int, now: datetime, is_workday: Callable[[date], bool]
) -> list[tuple[date, int]]:
    """How many cases each day received: more on working days, slowly growing as the platform caught on,
    today only up to now. Exact total by largest remainders."""
    rng = seeded(seed, "days")
    today = sla.local_date(now)
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    local_now = now.astimezone(sla.SHANGHAI)
    elapsed_slots = (local_now.hour * 60 + local_now.minute) / 30
    profile = [(o + a) / 2 for o, a in zip(OFFICE_PROFILE, ANYTIME_PROFILE, strict=True)]
    today_share = sum(w * min(1.0, max(0.0, elapsed_slots - i)) for i, w in enumerate(profile)) / sum(profile)
    weights = []
    for index, day in enumerate(span):
        weight = (1.0 if is_workday(day) else 0.35) * (0.85 + 0.3 * index / max(1, days - 1))
        weights.append(weight * rng.uniform(0.88, 1.12) * (today_share if day == today else 1.0))
    total = sum(weights)
    exact = [count * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(span)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    return list(zip(span, counts, strict=True))


def _batches(plan: list[tuple[date, int]], size: int) -> Iterator[list[tuple[date, int]]]:
    batch: list[tuple[date, int]] = []
    held = 0
    for day, n in plan:
        batch.append((day, n))
        held += n
        if held >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _day_cases(
    seed: int,
    day: date,
    n: int,
    first_id: int,
    first_number: int,
    world: _World,
    replay: Replay,
    story: Story,
    now: datetime,
) -> Iterator[CaseState]:
    """The `n` cases received on `day`, numbered in the order they came in, each played to its present."""
    rng = seeded(seed, day.isoformat())
    story.rng = rng
    workday = story.clock.workday(day)
    weights = WORKDAY_CHANNEL_WEIGHTS if workday else RESTDAY_CHANNEL_WEIGHTS
    channel_cum = list(accumulate(weights))
    office_cum, anytime_cum = list(accumulate(OFFICE_PROFILE)), list(accumulate(ANYTIME_PROFILE))
    midnight = datetime.combine(day, clock_time(), tzinfo=sla.SHANGHAI)
    arrivals: list[tuple[datetime, str]] = []
    while len(arrivals) < n:
        channel = _pick(rng, CHANNELS, channel_cum)
        cum = anytime_cum if channel in SELF_SUBMITTED or channel == Channel.HOTLINE else office_cum
        slot = bisect(cum, rng.random() * cum[-1])
        at = (midnight + timedelta(minutes=30 * slot + rng.uniform(0, 30))).astimezone(UTC)
        if at < now:  # today's cases only up to now
            arrivals.append((at, channel))
    arrivals.sort()
    for index, (at, way) in enumerate(arrivals):
        village = _pick(rng, world.places, world.place_cum)
        category, code, kind, templates = _pick(rng, world.categories, world.category_cum)
        title, content = rng.choice(templates)
        group = f"{rng.randint(1, 8)}组"
        master = story.merge_candidate(village.pk, at)
        if master is not None:  # the same matter brought again: same words, same category
            category, code, kind, _templates = world.category_by_id[master.category_id or 0]
            title, content = master.title, master.content
        else:
            content = content.format(
                place=village.name, group=group, group2=f"{rng.randint(1, 8)}组", days=rng.randint(2, 6)
            )
        urgent = code in URGENT_CATEGORIES and rng.random() < 0.03
        self_submitted = way in SELF_SUBMITTED
        # Staff register some letters, visits and calls as awaiting acceptance, for a decision by the village.
        submitted = self_submitted or rng.random() < 0.1
        cadre = world.story.handler[village.pk]
        state = replay.create(
            case_id=first_id + index,
            number=f"{day:%Y%m%d}-{first_number + index + 1:05d}",
            actor=None if self_submitted else cadre,
            channel=way,
            kind=kind,
            category=category,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            title=title,
            content=content,
            address=village.name + group if rng.random() < 0.6 else "",
            citizen_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            citizen_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            village=village.pk,
            submitted=submitted,
            at=at,
        )
        story.play(state, self_submitted=self_submitted, master=master)
        yield state


class _Writer:
    """Inserts a batch's rows in one transaction: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self._restore: list[str] = []

    def __enter__(self) -> _Writer:
        # Only the load runs unsynced: a crash mid-load loses demo rows, never a real write. Parallel
        # writers wait on each other's batches for longer than a request would. SQLite refuses to change
        # these inside a transaction (as under a test), where they are left alone.
        if not self.postgres and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for pragma, value in (("synchronous", "OFF"), ("cache_size", "-262144"), ("busy_timeout", "600000")):
                    cursor.execute(f"PRAGMA {pragma}")
                    row = cursor.fetchone()
                    self._restore.append(f"PRAGMA {pragma}={row[0] if row else ''}")
                    cursor.execute(f"PRAGMA {pragma}={value}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._restore:
            with connection.cursor() as cursor:
                for statement in self._restore:
                    cursor.execute(statement)

    def write(
        self,
        cases: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
        pauses: list[tuple[Any, ...]],
        extensions: list[tuple[Any, ...]],
    ) -> None:
        with transaction.atomic():
            if self.postgres:
                self._skip_reference_checks()
            self._insert(Case._meta.db_table, CASE_COLUMNS, cases)
            self._insert(CaseEvent._meta.db_table, EVENT_COLUMNS, events)
            self._insert(CasePause._meta.db_table, PAUSE_COLUMNS, pauses)
            self._insert(CaseExtension._meta.db_table, EXTENSION_COLUMNS, extensions)

    @staticmethod
    def _skip_reference_checks() -> None:
        """Half of PostgreSQL's work on these rows is checking their foreign keys one by one. Every id here
        was read from the database or given by this load (and SQLite, which the tests run on too, checks
        them), so skip the checks for this transaction, as `pg_restore --disable-triggers` does. It also
        skips the triggers that keep the open cases' words (`_finish` rebuilds that table). Needs a superuser (or, from
        PostgreSQL 15, a role granted SET on the parameter); without one the checks simply run."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass

    def _insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


TABLES = "cases_case, cases_caseevent, cases_casepause, cases_caseextension, cases_opencasetext"


def _finish(last_numbers: dict[date, int]) -> None:
    """Record each day's last number so later intakes continue the sequence, and move PostgreSQL's id
    sequence past the ids given here."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO cases_dailysequence (day, last) VALUES (%s, %s) "
            "ON CONFLICT (day) DO UPDATE SET last = excluded.last",
            [(day if postgres else str(day), last) for day, last in sorted(last_numbers.items())],
        )
        if postgres:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT MAX(id) FROM cases_case))"
            )
    rebuild_open_case_text()
    if postgres and not connection.in_atomic_block:
        # Fresh statistics, or the first queries on a million rows plan as if the tables were empty; and a
        # visibility map, or the reports' index-only scans visit every row's page until autovacuum comes
        # round (the nine-month report: 3.4 s before, 0.4 s after, at a million cases).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {TABLES}")
    elif postgres:  # inside a transaction (a test): VACUUM cannot run there
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLES}")
    refresh_statistics()
