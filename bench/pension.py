"""Benchmark of pension certification (issue 24; DESIGN §7): 700 certifications through the API, the overdue
list of a township over a million pensioners, and an import of 100,000 register rows.

    .venv/bin/python bench/pension.py [--pensioners 1000000] [--databases sqlite,postgresql]
        [--certifications 700] [--import-rows 100000] [--repeat 50]

Each database is built once (migrate, the demo county's units and accounts, then N pensioners written in bulk
over its villages, 浣花村 holding enough for the certifications) and kept under bench/var/ and in the
PostgreSQL database bianmin_bench_pension while it holds N. Then, each in a fresh process:
  certify  `bianmin up --no-demo` (gunicorn, 2 workers) and one client posting the hall's call
           (POST /api/v1/pension/certifications by identity number, answered in full) for 700 people of 浣花村
           one after another, as the village cadre — the hall's day in one go: total time and per-call latency
  overdue  the township's overdue list as its leader asks for it: GET /api/v1/pension/pensioners?list=overdue
           &unit=白帝镇 (first page of 50 and the count) and the page /pension/?list=overdue, in-process
           (Django's test client: server time without the network), p50/p95 over --repeat calls
  import   a workbook of 100,000 new pensioners (written beforehand) imported with `import_register`,
           time and peak RSS of the process, then the same file again (idempotent: nothing changes)
Prints a table against the targets and writes bench/RESULTS-pension.md."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "bench" / "var"
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
TARGETS = {
    "certify_total_s": 30.0,
    "certify_p95_ms": 50.0,
    "overdue_p95_ms": 100.0,
    "import_s": 60.0,
    "import_mb": 300.0,
}
HALL_VILLAGE = "浣花村"
TOWNSHIP = "白帝镇"


def database_url(vendor: str) -> str:
    if vendor == "sqlite":
        return os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{VAR / 'pension.sqlite3'}")
    return os.environ.get("BENCH_PG_URL", f"{PG_SERVER}/bianmin_bench_pension")


def env_for(vendor: str) -> dict[str, str]:
    VAR.mkdir(parents=True, exist_ok=True)
    data = VAR / f"pension-{vendor}"
    data.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": database_url(vendor),
        "BIANMIN_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "bianmin.settings",
        "SWEEP_EVERY_MINUTES": "0",
    }


def child(vendor: str, task: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, __file__, "--child", task, *args], env=env_for(vendor), cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: {task} on {vendor} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- in the child processes ------------------------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(n: int) -> dict[str, Any]:
    """Migrate, the demo county's units and accounts, and `n` pensioners in bulk (idempotent on `n`)."""
    setup_django()
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bianmin.database import refresh_statistics
    from bianmin.demo import _load_county
    from bianmin.org.choices import PLACE_KINDS
    from bianmin.org.models import Unit, User
    from bianmin.org.tokens import create_token
    from bianmin.pension import cycle, services
    from bianmin.pension.choices import PensionerStatus
    from bianmin.pension.ids import resident_id
    from bianmin.pension.models import Pensioner

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    have = Pensioner.objects.count()
    if have != n:
        if have:
            _truncate(connection)
        with transaction.atomic():
            _load_county(2026)
        schemes = services.default_schemes()
        villages = list(Unit.objects.filter(kind__in=PLACE_KINDS).order_by("path"))
        hall = next(v for v in villages if v.name == HALL_VILLAGE)
        rng = random.Random(24)  # noqa: S311 (test data, not secrets)
        today = timezone.localdate()
        rule = services.Rule(12, 0)
        batch: list[Pensioner] = []
        for i in range(n):
            village = hall if i < 2000 else villages[i % len(villages)]
            # Serial numbers from the index: unique over 1,000 serials × 29 years × 365 days.
            birth = date(1936, 1, 1) + timedelta(days=(i // 1000) % (29 * 365))
            number = resident_id("500236", birth, i % 1000)
            last = today - timedelta(days=rng.randrange(420))
            p = Pensioner(
                village=village,
                name="测试" + str(i % 9973),
                id_number=number,
                birth_date=birth,
                scheme=schemes["170"],
                phone="",
                address="",
            )
            services.derive(p, rule, last)
            if p.suspend_after < today - timedelta(days=31):
                p.status, p.suspended_from = PensionerStatus.SUSPENDED, cycle.next_month(p.suspend_after)
            batch.append(p)
            if len(batch) == 5000:
                Pensioner.objects.bulk_create(batch)
                batch = []
        Pensioner.objects.bulk_create(batch)
        refresh_statistics()
        analyze()
    cadre = User.objects.get(username="village_cadre")
    leader = User.objects.get(username="township_leader")
    _row, token = create_token(cadre, name="bench")
    numbers = list(
        Pensioner.objects.filter(village__name=HALL_VILLAGE, status=PensionerStatus.ACTIVE)
        .order_by("due_on")
        .values_list("id_number", flat=True)[:1000]
    )
    return {
        "built_s": round(time.perf_counter() - started, 1),
        "pensioners": Pensioner.objects.count(),
        "token": token,
        "numbers": numbers,
        "leader": leader.username,
    }


def _truncate(connection: Any) -> None:
    from bianmin.pension.models import Certification, Pensioner, PensionerEvent

    for model in (PensionerEvent, Certification, Pensioner):
        model.objects.all().delete()


def overdue(repeat: int) -> dict[str, Any]:
    setup_django()
    from django.test import Client

    from bianmin.org.models import Unit, User
    from bianmin.org.tokens import create_token

    leader = User.objects.get(username="township_leader")
    township = Unit.objects.get(name=TOWNSHIP)
    _row, token = create_token(leader, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(leader)
    url = f"/api/v1/pension/pensioners?list=overdue&unit={township.code}&limit=50"
    results: dict[str, Any] = {}
    for name, client, path in (("api", api, url), ("page", page, f"/pension/?list=overdue&unit={township.code}")):
        times = []
        count = None
        for _ in range(repeat + 3):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            if name == "api":
                count = response.json()["count"]
        times = sorted(times[3:])  # the first calls warm the process up
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "count": count,
        }
    return results


def write_workbook(path: Path, rows: int) -> None:
    setup_django()
    from openpyxl import Workbook

    from bianmin.org.models import Unit
    from bianmin.pension.excel import COLUMNS
    from bianmin.pension.ids import resident_id

    villages = [u.code for u in Unit.objects.filter(parent__name=TOWNSHIP, kind="village").order_by("code")]
    # A normal workbook, as Excel saves one (shared strings), not openpyxl's streaming writer (inline strings).
    book = Workbook()
    sheet = book.active
    sheet.title = "领取待遇人员"
    sheet.append([h for _f, h, _r in COLUMNS])
    for i in range(rows):
        # Area 500237 (the neighbouring county's code): never one of the built register's numbers.
        birth = date(1940, 1, 1) + timedelta(days=(i // 1000) % 9000)
        sheet.append(
            [
                f"导入{i}",
                resident_id("500237", birth, i % 1000),
                "170",
                villages[i % len(villages)],
                f"1380000{i % 10000:04d}",
                f"{i % 12 + 1}组",
                (date(2026, 1, 1) + timedelta(days=i % 300)).isoformat(),
                "否",
            ]
        )
    book.save(path)


def import_file(path: str) -> dict[str, Any]:
    setup_django()
    from bianmin.pension.excel import import_register

    started, cpu = time.perf_counter(), time.process_time()
    result = import_register(path, actor=None)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_mb": round(peak_mb(), 0),
        "rows": result.rows,
        "created": result.created,
        "unchanged": result.unchanged,
        "problems": len(result.problems),
    }


def cleanup() -> dict[str, Any]:
    """Drop the imported pensioners (area code 500237) with their events and certifications: three DELETEs
    with a subquery (Django's cascade would list 100,000 ids, past PostgreSQL's limit on parameters)."""
    setup_django()
    from django.db import connection, transaction

    from bianmin.database import refresh_statistics
    from bianmin.pension.models import Certification, Pensioner, PensionerEvent

    people = Pensioner._meta.db_table
    imported = f"SELECT id FROM {people} WHERE id_number LIKE '500237%%'"  # noqa: S608 (our own names)
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (PensionerEvent, Certification):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE pensioner_id IN ({imported})")  # noqa: S608
        cursor.execute(f"DELETE FROM {people} WHERE id_number LIKE '500237%%'")  # noqa: S608
        deleted = cursor.rowcount
    analyze()
    refresh_statistics()
    return {"deleted": deleted}


def analyze() -> None:
    """Fresh planner statistics on PostgreSQL after a bulk load, as autovacuum would gather a little later
    (with the estimates of an empty table it chose a due-date scan of the whole county: 250 ms instead of 15)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- the parent ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def certify(vendor: str, token: str, numbers: list[str], count: int) -> dict[str, Any]:
    """`bianmin up --no-demo` with 2 workers and one client certifying `count` people one after another."""
    port = free_port()
    log = (VAR / f"pension-{vendor}-server.log").open("wb")
    process = subprocess.Popen(
        [PYTHON, "-m", "bianmin.cli_main", "up", "--no-demo", "--no-schedule", "--workers", "2", "--port", str(port)],
        env=env_for(vendor),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: the server did not come up; see {log.name}") from None
                time.sleep(0.3)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        times, errors = [], 0
        started = time.perf_counter()
        for number in numbers[:count]:
            body = json.dumps({"id_number": number, "method": "fingerprint_on_site", "device_ref": "ZW-BENCH-1"})
            t0 = time.perf_counter()
            connection.request("POST", "/api/v1/pension/certifications", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - t0) * 1000)
            errors += response.status != 201
        total = time.perf_counter() - started
        times.sort()
        return {
            "count": len(times),
            "errors": errors,
            "total_s": round(total, 2),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
        }
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()


def ensure_pg_database() -> None:
    import psycopg

    url = database_url("postgresql")
    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pensioners", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--certifications", type=int, default=700)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, *rest = args.child
        if task == "build":
            print(json.dumps(build(int(rest[0]))))
        elif task == "overdue":
            print(json.dumps(overdue(int(rest[0]))))
        elif task == "workbook":
            write_workbook(Path(rest[0]), int(rest[1]))
            print(json.dumps({}))
        elif task == "cleanup":
            print(json.dumps(cleanup()))
        elif task == "import":
            print(json.dumps(import_file(rest[0])))
        return
    rows = []
    for vendor in args.databases.split(","):
        if vendor == "postgresql":
            ensure_pg_database()
        built = child(vendor, "build", str(args.pensioners))
        print(f"{vendor}: {built['pensioners']:,} pensioners (built in {built['built_s']} s)", flush=True)
        cert = certify(vendor, built["token"], built["numbers"], args.certifications)
        print(f"{vendor}: certify {cert}", flush=True)
        lists = child(vendor, "overdue", str(args.repeat))
        print(f"{vendor}: overdue {lists}", flush=True)
        book = VAR / f"pension-import-{args.import_rows}-v2.xlsx"
        if not book.exists():
            child(vendor, "workbook", str(book), str(args.import_rows))
        first = child(vendor, "import", str(book))
        again = child(vendor, "import", str(book))
        print(f"{vendor}: import {first} again {again}", flush=True)
        child(vendor, "cleanup")  # back to the N built pensioners for the next run
        rows.append((vendor, built, cert, lists, first, again))
    report(args, rows)


def report(args: argparse.Namespace, rows: list[tuple[str, Any, Any, Any, Any, Any]]) -> None:
    lines = [
        "# Pension certification benchmark (issue 24)",
        "",
        f"`.venv/bin/python bench/pension.py --pensioners {args.pensioners} --databases {args.databases}` on "
        f"{platform.node()} ({os.cpu_count()} cores), {time.strftime('%Y-%m-%d %H:%M %Z')}, load average at the end "
        f"{os.getloadavg()[0]:.1f} (the machine is shared: wall times include waiting for a core). Generated by the "
        "script.",
        "",
        "| database | pensioners | 700 certifications: total (target < 30 s) | p50 / p95 / max per call (p95 < 50 ms) "
        "| overdue list of 白帝镇, API p50 / p95 (< 100 ms) | page p50 / p95 | overdue count "
        "| import 100k: time (< 60 s) / peak RSS (< 300 MB) | re-import: time, unchanged |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for vendor, built, cert, lists, first, again in rows:
        lines.append(
            f"| {vendor} | {built['pensioners']:,} | {cert['total_s']} s ({cert['errors']} errors) "
            f"| {cert['p50_ms']} / {cert['p95_ms']} / {cert['max_ms']} ms "
            f"| {lists['api']['p50_ms']} / {lists['api']['p95_ms']} ms | {lists['page']['p50_ms']} / {lists['page']['p95_ms']} ms "
            f"| {lists['api']['count']:,} | {first['seconds']} s / {first['peak_mb']:.0f} MB ({first['created']:,} created, "
            f"{first['problems']} problems) | {again['seconds']} s, {again['unchanged']:,} |"
        )
    lines += [
        "",
        "Certifications: one client, one HTTP/1.1 connection, calls one after another against `bianmin up --no-demo` "
        "(gunicorn, 2 sync workers) on the same 2-core machine; each call is the hall's keyboard flow answered in "
        "full (the record, the pensioner's new due date). The overdue list: in-process (Django's test client, "
        "server time without the network), the township leader's scope, first page of 50 with its count. The "
        "import: `import_register` in its own process (peak RSS of that process, openpyxl read-only), every row "
        "checked, then written in batches of 2,000 in one transaction.",
    ]
    (ROOT / "bench" / "RESULTS-pension.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
