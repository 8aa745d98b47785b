"""The benchmark suite (DESIGN §7, issue 6): one command, for SQLite and PostgreSQL, with 0 and 1,000,000
existing cases, printing one table against the targets and writing it to bench/RESULTS.md.

    .venv/bin/python bench/run.py [--databases sqlite,postgresql] [--sizes 0,1000000] [--workers 4]
                                  [--concurrency 8] [--duration 30] [--warmup 5] [--no-reports]

For each database and size it
  1. prepares the database (`bianmin migrate` + `bianmin demo --cases N`; the million-case databases are
     kept under bench/var/ and in PostgreSQL's bianmin_bench_1m and reused, the empty one is made afresh);
  2. serves the floor (bench/floor.py: token lookup + insert / locked update ×2 / indexed list of 20, a bare
     WSGI app) with the production server configuration (bianmin.server.server_options) on the same
     database, and drives its lifecycle from a separate process (bench/load.py);
  3. serves Bianmin the way it is deployed (`bianmin up --no-demo --workers N`), drives its lifecycle
     (create → assign → complete (答复办结) → search) the same way in both shapes of bench/load.py (ordinary:
     full answers and a filtered list of 20; minimal: `Prefer: return=minimal` and a lookup by number), then
     measures what a full answer costs beside a minimal one (each shape one call at a time), then the workbench
     list and a text search (p95 of sequential calls, township and county scope) and the workers' RSS;
  4. at the largest size, runs the reports benchmark (bench/kpi.py: nine-month county KPI, Excel export of
     100,000 cases with peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "bench" / "var"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PYTHON = sys.executable
sys.path.insert(0, str(ROOT / "bench"))

import kpi  # noqa: E402  (bench/kpi.py, the reports benchmark)

OPEN = ("submitted", "accepted", "in_progress", "paused", "replied")  # bianmin.cases.choices.OPEN_STATUSES
VILLAGE, HANDLER = "500236001001", "township_staff"  # 宝塔坪社区, and a member of its street (夔门街道)
TARGET_RATIO, TARGET_FLATNESS, TARGET_P95_MS, TARGET_RSS_MB = 0.5, 0.8, 100.0, 200.0
TARGET_ORDINARY_RATIO, TARGET_ANSWER_COST = 0.4, 1.5  # issue 19 item 10
SHAPES = {"bianmin": "ordinary", "minimal": "minimal"}  # row key → bench/load.py --shape; "bianmin" is the headline


def label(size: int) -> str:
    return "1m" if size == 1_000_000 else str(size)


def database_url(vendor: str, size: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{VAR / f'bench-{label(size)}.sqlite3'}"
    return f"{PG_SERVER}/bianmin_bench_{label(size)}"


def env_for(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "BIANMIN_DATA_DIR": str(VAR),
        "DJANGO_SETTINGS_MODULE": "bianmin.settings",
    }


def bianmin(url: str, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "bianmin.cli_main", *args], env=env_for(url), cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"bench: bianmin {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def count_cases(url: str) -> int:
    return int(kpi_child(url, "count")["cases"])


def kpi_child(url: str, task: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "kpi.py"), "--child", task, *args],
        env=env_for(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: {task} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def pg_admin(sql: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True) as conn:
        conn.execute(sql)


def pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def prepare(vendor: str, size: int) -> tuple[str, int, float]:
    """The database for (vendor, size): made afresh when empty is asked for, else reused while it holds
    at least `size` cases. Returns (url, cases, seconds spent preparing)."""
    VAR.mkdir(parents=True, exist_ok=True)
    url = database_url(vendor, size)
    name = url.rsplit("/", 1)[1]
    started = time.perf_counter()
    if size == 0:  # every run starts from an empty case table
        if vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if vendor == "postgresql" and not pg_exists(name):
        pg_admin(f"CREATE DATABASE {name}")
    bianmin(url, "migrate", "--no-input")
    have = count_cases(url)
    if size == 0 or have < size:
        if have:
            raise SystemExit(f"bench: {url} holds {have:,} cases, fewer than {size:,}; remove it and run again")
        print(f"   loading the demo county with {size:,} cases (a million takes 6-8 minutes) ...", flush=True)
        bianmin(url, "demo", "--cases", str(size))
        if vendor == "postgresql" and size:  # settle the new rows now, not under autovacuum during the first run
            # (not an empty database: analysed empty, its tables would be planned as empty for the whole run)
            pg_admin("VACUUM (ANALYZE)", database=name)
        have = count_cases(url)
    return url, have, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A server process group started for one measurement and stopped after it."""

    def __init__(self, args: list[str], url: str, port: int, ready_path: str) -> None:
        self.port = port
        log = open(VAR / f"server-{port}.log", "wb")  # noqa: SIM115 (closed in stop)
        self.log = log
        self.process = subprocess.Popen(
            args, env=env_for(url), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server exited; see {log.name}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2).read()
                break
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error answer means the server is up
                    break
                time.sleep(0.3)
        else:
            raise SystemExit(f"bench: the server did not come up; see {log.name}")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the children of the server's master process)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """CPU time of the master and its workers so far, those already recycled included."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return process_cpu(master) + sum(process_cpu(int(pid)) for pid in children)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def process_cpu(pid: int | str) -> float:
    """CPU seconds of a process and of its children it has waited for (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # ended meanwhile
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def database_cpu_seconds(vendor: str) -> float:
    """CPU time of the PostgreSQL server's processes so far (the postmaster's waited-for children included);
    SQLite runs inside the workers."""
    if vendor != "postgresql":
        return 0.0
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip() == "postgres":
                    total += process_cpu(proc.name)
            except (FileNotFoundError, ProcessLookupError):
                continue
    return total


def drive(
    port: int, target: str, token: str, args: argparse.Namespace, server: Served, vendor: str, shape: str = "ordinary"
) -> dict[str, Any]:
    """Run the load generator against `server`; its result with the CPU spent per lifecycle by the server's
    processes, the database's and the load generator's (whose sum bounds the rate two cores can reach)."""
    before = (server.cpu_seconds(), database_cpu_seconds(vendor), resource.getrusage(resource.RUSAGE_CHILDREN))
    done = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "load.py"),
            f"--base=http://127.0.0.1:{port}",
            f"--target={target}",
            f"--token={token}",
            f"--village={VILLAGE}",
            f"--handler={HANDLER}",
            f"--concurrency={args.concurrency}",
            f"--duration={args.duration}",
            f"--warmup={args.warmup}",
            f"--shape={shape}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        raise SystemExit(f"bench: the load generator failed:\n{done.stderr[-3000:]}")
    load = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = json.loads(done.stdout)
    spent = {
        "server": server.cpu_seconds() - before[0],
        "database": database_cpu_seconds(vendor) - before[1],
        "load": load.ru_utime + load.ru_stime - before[2].ru_utime - before[2].ru_stime,
    }
    count = max(1, result["lifecycles_all"])
    result["cpu_ms"] = {part: seconds / count * 1000 for part, seconds in spent.items()}
    return result


def latency_p95(port: int, token: str, path: str, runs: int) -> dict[str, float]:
    """Sequential calls on an idle server: what one user waits for (loopback, so ≈ server time)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    times = []
    for _ in range(runs + 3):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
        times.append(time.perf_counter() - started)
    times = times[3:]  # the first calls warm the worker's caches
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "max": max(times) * 1000}


