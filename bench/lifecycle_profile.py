"""Where a lifecycle's time goes, in one process: the four calls of bench/load.py through Django's full
request handling (the deployed middleware and API), without a server or a load generator in the way.

    DATABASE_URL=URL BIANMIN_DATA_DIR=DIR .venv/bin/python bench/lifecycle_profile.py [--lifecycles 300]
        [--top 40] [--sort tottime|cumtime] [--queries] [--shape ordinary|minimal]

The database must be migrated and hold the demo county (`bianmin migrate; bianmin demo`). Prints the mean
time per lifecycle and per call, then the cProfile of the measured lifecycles (after 30 unmeasured ones
that warm the worker's caches); --queries prints each call's SQL statements instead of the profile."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")

VILLAGE, HANDLER = "500236001001", "township_staff"  # as bench/run.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--queries", action="store_true", help="print each call's SQL of one lifecycle")
    parser.add_argument("--plain", action="store_true", help="time the lifecycles without the profiler")
    parser.add_argument("--shape", choices=("ordinary", "minimal"), default="ordinary", help="as bench/load.py")
    args = parser.parse_args()

    import django
    import load  # bench/load.py

    django.setup()
    from bianmin.cases.notifications import courier

    courier.in_server = True  # notifications delivered in batches on the courier thread, as in the server
    from django.db import connection
    from django.test import Client  # the same middleware chain as the server
    from django.test.utils import CaptureQueriesContext

    from bianmin.org.models import User
    from bianmin.org.tokens import create_token

    token = create_token(User.objects.get(username=HANDLER), name="profile")[1]
    prefer = {"HTTP_PREFER": "return=minimal"} if args.shape == "minimal" else {}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1", **prefer)
    spent: dict[str, float] = dict.fromkeys(load.CALLS, 0.0)
    where = argparse.Namespace(village=VILLAGE, handler=HANDLER, shape=args.shape)

    def timed(name: str, expect: int, method: str, path: str, body: Any) -> Any:
        began = time.perf_counter()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, json.dumps(body, ensure_ascii=False), content_type="application/json")
        spent[name] += time.perf_counter() - began
        if response.status_code != expect:
            raise SystemExit(f"profile: {name} answered {response.status_code}: {response.content[:300]!r}")
        return response.json()

    def lifecycle(serial: int) -> None:  # the load generator's own lifecycle, through Django's test client
        load.bianmin_lifecycle(None, where, str(serial), timed)

    for serial in range(30):
        lifecycle(serial)
    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            lifecycle(-1)
        for query in captured.captured_queries:
            print(f"{query['time']}s  {query['sql'][:300]}")
        print(f"{len(captured.captured_queries)} statements")
        return
    spent = dict.fromkeys(spent, 0.0)
    profiler = cProfile.Profile()
    began, cpu = time.perf_counter(), time.process_time()
    if not args.plain:
        profiler.enable()
    for serial in range(args.lifecycles):
        lifecycle(1000 + serial)
    profiler.disable()
    if os.environ.get("PROFILE_DUMP"):
        profiler.dump_stats(os.environ["PROFILE_DUMP"])
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    if not args.plain:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    per_call = ", ".join(f"{name} {seconds / args.lifecycles * 1000:.2f}" for name, seconds in spent.items())
    how = "without" if args.plain else "under"
    print(
        f"{connection.vendor}: {wall / args.lifecycles * 1000:.2f} ms per lifecycle {how} the profiler ({per_call}); "
        f"CPU {cpu / args.lifecycles * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
