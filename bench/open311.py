"""Latency of GeoReport v2 as a client sees it, through the whole Django stack (middleware included, no network):
GET requests (the default 90-day window, JSON and XML, up to the 1,000-result cap) and POST requests (a new
request filed in full: key check, throttle, attribute checks, the case with its first event, the request row).

    .venv/bin/python bench/open311.py [--requests 2000] [--posts 300] [--gets 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bianmin_bench_open311 .venv/bin/python bench/open311.py

A scratch database (SQLite in a temporary data dir unless DATABASE_URL names a PostgreSQL database, which is
flushed first) gets the demo county and the Open311 demo (3 requests), then `--requests` requests filed through the adapter over
the last 80 days. Prints p50/p95 in milliseconds; copy the figures into bench/RESULTS-open311.md."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup() -> None:
    os.environ.setdefault("BIANMIN_DATA_DIR", tempfile.mkdtemp(prefix="bench-open311-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bianmin.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)  # the data migrations' rows again


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000, help="requests filed before measuring")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--gets", type=int, default=100)
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bianmin.demo import _load_county
    from bianmin.open311.demo import load_demo_open311
    from bianmin.open311.models import ClientKey
    from bianmin.open311.params import Submission
    from bianmin.open311.services import file_request, issue_key
    from bianmin.org.models import Unit, User

    # The demo county and its accounts, then the Open311 demo (its services and attributes); not the other
    # apps' demos, which this measures nothing of.
    _load_county(2026)
    load_demo_open311(2026)
    county = Unit.objects.get(code="500236000000")
    center = Unit.objects.get(code="500236-ZWZX")
    places = list(Unit.objects.places().filter(path__startswith=county.path).values_list("code", flat=True))
    admin = User.objects.get(username="admin")
    _row, key = issue_key(actor=admin, name="bench", jurisdiction=county, intake_unit=center, per_hour=100_000)
    client_key = ClientKey.objects.get(name="bench")

    def form(index: int) -> dict[str, str]:
        return {
            "service_code": "road",
            "address_id": places[index % len(places)],
            "lat": "31.0185",
            "long": "109.4632",
            "attribute[damage]": "pothole",
            "description": f"第{index}处路面坑洼，雨天积水。",
            "media_url": f"https://photos.example.cn/{index}.jpg",
            "first_name": "大山",
            "last_name": "张",
            "phone": f"138{index:08d}",
        }

    started = time.perf_counter()
    now = timezone.now()
    for index in range(args.requests):
        values = form(index)
        file_request(
            Submission(
                service_code="road",
                jurisdiction_id="",
                lat=Decimal("31.0185"),
                long=Decimal("109.4632"),
                address_string="",
                address_id=values["address_id"],
                attributes={"damage": "pothole"},
                email="",
                device_id="",
                account_id="",
                first_name="大山",
                last_name="张",
                phone=values["phone"],
                description=values["description"],
                media_url=values["media_url"],
            ),
            client=client_key,
            now=now - timedelta(minutes=index * 80 * 24 * 60 // max(args.requests, 1)),
        )
    filed = time.perf_counter() - started
    http = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", SERVER_NAME="localhost")
    counter = iter(range(10**6, 2 * 10**6))

    def post() -> None:
        response = http.post("/open311/v2/requests.json", {"api_key": key, **form(next(counter))})
        assert response.status_code == 201, response.content

    def get(fmt: str) -> Callable[[], None]:
        def call() -> None:
            response = http.get(f"/open311/v2/requests.{fmt}")
            assert response.status_code == 200, response.content

        return call

    print(f"{connection.vendor}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(
        f"{args.requests} requests filed in-process in {filed:.1f} s ({filed * 1000 / max(args.requests, 1):.1f} ms each)"
    )
    timed(get("json"), 3)  # warm the caches
    listed = len(http.get("/open311/v2/requests.json").json())
    print(f"GET requests.json ({listed} results): {percentiles(timed(get('json'), args.gets))}")
    print(f"GET requests.xml  ({listed} results): {percentiles(timed(get('xml'), args.gets))}")
    one = http.get("/open311/v2/requests.json").json()[0]["service_request_id"]
    by_id = timed(lambda: http.get("/open311/v2/requests.json", {"service_request_id": one}), args.gets)
    print(f"GET requests.json?service_request_id=… (1 result): {percentiles(by_id)}")
    print(f"POST requests.json (full answer): {percentiles(timed(post, args.posts))}")


if __name__ == "__main__":
    main()
