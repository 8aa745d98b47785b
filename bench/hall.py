"""The service hall under load: 120 windows calling while tickets are taken, through the JSON API in-process
(Django's test client with real bearer tokens: routing, authentication, scope, the service, the database;
no HTTP server or network), and the hall display's board polled twice a second.

    .venv/bin/python bench/hall.py [--vendors sqlite postgresql] [--tickets 1000] [--threads 8]
                                   [--history-days 250] [--write]

Each database is a scratch one (a SQLite file in a temporary directory; PostgreSQL `bianmin_hall_bench`,
dropped and made again), migrated, with the demo county's organisation, one hall of 120 windows (each with
formal staff signed in, calling four queues) and `--history-days` working days of 1,000 tickets each with
their events (a year: 250 days, 250,000 tickets, a million events).

The run is time-compressed: the hour's 1,000 tickets are all waiting, then `--threads` threads share the 120
windows and call, start and finish them as fast as they can (1,000 calls in seconds rather than an hour: far
more contention than the hall ever sees), while another thread takes more tickets and a display thread polls
the board every 500 ms. Figures: call-next p50/p95 (target p95 < 100 ms), whether any ticket was called twice,
display latency from a call's commit to the first board that shows it (target p95 < 1 s), and the time of a
day's statistics for the hall with the history loaded (target < 1 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
WINDOWS = 120
QUEUES = ("A", "B", "C", "D")


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# --- the child: one database ----------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (import every view now, before the long history load)
    call_command("migrate", verbosity=0)
    from bianmin.demo import _load_county

    _load_county(2026)
    hall, staff = build_hall()
    started = time.perf_counter()
    history = load_history(hall, args.history_days)
    loaded = time.perf_counter() - started
    result = {"history_tickets": history, "history_load_s": round(loaded, 1)}
    result |= run(hall, staff, args)
    result |= time_stats(hall)
    print("RESULT " + json.dumps(result))


def build_hall() -> tuple[Any, list[Any]]:
    from datetime import time as clock

    from django.contrib.auth.hashers import make_password

    from bianmin.hall.models import Hall, QueueService, Window, WindowService
    from bianmin.hall.services import sign_in
    from bianmin.org.choices import EmploymentType, Role
    from bianmin.org.models import Membership, Unit, User

    center = Unit.objects.get(code="500236-ZWZX")
    hall = Hall.objects.create(unit=center, name="基准大厅", phone="023-56550000")
    services = [
        QueueService.objects.create(
            hall=hall,
            name=f"业务{q}",
            kind="grievance",
            prefix=q,
            daily_cap=100000,
            warning_waiting=100,
            opens_at=clock(0),
            closes_at=clock(23, 59, 59),
            position=i,
        )
        for i, q in enumerate(QUEUES)
    ]
    Window.objects.bulk_create(Window(hall=hall, number=n, name=f"{n}号窗口") for n in range(1, WINDOWS + 1))
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    # Each window calls two queues: its own first, the next one second.
    WindowService.objects.bulk_create(
        WindowService(window=w, service=services[(i + k) % len(services)], priority=k + 1)
        for i, w in enumerate(windows)
        for k in range(2)
    )
    User.objects.bulk_create(
        User(
            username=f"bench{n:03d}",
            display_name=f"窗口{n}",
            employment_type=EmploymentType.FORMAL,
            password=make_password(None),
        )
        for n in range(1, WINDOWS + 1)
    )
    people = list(User.objects.filter(username__startswith="bench").order_by("username"))
    Membership.objects.bulk_create(Membership(user=u, unit=center, role=Role.WINDOW_STAFF) for u in people)
    for window, person in zip(windows, people, strict=True):
        sign_in(window, actor=person)
    return hall, list(zip(windows, people, strict=True))


def load_history(hall: Any, days: int) -> int:
    """`days` past working days of 1,000 tickets each: issued, called, started, finished, written in bulk."""
    import random

    from django.utils import timezone

    from bianmin.hall.models import QueueService, Ticket, TicketEvent, Window
    from bianmin.hall.services import LOCAL

    rng = random.Random(7)  # noqa: S311 (made-up history, not secrets)
    services = list(QueueService.objects.filter(hall=hall))
    windows = list(Window.objects.filter(hall=hall).values_list("id", flat=True))
    day, made, today = timezone.localdate(), 0, timezone.localdate()
    for _ in range(days):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        seq: dict[int, int] = {}
        tickets = []
        for i in range(1000):
            s = services[i % len(services)]
            seq[s.pk] = seq.get(s.pk, 0) + 1
            at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=LOCAL) + timedelta(seconds=i * 28)
            tickets.append(
                Ticket(
                    hall=hall,
                    service=s,
                    issued_for=s,
                    day=day,
                    seq=seq[s.pk],
                    number=f"{s.prefix}{seq[s.pk]:03d}",
                    channel="kiosk",
                    issued_at=at,
                    queued_at=at,
                    status="finished",
                    window_id=rng.choice(windows),
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        events = []
        for t in tickets:
            called = t.issued_at + timedelta(seconds=rng.randint(30, 1800))
            begun = called + timedelta(seconds=rng.randint(10, 60))
            done = begun + timedelta(seconds=rng.randint(120, 1200))
            for action, before, after, at in (
                ("issue", "", "waiting", t.issued_at),
                ("call", "waiting", "called", called),
                ("start", "called", "serving", begun),
                ("finish", "serving", "finished", done),
            ):
                events.append(
                    TicketEvent(
                        ticket=t,
                        hall=hall,
                        service_id=t.service_id,
                        action=action,
                        from_status=before,
                        to_status=after,
                        window_id=t.window_id if action != "issue" else None,
                        at=at,
                    )
                )
        TicketEvent.objects.bulk_create(events, batch_size=4000)
        made += len(tickets)
    assert today >= day
    return made


def run(hall: Any, staff: list[Any], args: argparse.Namespace) -> dict[str, Any]:
    """The paced phase (calls arriving at `--rate` a second, Poisson) and then the saturated one (every thread
    calling back to back), with a taker and the display polling throughout."""
    import random

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from bianmin.hall.models import TicketEvent
    from bianmin.org.tokens import create_token

    anonymous = Client()
    for i in range(args.tickets):
        anonymous.post(
            f"/api/v1/hall/halls/{hall.pk}/tickets", {"service": QUEUES[i % 4]}, content_type="application/json"
        )
    connection.close()
    tokens = {person.pk: create_token(person, name="bench")[1] for _w, person in staff}
    answered: dict[str, float] = {}  # ticket number → when its call was answered
    latency: dict[str, list[float]] = {"paced": [], "saturated": []}
    takes: list[float] = []
    errors: list[str] = []
    stop, lock = threading.Event(), threading.Lock()

    def serve(client: Any, window: Any, person: Any, phase: str) -> bool:
        auth = {"Authorization": f"Bearer {tokens[person.pk]}"}
        base = f"/api/v1/hall/windows/{window.pk}"
        t0 = time.perf_counter()
        answer = client.post(base + "/call-next", content_type="application/json", headers=auth)
        elapsed = time.perf_counter() - t0
        if answer.status_code == 409:
            return False
        if answer.status_code != 200:
            errors.append(f"{answer.status_code} {answer.content[:200]!r}")
            return False
        ticket = answer.json()
        with lock:
            latency[phase].append(elapsed)
            answered[ticket["number"]] = time.monotonic()
        for action in ("start", "finish"):
            client.post(
                f"{base}/tickets/{ticket['id']}/actions",
                {"action": action},
                content_type="application/json",
                headers=auth,
            )
        return True

    def paced(pairs: list[Any], seed: int) -> None:
        client, rng = Client(), random.Random(seed)  # noqa: S311 (arrival times, not secrets)
        try:
            for i in range(args.paced_calls // args.threads):
                time.sleep(rng.expovariate(args.rate / args.threads))
                window, person = pairs[i % len(pairs)]
                serve(client, window, person, "paced")
        finally:
            connection.close()

    def saturated(pairs: list[Any]) -> None:
        client = Client()
        try:
            idle = 0
            while idle < len(pairs):
                idle = sum(not serve(client, w, u, "saturated") for w, u in pairs)
        finally:
            connection.close()

    def taker() -> None:
        client = Client()
        try:
            i = 0
            while not stop.is_set():
                t0 = time.perf_counter()
                client.post(
                    f"/api/v1/hall/halls/{hall.pk}/tickets", {"service": QUEUES[i % 4]}, content_type="application/json"
                )
                takes.append(time.perf_counter() - t0)
                i += 1
                time.sleep(1 / args.rate)
        finally:
            connection.close()

    seen: dict[str, float] = {}
    boards: list[float] = []

    def display() -> None:
        client = Client()
        try:
            while not stop.is_set():
                t0 = time.perf_counter()
                board = client.get(f"/api/v1/hall/halls/{hall.pk}/board").json()
                boards.append(time.perf_counter() - t0)
                now = time.monotonic()
                for call in board["calls"]:
                    seen.setdefault(call["number"], now)
                time.sleep(0.5)
        finally:
            connection.close()

    def together(threads: list[threading.Thread]) -> float:
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    groups = [staff[i :: args.threads] for i in range(args.threads)]
    helpers = [threading.Thread(target=taker), threading.Thread(target=display)]
    for t in helpers:
        t.start()
    together([threading.Thread(target=paced, args=(g, i)) for i, g in enumerate(groups)])
    paced_display = {n: seen[n] - at for n, at in answered.items() if n in seen}
    paced_seen = len(paced_display)
    stop.set()
    for t in helpers:
        t.join()
    wall = together([threading.Thread(target=saturated, args=(g,)) for g in groups])
    connection.close()
    twice = (
        TicketEvent.objects.filter(hall=hall, action="call", ticket__day=timezone.localdate())
        .values("ticket_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    shown = list(paced_display.values())
    return {
        "rate": args.rate,
        "paced_calls": len(latency["paced"]),
        "call_p50_ms": round(p(latency["paced"], 0.5) * 1000, 1),
        "call_p95_ms": round(p(latency["paced"], 0.95) * 1000, 1),
        "saturated_calls": len(latency["saturated"]),
        "saturated_calls_per_s": round(len(latency["saturated"]) / wall, 1),
        "saturated_p95_ms": round(p(latency["saturated"], 0.95) * 1000, 1),
        "take_p95_ms": round(p(takes, 0.95) * 1000, 1),
        "board_p95_ms": round(p(boards, 0.95) * 1000, 1),
        "display_seen": paced_seen,
        "display_p95_s": round(p(shown, 0.95), 3),
        "display_median_s": round(statistics.median(shown), 3) if shown else None,
        "called_twice": twice,
        "errors": errors[:5],
    }


def time_stats(hall: Any) -> dict[str, Any]:
    from django.utils import timezone

    from bianmin.hall.models import Ticket
    from bianmin.hall.stats import daily_stats

    day = (
        Ticket.objects.filter(hall=hall)
        .exclude(day=timezone.localdate())
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if day is None:
        return {}
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        figures = daily_stats(hall, day)
        runs.append(time.perf_counter() - t0)
    return {"stats_day_tickets": figures["hall"][0]["issued"], "stats_median_s": round(statistics.median(runs), 3)}


# --- the parent -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vendors", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=3.0, help="paced calls a second (the hall's real rate: 0.28)")
    parser.add_argument("--paced-calls", type=int, default=240)
    parser.add_argument("--history-days", type=int, default=250)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS-hall.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    rows = []
    for vendor in args.vendors:
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as data_dir:
            env = {**os.environ, "BIANMIN_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
            env.pop("DATABASE_URL", None)
            if vendor == "postgresql":
                import psycopg

                with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
                    conn.execute('DROP DATABASE IF EXISTS "bianmin_hall_bench" WITH (FORCE)')
                    conn.execute('CREATE DATABASE "bianmin_hall_bench"')
                env["DATABASE_URL"] = PG_SERVER + "/bianmin_hall_bench"
            command = [
                sys.executable,
                __file__,
                "--child",
                "--tickets",
                str(args.tickets),
                "--threads",
                str(args.threads),
                "--history-days",
                str(args.history_days),
                "--rate",
                str(args.rate),
                "--paced-calls",
                str(args.paced_calls),
            ]
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
            line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{vendor}: the run failed")
            result = {"vendor": vendor, **json.loads(line[7:])}
            result["load_before_after"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            print(json.dumps(result, ensure_ascii=False))
            rows.append(result)
    if args.write:
        write(rows, args)


def write(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    head = (
        "| database | history | paced call-next p50 / p95 | display latency median / p95 | board p95 | take p95 "
        "| saturated: calls/s, call-next p95 | called twice | a day's statistics | load average before / after |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r['vendor']} | {r['history_tickets']:,} tickets | {r['call_p50_ms']} / {r['call_p95_ms']} ms "
        f"| {r['display_median_s']} / {r['display_p95_s']} s | {r['board_p95_ms']} ms | {r['take_p95_ms']} ms "
        f"| {r['saturated_calls_per_s']}, {r['saturated_p95_ms']} ms | {r['called_twice']} "
        f"| {r.get('stats_median_s')} s ({r.get('stats_day_tickets')} tickets) "
        f"| {r['load_before_after'][0]} / {r['load_before_after'][1]} |"
        for r in rows
    ]
    load = os.getloadavg()
    text = (
        "# Service hall benchmark\n\n"
        f"- command: `.venv/bin/python bench/hall.py --tickets {args.tickets} --threads {args.threads} "
        f"--rate {args.rate} --paced-calls {args.paced_calls} --history-days {args.history_days} --write`\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (other work shared the machine)\n"
        f"- run: {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC\n"
        "- measured through the JSON API in-process (Django's test client with bearer tokens: routing, "
        "authentication, scope, the service, the database; no HTTP server), in one process whose threads share "
        "the GIL.\n\n" + head + "\n".join(lines) + "\n\n"
        f"Paced: {args.paced_calls} calls arriving at {args.rate} a second (Poisson) over {args.threads} threads "
        "sharing the 120 windows, each call followed by start and finish, while a taker issues tickets at the same "
        "rate and a display polls the board every 500 ms; the hall's real load, 1,000 tickets an hour, is 0.28 "
        "calls a second. Saturated: every thread calls back to back until the queue is empty. Display latency: "
        "from a call's answer to the first board that shows it. Targets (issue 21): call-next p95 < 100 ms, "
        "display latency p95 < 1 s, a day's statistics < 1 s with a year of tickets (here: the history loaded).\n"
    )
    (ROOT / "bench" / "RESULTS-hall.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
