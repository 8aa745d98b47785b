"""The load generator of the lifecycle benchmark: a separate process driving lifecycles at a fixed
concurrency for a fixed duration, and reporting lifecycles/s, per-call latency percentiles and errors.

    python bench/load.py --base http://127.0.0.1:8100 --target bianmin|floor --token T \
        [--village CODE --handler USERNAME] [--concurrency 8] [--duration 30] [--warmup 5]

One lifecycle is four calls, one after another, on a fresh item:
    bianmin  POST /api/v1/cases → POST …/actions/assign → POST …/actions/answer → GET /api/v1/cases?q=<number>
    floor    POST /floor/items  → POST …/assign         → POST …/complete       → GET /floor/items?owner=…
Two shapes of Bianmin's lifecycle (--shape):
    ordinary  as the pages and ordinary clients call it: every write answered with the full case detail, and the
              search step a filtered list of 20 (`?status=completed&limit=20`, the workbench's kind of query)
    minimal   writes sent with `Prefer: return=minimal` and the search a lookup by number, as a program that only
              needs the next version would
Each of `concurrency` threads runs lifecycles back to back over its own HTTP/1.1 connection (opened again
whenever the server closes it). Calls that start in the warm-up are not counted; a lifecycle counts when its
last call ends inside the measured window. Prints one JSON object."""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from typing import Any

CALLS = ("create", "assign", "complete", "search")


class Client:
    def __init__(self, host: str, port: int, token: str, prefer: str = "") -> None:
        self.host, self.port = host, port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if prefer:
            self.headers["Prefer"] = prefer
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.HTTPException):
                # A server that closed the kept-alive connection between two calls: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, json.loads(payload) if payload else None
        raise AssertionError("unreachable")


class Failed(Exception):
    def __init__(self, call: str, status: int | str) -> None:
        super().__init__(f"{call}: {status}")
        self.call, self.status = call, status


def bianmin_lifecycle(client: Client, args: argparse.Namespace, serial: str, timed: Any) -> None:
    case = timed(
        "create",
        201,
        "POST",
        "/api/v1/cases",
        {
            "channel": "hotline",
            "kind": "help",
            "title": f"压测诉求 {serial}",
            "content": f"五组自来水停水三天，请尽快处理。编号 {serial}",
            "citizen_name": "刘压测",
            "citizen_phone": "13700005678",
            "village": args.village,
        },
    )
    path = f"/api/v1/cases/{case['number']}/actions"
    case = timed("assign", 200, "POST", f"{path}/assign", {"version": case["version"], "handler": args.handler})
    timed("complete", 200, "POST", f"{path}/answer", {"version": case["version"], "reply": "已恢复供水。"})
    if args.shape == "minimal":
        found = timed("search", 200, "GET", f"/api/v1/cases?q={case['number']}&limit=20", None)
        if found["count"] != 1:
            raise Failed("search", "not found")
        return
    found = timed("search", 200, "GET", "/api/v1/cases?status=completed&limit=20", None)
    if not 1 <= len(found["items"]) <= 20:
        raise Failed("search", "not listed")


def floor_lifecycle(client: Client, args: argparse.Namespace, serial: str, timed: Any) -> None:
    item = timed("create", 201, "POST", "/floor/items", {"title": f"压测诉求 {serial}"})
    timed("assign", 200, "POST", f"/floor/items/{item['id']}/assign", {"version": item["version"]})
    timed("complete", 200, "POST", f"/floor/items/{item['id']}/complete", {"version": item["version"] + 1})
    found = timed("search", 200, "GET", "/floor/items?owner=1", None)
    if not found["items"]:
        raise Failed("search", "not found")


def run(args: argparse.Namespace) -> dict[str, Any]:
    host, port = args.base.removeprefix("http://").rstrip("/").split(":")
    lifecycle = bianmin_lifecycle if args.target == "bianmin" else floor_lifecycle
    start = time.perf_counter()
    window = (start + args.warmup, start + args.warmup + args.duration)
    latencies: dict[str, list[float]] = {call: [] for call in CALLS}
    errors: dict[str, int] = {}
    done = [0, 0]  # lifecycles ended in the measured window; lifecycles ended at all (for the CPU per lifecycle)
    lock = threading.Lock()

    def worker(index: int) -> None:
        client = Client(host, int(port), args.token, "return=minimal" if args.shape == "minimal" else "")
        serial = 0
        while time.perf_counter() < window[1]:
            serial += 1
            mine: list[tuple[str, float, float]] = []

            def timed(
                call: str, expect: int, method: str, path: str, body: Any, mine: list[tuple[str, float, float]] = mine
            ) -> Any:
                began = time.perf_counter()
                status, payload = client.call(method, path, body)
                mine.append((call, began, time.perf_counter() - began))
                if status != expect:
                    raise Failed(call, status)
                return payload

            try:
                lifecycle(client, args, f"{index}-{serial}-{int(start)}", timed)
            except Failed as failure:
                with lock:
                    key = f"{failure.call} {failure.status}"
                    errors[key] = errors.get(key, 0) + 1
                continue
            except OSError as exc:
                with lock:
                    errors[f"connection {type(exc).__name__}"] = errors.get(f"connection {type(exc).__name__}", 0) + 1
                time.sleep(0.05)
                continue
            ended = time.perf_counter()
            with lock:
                for call, began, seconds in mine:
                    if window[0] <= began < window[1]:
                        latencies[call].append(seconds)
                if window[0] <= ended < window[1]:
                    done[0] += 1
                done[1] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "target": args.target,
        "concurrency": args.concurrency,
        "duration": args.duration,
        "lifecycles": done[0],
        "lifecycles_all": done[1],
        "per_second": done[0] / args.duration,
        "calls": {call: percentiles(values) for call, values in latencies.items()},
        "errors": errors,
    }


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"n": len(values), "p50": values[0] * 1000 if values else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--target", choices=("bianmin", "floor"), required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--village", default="")
    parser.add_argument("--handler", default="")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--shape", choices=("ordinary", "minimal"), default="ordinary")
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
