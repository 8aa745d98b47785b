"""Benchmark of the reports (DESIGN §7): the nine-month county KPI with its township breakdown over a
million cases, on SQLite and on PostgreSQL, plus the trend, the breakdowns, a past-tense report and the
streamed Excel export of 100,000 cases (time and peak memory).

    .venv/bin/python bench/kpi.py [--cases 1000000] [--databases sqlite,postgresql] [--repeat 7]
    BENCH_SQLITE_URL=sqlite:////path/db.sqlite3 BENCH_PG_URL=postgres://…/db .venv/bin/python bench/kpi.py

Each database is prepared once (`bianmin migrate` + `bianmin demo --cases N`, kept under bench/var/ and
in the PostgreSQL database bianmin_bench) and reused while it holds N cases. Every measurement runs in a
fresh process against the prepared database; the figures are printed as a table against the targets and
written to bench/RESULTS-kpi.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "bench" / "var"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
TARGETS = {"sqlite": 2.0, "postgresql": 1.0}  # seconds, the nine-month county KPI (DESIGN §7)
EXPORT_LIMIT_S, EXPORT_LIMIT_MB = 30.0, 300.0


def database_url(vendor: str) -> str:
    """The bench database of each vendor; BENCH_SQLITE_URL / BENCH_PG_URL point at one prepared elsewhere."""
    if vendor == "sqlite":
        return os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{VAR / 'bench.sqlite3'}")
    return os.environ.get("BENCH_PG_URL", f"{PG_SERVER}/bianmin_bench")


def env_for(vendor: str) -> dict[str, str]:
    VAR.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": database_url(vendor),
        "BIANMIN_DATA_DIR": str(VAR),
        "DJANGO_SETTINGS_MODULE": "bianmin.settings",
    }


def bianmin(vendor: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", *args],
        env=env_for(vendor),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def child(vendor: str, task: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, *args],
        env=env_for(vendor),
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: measuring {task} on {vendor} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(vendor: str, cases: int) -> tuple[int, float]:
    """Create the database with `cases` demo cases unless it already holds them; returns (cases, seconds)."""
    if vendor == "postgresql" and "BENCH_PG_URL" not in os.environ:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bianmin_bench'").fetchone():
                conn.execute("CREATE DATABASE bianmin_bench")
    bianmin(vendor, "migrate", "--no-input")
    have = child(vendor, "count")["cases"]
    if have == cases:
        return have, 0.0
    if have:
        raise SystemExit(
            f"bench: the {vendor} bench database holds {have} cases, not {cases}; remove it "
            f"({VAR / 'bench.sqlite3'} or `dropdb bianmin_bench`) and run again"
        )
    started = time.perf_counter()
    bianmin(vendor, "demo", "--cases", str(cases))
    return child(vendor, "count")["cases"], time.perf_counter() - started


# --- measurements, each in its own process ---------------------------------------------------------


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _timed(fn: Any, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"first": runs[0], "median": statistics.median(runs[1:] or runs), "max": max(runs[1:] or runs)}


def measure_count() -> dict[str, Any]:
    from bianmin.cases.models import Case

    return {"cases": Case.objects.count()}


def measure_reports(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client  # the same middleware chain as the server
    from django.utils import timezone

    from bianmin.org.models import Unit, User
    from bianmin.org.tokens import create_token
    from bianmin.reports import kpi

    county = Unit.objects.get(code="500236000000")
    today = timezone.localdate()
    nine_months = kpi.Period(today - timedelta(days=273), today)
    summary = kpi.kpi_summary(county, nine_months)
    results: dict[str, Any] = {
        "vendor": connection.vendor,
        "period": f"{nine_months.start}..{nine_months.end}",
        "accepted": summary.figures.accepted,
        "completion_rate": str(summary.figures.completion_rate),
        "satisfaction_rate": str(summary.figures.satisfaction_rate),
        "townships": len([g for g in summary.breakdown if g.kind in ("township", "street")]),
        "kpi": _timed(lambda: kpi.kpi_summary(county, nine_months), repeat),
        "trend_day": _timed(lambda: kpi.kpi_trend(county, nine_months, kpi.Bucket.DAY), 3),
        "by_category": _timed(lambda: kpi.kpi_by(county, nine_months, kpi.Dimension.CATEGORY), 3),
        "as_of_30_days_ago": _timed(
            lambda: kpi.kpi_summary(county, nine_months, as_of=timezone.now() - timedelta(days=30)), 2
        ),
    }
    supervisor = User.objects.get(username="supervisor")
    _row, token = create_token(supervisor, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    params = {"start": nine_months.start.isoformat(), "end": nine_months.end.isoformat()}

    def api() -> None:
        response = client.get("/api/v1/reports/kpi", params)
        assert response.status_code == 200, response.content

    results["api_kpi"] = _timed(api, repeat)
    return results


def measure_export(limit: int) -> dict[str, Any]:
    import tempfile

    from bianmin.cases.models import Case
    from bianmin.org.models import User
    from bianmin.reports.exports import cases_workbook

    supervisor = User.objects.get(username="supervisor")
    first = Case.objects.order_by("received_at", "id").values_list("received_at", flat=True)
    edge = first[limit - 1 : limit].get()  # the 100,000th case's receipt: a range of exactly that many
    cases = Case.objects.filter(received_at__lte=edge)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "cases.xlsx"
        started = time.perf_counter()
        written = cases_workbook(cases, supervisor, path)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": written,
        "seconds": seconds,
        "peak_rss_mb": peak_kb / 1024,
        "rss_before_mb": before_kb / 1024,
        "bytes": size,
    }


# --- the table ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def report(rows: list[dict[str, Any]], command: str) -> str:
    lines = [
        "# Reports benchmark",
        "",
        f"- command: `{command}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- run: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        "",
        "| database | cases | prepared in | nine-month county KPI (median / first) | via the API | target "
        "| trend by day | by category | as of 30 days ago | export 100k cases | peak RSS | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        vendor, figures, export = row["vendor"], row["reports"], row["export"]
        target = TARGETS[vendor]
        export_ok = export["seconds"] < EXPORT_LIMIT_S and export["peak_rss_mb"] < EXPORT_LIMIT_MB
        lines.append(
            f"| {vendor} | {row['cases']:,} | {row['prepared_s']:.0f} s | "
            f"{figures['kpi']['median']:.3f} s / {figures['kpi']['first']:.3f} s | "
            f"{figures['api_kpi']['median']:.3f} s | < {target:.0f} s: "
            f"{verdict(figures['api_kpi']['median'] < target)} | "
            f"{figures['trend_day']['median']:.3f} s | {figures['by_category']['median']:.3f} s | "
            f"{figures['as_of_30_days_ago']['median']:.3f} s | {export['seconds']:.1f} s ({export['rows']:,} rows) | "
            f"{export['peak_rss_mb']:.0f} MB | < {EXPORT_LIMIT_S:.0f} s, < {EXPORT_LIMIT_MB:.0f} MB: "
            f"{verdict(export_ok)} |"
        )
    lines += [
        "",
        "The KPI covers the cases received in the last 274 days (accepted "
        + ", ".join(f"{r['vendor']}: {r['reports']['accepted']:,}" for r in rows)
        + "), with the breakdown by every township, street and department of the county. "
        "Median of the repeated runs after the first; the first run reads from a cold cache.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup()
        task, *rest = args.child
        result = {
            "count": measure_count,
            "reports": lambda: measure_reports(int(rest[0])),
            "export": lambda: measure_export(int(rest[0])),
        }[task]()
        print(json.dumps(result, default=str))
        return
    rows = []
    for vendor in args.databases.split(","):
        print(f"== {vendor}: preparing {args.cases:,} cases ...", flush=True)
        cases, prepared = prepare(vendor, args.cases)
        made = f"made in {prepared:.0f} s" if prepared else "already there"
        print(f"   {cases:,} cases ({made})", flush=True)
        figures = child(vendor, "reports", str(args.repeat))
        print(f"   KPI median {figures['kpi']['median']:.3f} s, API {figures['api_kpi']['median']:.3f} s", flush=True)
        export = child(vendor, "export", str(min(args.export_rows, cases)))
        print(f"   export {export['rows']:,} rows in {export['seconds']:.1f} s, peak {export['peak_rss_mb']:.0f} MB")
        rows.append({"vendor": vendor, "cases": cases, "prepared_s": prepared, "reports": figures, "export": export})
    command = "python bench/kpi.py " + " ".join(sys.argv[1:])
    text = report(rows, command.strip())
    (ROOT / "bench" / "RESULTS-kpi.md").write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
