"""Benchmark of the village app (issue 23): the public village-affairs board under a crowd, and the township's
overdue report over 300 villages and five years of publications.

    .venv/bin/python bench/village.py [--rate 200] [--duration 20] [--villages 300] [--years 5]
        [--databases sqlite,postgresql] [--skip-board] [--skip-report]

1. Report: a scratch database (SQLite in a temporary folder; PostgreSQL in bianmin_bench_village) with one
   county, one township and `--villages` villages, each with the demo's six catalogue items and `--years`
   years of their publications written in bulk (most published on time, some late, the last ones overdue),
   and a township leader with an API token. Then, in the same process through Django's test client (server
   time, no network), the township leader's calls: GET /api/v1/village/report for the whole period (on-time
   rate per village and township, decisions, funds, flags) and GET /api/v1/village/overdue (the first page and
   the count), and the report page /village/report/. Five runs each after one warm-up; best and worst.
   Target: < 1 s.
2. Board: `bianmin up` (gunicorn, 2 workers, the demo county) on a scratch data dir, and an open-loop load of
   `--rate` requests/s to /village/board/<village>/ spread over the demo's villages, each a full render (what
   a phone scanning a notice's QR code gets). Latency counts from the moment a request was due (no coordinated
   omission). Target: p95 < 50 ms. The time inside Django (one process, no HTTP) is printed beside it.
Prints the figures; a run of both halves writes bench/RESULTS-village.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from duty import free_port, load, server_time, village_codes

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DB = "bianmin_bench_village"


def report_child(villages: int, years: int) -> dict[str, Any]:
    """In a fresh process: build the township, then time the township leader's report and overdue list."""
    import django

    django.setup()
    from datetime import date, datetime, timedelta
    from datetime import time as clock

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bianmin.org import services as org
    from bianmin.org.choices import Role, UnitKind
    from bianmin.org.tokens import create_token
    from bianmin.village import rules
    from bianmin.village.demo import ITEMS
    from bianmin.village.models import CatalogueItem, Publication, PublicationVersion, digest

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the report page renders with the manifest
    today = timezone.localdate()
    province = org.create_unit(actor=None, code="500000000000", name="重庆市", kind=UnitKind.PROVINCE, parent=None)
    county = org.create_unit(actor=None, code="500236000000", name="奉节县", kind=UnitKind.COUNTY, parent=province)
    town = org.create_unit(actor=None, code="500236101000", name="白帝镇", kind=UnitKind.TOWNSHIP, parent=county)
    started = time.perf_counter()
    places = [
        org.create_unit(
            actor=None, code=f"500236101{200 + i:03d}"[:12], name=f"第{i}村", kind=UnitKind.VILLAGE, parent=town
        )
        for i in range(1, villages + 1)
    ]
    starts = date(today.year - years, today.month, 1)
    items = CatalogueItem.objects.bulk_create(
        [
            CatalogueItem(village=v, category=c, name=n, legal_basis=b, cadence=k, responsible=o, starts_on=starts)
            for v in places
            for c, n, b, k, o in ITEMS
        ],
        batch_size=2000,
    )
    rows = []
    for index, item in enumerate(items):
        for number, period in enumerate(rules.periods(item.cadence, starts, today, item.due_day)):
            late, open_ = (index + number) % 9 == 0, period.due_on >= today - timedelta(days=40) and index % 3 == 0
            published = None if open_ else period.due_on + timedelta(days=3 if late else -2)
            rows.append(
                Publication(
                    village_id=item.village_id,
                    item=item,
                    category=item.category,
                    source="schedule",
                    title=f"{item.name}（{rules.period_label(item.cadence, period.start)}）",
                    body="本期收支明细见附表。",
                    status="published" if published else "draft",
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.due_on,
                    first_published_on=published,
                )
            )
    Publication.objects.bulk_create(rows, batch_size=2000)
    versions = [
        PublicationVersion(
            publication=p,
            number=1,
            title=p.title,
            body=p.body,
            sha256=digest(p.title, p.body),
            published_at=timezone.make_aware(datetime.combine(p.first_published_on, clock(10))),
        )
        for p in rows
        if p.first_published_on
    ]
    PublicationVersion.objects.bulk_create(versions, batch_size=2000)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    leader = org.create_user(
        actor=None,
        username="bench_leader",
        password="x" * 20,
        display_name="镇长",
        memberships=[(town, Role.TOWNSHIP_LEADER)],
    )
    _row, token = create_token(leader, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    page.force_login(leader)
    span = {"start": today.replace(year=today.year - years).isoformat(), "end": today.isoformat(), "unit": town.code}

    def timed(call: Any) -> list[float]:
        call()  # warm-up
        found = []
        for _ in range(5):
            t0 = time.perf_counter()
            response = call()
            found.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content[:300]
        return sorted(found)

    report = api.get("/api/v1/village/report", span).json()
    if "total" not in report:
        raise SystemExit(f"bench: the report answered {report}")
    overdue = api.get("/api/v1/village/overdue", {"unit": town.code}).json()
    return {
        "database": connection.vendor,
        "villages": villages,
        "publications": len(rows),
        "build_s": round(built, 1),
        "rate": report["total"]["rate"],
        "overdue": overdue["count"],
        "report_ms": [round(x, 1) for x in timed(lambda: api.get("/api/v1/village/report", span))],
        "overdue_ms": [round(x, 1) for x in timed(lambda: api.get("/api/v1/village/overdue", {"unit": town.code}))],
        "page_ms": [round(x, 1) for x in timed(lambda: page.get("/village/report/", span))],
    }


def measure_report(vendor: str, villages: int, years: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "BIANMIN_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
        env.pop("DATABASE_URL", None)
        if vendor == "postgresql":
            import psycopg

            with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
                conn.execute(f'CREATE DATABASE "{PG_DB}"')
            env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
        done = subprocess.run(
            [sys.executable, __file__, "--child-report", f"{villages},{years}"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"bench: the report on {vendor} failed:\n{done.stderr[-4000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_board(rate: float, duration: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {**os.environ, "BIANMIN_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
        env.pop("DATABASE_URL", None)
        log_path = Path(data) / "up.log"
        log = open(log_path, "wb")  # noqa: SIM115 (closed below)
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
                    raise SystemExit("bench: bianmin up did not start:\n" + log_path.read_text())
                time.sleep(0.5)
            settle = time.monotonic() + 180  # measure after the start-up sweep
            while "scheduled sweep:" not in log_path.read_text() and time.monotonic() < settle:
                time.sleep(1)
            paths = [f"/village/board/{code}/" for code in village_codes(env)]
            for _round in range(3):
                for path in paths:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                        assert r.status == 200
            full = load(port, paths, rate, duration, None)
            return {
                "villages": len(paths),
                "full": full,
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
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--skip-board", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--child-report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_report:
        villages, years = map(int, args.child_report.split(","))
        print(json.dumps(report_child(villages, years)))
        return
    lines = [
        "# Village affairs benchmark (issue 23)",
        "",
        f"`{' '.join(['.venv/bin/python', 'bench/village.py', *sys.argv[1:]])}` on {platform.node()}, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
    ]
    if not args.skip_report:
        lines += [
            "| database | villages | publications | report API ms (best–worst of 5) | overdue API ms | report page ms | on-time rate | overdue | target < 1 s |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for vendor in args.databases.split(","):
            r = measure_report(vendor, args.villages, args.years)
            worst = max(r["report_ms"][-1], r["overdue_ms"][-1], r["page_ms"][-1])
            verdict = "ok" if worst < 1000 else "MISSED"
            line = (
                f"| {r['database']} | {r['villages']} | {r['publications']} | {r['report_ms'][0]}–{r['report_ms'][-1]} | "
                f"{r['overdue_ms'][0]}–{r['overdue_ms'][-1]} | {r['page_ms'][0]}–{r['page_ms'][-1]} | {r['rate']}% | {r['overdue']} | {verdict} |"
            )
            print(line)
            lines.append(line)
        lines.append("")
    if not args.skip_board:
        board = measure_board(args.rate, args.duration)
        full = board["full"]
        verdict = "ok" if full["p95_ms"] < 50 and full["errors"] == 0 else "MISSED"
        text = [
            f"Public board, full render over {board['villages']} demo villages at {args.rate:g} requests/s for {args.duration:g} s "
            f"(`bianmin up`, 2 workers, SQLite): {json.dumps(full)} — target p95 < 50 ms: **{verdict}**.",
            "",
            f"Time inside Django (one process, no HTTP, 1000 renders): {json.dumps(board['server_ms'])} ms. "
            f"Load average at the end {board['load_average']:.1f}.",
        ]
        print("\n".join(text))
        lines += text
    if not (args.skip_board or args.skip_report):  # a partial run prints only; it never replaces the record
        (ROOT / "bench" / "RESULTS-village.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
