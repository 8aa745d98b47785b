"""Benchmark of the duty app (issue 22): the public "今日值班" board under a crowd, and resolving a month of
rosters for 300 villages.

    .venv/bin/python bench/duty.py [--rate 200] [--duration 20] [--villages 300] [--skip-board]

1. Resolve: a scratch SQLite database (or DATABASE_URL) with one township and `--villages` villages, each
   with a village hall of five cadres and the source's three layers (everyone on working Mondays, one a day
   on working days, one a day on rest days); then October 2026 (National Day, a make-up Saturday) is resolved
   for every hall through `services.resolve_places`, the path every change takes for its own place (and the
   `duty_resolve` command for a county after a calendar change), in one transaction.
   Target: < 5 s.
2. Board: `bianmin up` (gunicorn, 2 workers, the demo county) on a scratch data dir, and an open-loop load of
   `--rate` requests/s to /duty/today/<village>/ spread over the demo's villages, each request a full render
   (no If-None-Match: what a phone scanning the QR code gets). Latency counts from the moment a request was
   due, so a server that falls behind is not flattered (no coordinated omission). Target: p95 < 50 ms.
   A second, lighter shape (revalidation with the ETag, answered 304) is printed beside it.
3. Township (with the resolve half, same database): the township's month grid of its `--villages` halls
   (`grid.township_grid`: queries counted, target constant), its Excel export, and the overview of who shows
   no sign of presence on a working day (`presence.missing_check_ins`, check-ins, patrol rounds and grievances
   taken in as EXISTS subqueries) with a third of the cadres checked in. Five runs each, the best and worst.
Prints the figures; paste them into bench/RESULTS-duty.md with the command."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def resolve_child(villages: int) -> dict[str, Any]:
    """In a fresh process: build the villages, then time resolving October 2026 for all of them."""
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import transaction

    from bianmin.duty import services
    from bianmin.duty.choices import DayRule, PlaceKind
    from bianmin.duty.models import DutyDay, DutyPlace
    from bianmin.org import services as org
    from bianmin.org.choices import UnitKind

    call_command("migrate", verbosity=0)
    province = org.create_unit(actor=None, code="500000000000", name="重庆市", kind=UnitKind.PROVINCE, parent=None)
    county = org.create_unit(actor=None, code="500299000000", name="基准县", kind=UnitKind.COUNTY, parent=province)
    town = org.create_unit(actor=None, code="500299101000", name="基准镇", kind=UnitKind.TOWNSHIP, parent=county)
    hours = "08:30-12:00 14:30-18:00"
    layers = [
        services.LayerSpec("周一集中上班", DayRule.MONDAYS, True, 5, hours, 2),
        services.LayerSpec("工作日轮流值班", DayRule.WORKING_DAYS, False, 1, hours, 1),
        services.LayerSpec("双休日节假日轮流值班", DayRule.REST_DAYS, False, 1, "09:00-17:00", 1),
    ]
    posts = ["村党支部书记", "村委会主任", "村委会副主任", "村综治专干", "村文书"]
    started = time.perf_counter()
    for n in range(villages):
        code = f"500299101{200 + n:03d}"  # up to 799 villages
        village = org.create_unit(actor=None, code=code, name=f"基准{n}村", kind=UnitKind.VILLAGE, parent=town)
        services.setup_place(
            actor=None,
            unit=village,
            kind=PlaceKind.VILLAGE_HALL,
            people=[services.PersonSpec(post=p, name=f"干部{n}-{i}") for i, p in enumerate(posts)],
            layers=layers,
        )
    built = time.perf_counter() - started
    places = list(DutyPlace.objects.select_related("unit"))
    october = date(2026, 10, 1)
    started = time.perf_counter()
    with transaction.atomic():
        services.resolve_places(places, october)
    elapsed = time.perf_counter() - started
    rows = DutyDay.objects.filter(date__range=(october, date(2026, 10, 31))).count()
    result = {"villages": len(places), "seconds": round(elapsed, 2), "rows": rows, "setup_seconds": round(built, 1)}
    return {**result, **township_child(town, october)}


def township_child(town: Any, october: Any) -> dict[str, Any]:
    """Time the township's grid, its Excel and the overview of missing check-ins (in the resolve child)."""
    import io
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bianmin.duty import grid, presence
    from bianmin.duty.models import Attendance, DutyDay, DutyPlace

    def timed(work: Any) -> list[float]:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            work()
            times.append(round((time.perf_counter() - started) * 1000, 1))
        return sorted(times)

    with CaptureQueriesContext(connection) as queries:
        grid.township_grid(town, october)
    grid_ms = timed(lambda: grid.township_grid(town, october))
    excel_ms = timed(lambda: grid.export_grid(grid.township_grid(town, october), io.BytesIO()))
    day = date(2026, 10, 13)
    # The resolve half names cadres without accounts: give a third of the day's rows a checked-in account.
    from bianmin.org.models import User

    rows = list(DutyDay.objects.filter(date=day).order_by("id"))
    at = datetime(2026, 10, 13, 8, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
    for i, row in enumerate(rows):
        user = User.objects.create(username=f"bench-duty-{row.pk}")
        DutyDay.objects.filter(pk=row.pk).update(user=user)
        if i % 3 == 0:
            Attendance.objects.create(place_id=row.place_id, date=day, user=user, checked_in_at=at)
    places = DutyPlace.objects.all()
    with CaptureQueriesContext(connection) as overview_queries:
        missing = presence.missing_check_ins(places, day, limit=100_000)
    overview_ms = timed(lambda: presence.missing_check_ins(places, day, limit=100_000))
    return {
        "grid_queries": len(queries),
        "grid_ms": [grid_ms[0], grid_ms[-1]],
        "excel_ms": [excel_ms[0], excel_ms[-1]],
        "overview_rows": len(rows),
        "overview_missing": len(missing),
        "overview_queries": len(overview_queries),
        "overview_ms": [overview_ms[0], overview_ms[-1]],
    }


def measure_resolve(villages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "BIANMIN_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
        done = subprocess.run(
            [sys.executable, __file__, "--child-resolve", str(villages)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"bench: resolving failed:\n{done.stderr}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def village_codes(env: dict[str, str]) -> list[str]:
    code = (
        "from bianmin.org.models import Unit; from bianmin.org.choices import PLACE_KINDS; "
        "print(','.join(Unit.objects.filter(kind__in=PLACE_KINDS).values_list('code', flat=True)))"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1].split(",")


SERVER_TIME = """
import json, statistics, time
from django.test import Client
client, paths, times = Client(HTTP_HOST="127.0.0.1"), {paths!r}, []
for path in paths:
    client.get(path)
for i in range(1000):
    started = time.perf_counter()
    client.get(paths[i % len(paths)])
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({{"p50": round(statistics.median(times), 2), "p95": round(times[949], 2)}}))
"""


def server_time(env: dict[str, str], paths: list[str]) -> dict[str, float]:
    """The board's time inside Django, in one process (no HTTP, no load generator): p50 and p95 of 1000."""
    done = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "shell", "-c", SERVER_TIME.format(paths=paths)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def load(port: int, paths: list[str], rate: float, duration: float, etags: dict[str, str] | None) -> dict[str, Any]:
    """Open loop: request i is due at start + i/rate; a pool of connections takes them in order."""
    due: queue.Queue[tuple[float, str] | None] = queue.Queue()
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            item = due.get()
            if item is None:
                return
            at, path = item
            headers = {"Accept-Language": "zh-hans"}
            if etags is not None:
                headers["If-None-Match"] = etags[path]
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            ended = time.perf_counter()
            with lock:
                latencies.append((ended - at) * 1000)
                if status not in (200, 304):
                    errors.append(status)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(16)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    total = int(rate * duration)
    for i in range(total):
        at = start + i / rate
        pause = at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((at, paths[i % len(paths)]))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "requests": total,
        "achieved_rate": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "errors": len(errors),
    }


def measure_board(rate: float, duration: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {**os.environ, "BIANMIN_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
        env.pop("DATABASE_URL", None)
        log = open(Path(data) / "up.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "-m", "bianmin.cli_main", "up", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bench: bianmin up did not start:\n" + (Path(data) / "up.log").read_text())
                time.sleep(0.5)
            # `bianmin up` runs the sweep as it starts (the demo county's overdue cases): measure after it.
            log_path = Path(data) / "up.log"
            settle = time.monotonic() + 180
            while "scheduled sweep:" not in log_path.read_text() and time.monotonic() < settle:
                time.sleep(1)
            paths = [f"/duty/today/{code}/" for code in village_codes(env)]
            etags = {}
            # Warm up: each worker renders each board once and keeps it (until a change); collect the ETags.
            for _round in range(6):
                for path in paths:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                        etags[path] = r.headers["ETag"]
            full = load(port, paths, rate, duration, None)
            revalidate = load(port, paths, rate, min(duration, 10), etags)
            return {
                "villages": len(paths),
                "full": full,
                "revalidate": revalidate,
                "server_ms": server_time(env, paths),
                "load_average": os.getloadavg()[0],
            }
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--skip-board", action="store_true")
    parser.add_argument("--skip-resolve", action="store_true")
    parser.add_argument("--child-resolve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_resolve:
        print(json.dumps(resolve_child(args.child_resolve)))
        return
    if not args.skip_resolve:
        resolved = measure_resolve(args.villages)
        verdict = "ok" if resolved["seconds"] < 5 else "MISSED"
        print(
            f"resolve October 2026 for {resolved['villages']} villages: {resolved['seconds']} s "
            f"({resolved['rows']} duty days written; target < 5 s: {verdict}; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        print(
            f"township grid of {resolved['villages']} halls: {resolved['grid_queries']} queries, "
            f"best/worst of 5 {resolved['grid_ms']} ms; its Excel {resolved['excel_ms']} ms; overview of "
            f"missing check-ins over {resolved['overview_rows']} duty days ({resolved['overview_missing']} missing): "
            f"{resolved['overview_queries']} query, {resolved['overview_ms']} ms"
        )
    if args.skip_board:
        return
    board = measure_board(args.rate, args.duration)
    full, again = board["full"], board["revalidate"]
    verdict = "ok" if full["p95_ms"] < 50 and full["errors"] == 0 else "MISSED"
    print(
        f"public board, full render, {board['villages']} villages: {json.dumps(full)} (target p95 < 50 ms: {verdict})"
    )
    print(f"public board, revalidation with the ETag (304): {json.dumps(again)}")
    print(f"public board, time inside Django (one process, ms): {json.dumps(board['server_ms'])}")
    print(f"load average (1 min) at the end: {board['load_average']:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