def measure(vendor: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {vendor}, {size:,} existing cases", flush=True)
    url, cases, prepared = prepare(vendor, size)
    print(f"   {cases:,} cases (prepared in {prepared:.0f} s)", flush=True)
    row: dict[str, Any] = {"vendor": vendor, "size": size, "cases": cases}

    floor_token = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "floor.py"), f"--database-url={url}", "--setup"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()
    for name, extra in (("floor", []), ("floor_django", ["--django"])):
        port = free_port()
        floor = [PYTHON, str(ROOT / "bench" / "floor.py"), f"--database-url={url}", f"--port={port}"]
        server = Served([*floor, f"--workers={args.workers}", *extra], url, port, "/")
        try:
            row[name] = drive(port, "floor", floor_token, args, server, vendor)
        finally:
            server.stop()
        print(f"   {name:13} {row[name]['per_second']:7.1f} lifecycles/s  {cpu_text(row[name])}", flush=True)

    staff_token = bianmin(url, "token", "create", HANDLER, "--name", "bench").strip()
    county_token = bianmin(url, "token", "create", "supervisor", "--name", "bench").strip()
    port = free_port()
    # Without the scheduler: right after a bulk load its first sweep owes tens of thousands of notices and
    # escalates a thousand cases, in the server's process group, during the measurement (a one-time catch-up,
    # not the steady state the targets are about; `bianmin sweep` measures it apart).
    up = [PYTHON, "-m", "bianmin.cli_main", "up", "--no-demo", "--no-schedule", f"--workers={args.workers}"]
    server = Served(
        [*up, f"--port={port}"],
        url,
        port,
        "/healthz",
    )
    try:
        row["rss_idle"] = server.worker_rss_mb()
        for key, shape in SHAPES.items():
            row[key] = drive(port, "bianmin", staff_token, args, server, vendor, shape)
            print(f"   {key:13} {row[key]['per_second']:7.1f} lifecycles/s  {cpu_text(row[key])}", flush=True)
        # What a full answer costs beside a minimal one, one call at a time: under the drive's load a write's
        # latency also holds its wait behind the other calls (and the ordinary shape's search is the heavier).
        alone = argparse.Namespace(**{**vars(args), "concurrency": 1, "duration": args.sequential, "warmup": 1.0})
        row["sequential"] = {
            key: drive(port, "bianmin", staff_token, alone, server, vendor, shape) for key, shape in SHAPES.items()
        }
        print(f"   answer cost   {answer_cost(row['sequential']):.2f} × minimal, one call at a time", flush=True)
        # The workbench's own query: open cases in the caller's scope by due time (and its search within them).
        workbench = "/api/v1/cases?limit=50&" + "&".join(f"status={s}" for s in OPEN)
        probes = {
            "list_township": (staff_token, workbench),
            "list_county": (county_token, workbench),
            "search_township": (staff_token, workbench + "&q=%E5%81%9C%E6%B0%B4"),  # 停水
            "search_county": (county_token, workbench + "&q=%E5%81%9C%E6%B0%B4"),
        }
        row["latency"] = {name: latency_p95(port, token, path, args.probes) for name, (token, path) in probes.items()}
        for name, figures in row["latency"].items():
            print(f"   {name:16} p95 {figures['p95']:7.1f} ms", flush=True)
        row["rss"] = server.worker_rss_mb()
    finally:
        server.stop()
    if args.reports and size == max(args.sizes):
        row["reports"] = kpi_child(url, "reports", "5")
        row["export"] = kpi_child(url, "export", str(min(100_000, cases)))
        print(
            f"   KPI {row['reports']['api_kpi']['median']:.3f} s, export {row['export']['seconds']:.1f} s "
            f"{row['export']['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    return row


def cpu_text(result: dict[str, Any]) -> str:
    cpu = result["cpu_ms"]
    return (
        f"CPU per lifecycle {sum(cpu.values()):.1f} ms (server {cpu['server']:.1f}, database {cpu['database']:.1f}, "
        f"load {cpu['load']:.1f})  errors {result['errors']}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT MET**"


def ratio(row: dict[str, Any], floor: str, shape: str = "bianmin") -> float:
    base = row[floor]["per_second"]
    return float(row[shape]["per_second"] / base) if base else 0.0


def answer_cost(row: dict[str, Any]) -> float:
    """What answering a write in full costs beside answering it minimally: the ratio of the three writes'
    summed p50 latencies (the calls are the same but for the answer). Judged on `row["sequential"]`, one
    call at a time on an otherwise idle server; under the drive's load the latencies hold queueing too."""
    writes = ("create", "assign", "complete")
    full = sum(row["bianmin"]["calls"][call]["p50"] for call in writes)
    minimal = sum(row["minimal"]["calls"][call]["p50"] for call in writes)
    return full / minimal if minimal else 0.0


def call_cell(figures: dict[str, float]) -> str:
    return f"{figures['p50']:.0f} / {figures['p95']:.0f} / {figures['p99']:.0f}"


def table(rows: list[dict[str, Any]], args: argparse.Namespace, command: str) -> str:
    calls = ("create", "assign", "complete", "search")
    lines = [
        "# Benchmark results",
        "",
        f"- command: `{command}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}; load generator on the same machine",
        f"- server: gunicorn, {args.workers} sync workers (`bianmin up --workers {args.workers}`), the floors with "
        f"the same options (`bianmin.server.server_options`); load: {args.concurrency} concurrent lifecycles for "
        f"{args.duration:.0f} s after {args.warmup:.0f} s warm-up",
        f"- run: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        "- floor: bench/floor.py, the four calls as token lookup + insert / locked update / locked update / "
        "indexed list of 20; *bare* is a WSGI callable over the driver, *Django* the same SQL in plain Django "
        "views with the platform's database settings (no middleware). The target is judged against the "
        "Django floor, the stack Bianmin is built on; the ratio to the bare floor is shown beside it.",
        "- Bianmin in two shapes (bench/load.py `--shape`): *ordinary*, the headline, as the pages and ordinary "
        "clients call it — every write answered with the full case detail, the search step a filtered list of 20; "
        "*minimal*, writes sent with `Prefer: return=minimal` (the number, version, status and deadline, as the "
        "floor answers) and the search a lookup by number, as a program that needs only the next version calls it",
        "",
        "## Lifecycle (create → assign → complete → search, four API calls)",
        "",
        "| database | existing cases | bare floor /s | Django floor /s | ordinary /s | ÷ Django floor | minimal /s "
        "| ÷ Django floor | full answer ÷ minimal (writes' p50: alone; under load) | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        errors = sum(sum(row[k]["errors"].values()) for k in ("floor", "floor_django", *SHAPES))
        lines.append(
            f"| {row['vendor']} | {row['cases']:,} | {row['floor']['per_second']:.1f} | "
            f"{row['floor_django']['per_second']:.1f} | {row['bianmin']['per_second']:.1f} | "
            f"{ratio(row, 'floor_django'):.2f} | {row['minimal']['per_second']:.1f} | "
            f"{ratio(row, 'floor_django', 'minimal'):.2f} | {answer_cost(row['sequential']):.2f}; {answer_cost(row):.2f} | {errors} |"
        )
    lines += [
        "",
        "Latency per call under that load, p50 / p95 / p99 in ms (Bianmin ordinary, then minimal, then the Django "
        "floor, then the bare floor):",
        "",
        "| database | existing cases | " + " | ".join(calls) + " |",
        "|---|---|" + "---|" * len(calls),
    ]
    for row in rows:
        cells = []
        for call in calls:
            ours, minimal, django, bare = (row[k]["calls"][call] for k in (*SHAPES, "floor_django", "floor"))
            cells.append(f"{call_cell(ours)}; {call_cell(minimal)}; floors {call_cell(django)}, {call_cell(bare)}")
        lines.append(f"| {row['vendor']} | {row['cases']:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "CPU per lifecycle in ms, over the whole drive: server processes (the workers; SQLite's work included) + "
        "PostgreSQL's + the load generator's = total. Two saturated cores reach at most 2000 ÷ total lifecycles/s.",
        "",
        "| database | existing cases | bare floor | Django floor | Bianmin ordinary | Bianmin minimal |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = []
        for key in ("floor", "floor_django", *SHAPES):
            cpu = row[key]["cpu_ms"]
            cells.append(f"{cpu['server']:.1f} + {cpu['database']:.1f} + {cpu['load']:.1f} = {sum(cpu.values()):.1f}")
        lines.append(f"| {row['vendor']} | {row['cases']:,} | " + " | ".join(cells) + " |")
    lines += ["", "## Against the targets of DESIGN §7", "", "| target | database | measured | verdict |"]
    lines.append("|---|---|---|---|")
    for vendor in dict.fromkeys(r["vendor"] for r in rows):
        mine = [r for r in rows if r["vendor"] == vendor]
        small, large = min(mine, key=lambda r: r["size"]), max(mine, key=lambda r: r["size"])
        for row in mine:
            for shape, target in (("bianmin", TARGET_ORDINARY_RATIO), ("minimal", TARGET_RATIO)):
                got = ratio(row, "floor_django", shape)
                lines.append(
                    f"| {SHAPES[shape]} lifecycles/s ≥ {target} × floor | {vendor} | {got:.2f} × the Django floor "
                    f"({ratio(row, 'floor', shape):.2f} × bare) at {row['cases']:,} cases | {verdict(got >= target)} |"
                )
            cost = answer_cost(row["sequential"])
            lines.append(
                f"| full answer ≤ {TARGET_ANSWER_COST} × minimal | {vendor} | {cost:.2f} × (the writes' p50, one "
                f"call at a time; {answer_cost(row):.2f} × under the drive's load) at "
                f"{row['cases']:,} cases | {verdict(cost <= TARGET_ANSWER_COST)} |"
            )
        if small is not large:
            flat = large["bianmin"]["per_second"] / small["bianmin"]["per_second"]
            lines.append(
                f"| ≤ 20% slower at 1M than at 0 | {vendor} | {small['bianmin']['per_second']:.1f} → "
                f"{large['bianmin']['per_second']:.1f} /s ({(1 - flat) * 100:+.0f}% slower) | "
                f"{verdict(flat >= TARGET_FLATNESS)} |"
            )
        for name, figures in large["latency"].items():
            lines.append(
                f"| {name.replace('_', ' ')} p95 < 100 ms | {vendor} | {figures['p95']:.0f} ms "
                f"(p50 {figures['p50']:.0f}) at {large['cases']:,} | {verdict(figures['p95'] < TARGET_P95_MS)} |"
            )
        if "reports" in large:
            limit = kpi.TARGETS[vendor]
            seconds = large["reports"]["api_kpi"]["median"]
            lines.append(
                f"| nine-month KPI < {limit:.0f} s | {vendor} | {seconds:.2f} s | {verdict(seconds < limit)} |"
            )
            export = large["export"]
            ok = export["seconds"] < kpi.EXPORT_LIMIT_S and export["peak_rss_mb"] < kpi.EXPORT_LIMIT_MB
            lines.append(
                f"| export 100k < 30 s, < 300 MB | {vendor} | {export['seconds']:.1f} s, "
                f"{export['peak_rss_mb']:.0f} MB ({export['rows']:,} rows) | {verdict(ok)} |"
            )
        rss = max(max(r["rss"]) for r in mine)
        lines.append(f"| worker RSS < 200 MB | {vendor} | {rss:.0f} MB after load | {verdict(rss < TARGET_RSS_MB)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="0,1000000")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--probes", type=int, default=100, help="Sequential calls per latency probe.")
    parser.add_argument(
        "--sequential", type=float, default=8.0, help="Seconds of one-at-a-time lifecycles per shape (answer cost)."
    )
    parser.add_argument("--no-reports", dest="reports", action="store_false")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = [measure(vendor, size, args) for vendor in args.databases.split(",") for size in args.sizes]
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    text = table(rows, args, command.strip())
    Path(args.output).write_text(text, encoding="utf-8")
    (VAR / "results.json").write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
