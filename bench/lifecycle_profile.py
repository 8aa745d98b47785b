"""Where a lifecycle's time goes, in one process: the four calls of bench/load.py through Django's full
request handling (the deployed middleware and API), without a server or a load generator in the way.

    DATABASE_URL=URL BIANMIN_DATA_DIR=DIR .venv/bin/python bench/lifecycle_profile.py [--lifecycles 300]
        [--top 40] [--sort tottime|cumtime] [--queries]

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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")

VILLAGE, HANDLER = "500236001001", "township_staff"  # as bench/run.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--queries", action="store_true", help="print each call's SQL of one lifecycle")
    parser.add_argument("--plain", action="store_true", help="time the lifecycles without the profiler")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bianmin.org.models import User
    from bianmin.org.tokens import create_token

    token = create_token(User.objects.get(username=HANDLER), name="profile")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_PREFER="return=minimal", HTTP_HOST="127.0.0.1")
    spent: dict[str, float] = {"create": 0.0, "assign": 0.0, "complete": 0.0, "search": 0.0}

    def call(name: str, method: str, path: str, body: Any = None) -> Any:
        began = time.perf_counter()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, json.dumps(body, ensure_ascii=False), content_type="application/json")
        spent[name] += time.perf_counter() - began
        if response.status_code >= 300:
            raise SystemExit(f"profile: {name} answered {response.status_code}: {response.content[:300]!r}")
        return response.json()

    def lifecycle(serial: int) -> None:
        body = {
            "channel": "hotline",
            "kind": "help",
            "title": f"压测诉求 {serial}",
            "content": f"五组自来水停水三天，请尽快处理。编号 {serial}",
            "citizen_name": "刘压测",
            "citizen_phone": "13700005678",
            "village": VILLAGE,
        }
        case = call("create", "POST", "/api/v1/cases", body)
        path = f"/api/v1/cases/{case['number']}/actions"
        case = call("assign", "POST", f"{path}/assign", {"version": case["version"], "handler": HANDLER})
        call("complete", "POST", f"{path}/answer", {"version": case["version"], "reply": "已恢复供水。"})
        call("search", "GET", f"/api/v1/cases?q={case['number']}&limit=20")

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
    began = time.perf_counter()
    if not args.plain:
        profiler.enable()
    for serial in range(args.lifecycles):
        lifecycle(1000 + serial)
    profiler.disable()
    wall = time.perf_counter() - began
    if not args.plain:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    per_call = ", ".join(f"{name} {seconds / args.lifecycles * 1000:.2f}" for name, seconds in spent.items())
    how = "without" if args.plain else "under"
    print(f"{connection.vendor}: {wall / args.lifecycles * 1000:.2f} ms per lifecycle {how} the profiler ({per_call})")


if __name__ == "__main__":
    main()
