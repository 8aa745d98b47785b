"""The demo's Open311: deterministic, idempotent and fast; its requests read back through GeoReport v2."""

from __future__ import annotations

import time

from django.test import Client

from bianmin.demo import _load_county
from bianmin.open311.demo import load_demo_open311
from bianmin.open311.models import ClientKey, ServiceAttribute, ServiceRequest


def test_the_demo_files_requests_through_the_adapter_once_and_quickly(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    # The county and its accounts alone (the whole demo runs on the browser tests' server, this one included).
    _load_county(2026)
    load_demo_open311()
    counts = (ClientKey.objects.count(), ServiceAttribute.objects.count(), ServiceRequest.objects.count())
    assert counts == (1, 3, 3)
    started = time.perf_counter()
    load_demo_open311()  # again: completes, duplicates nothing
    assert time.perf_counter() - started < 3
    assert (ClientKey.objects.count(), ServiceAttribute.objects.count(), ServiceRequest.objects.count()) == counts
    listed = Client().get("/open311/v2/requests.json").json()
    assert sorted(r["status"] for r in listed) == ["closed", "open", "open"]
    closed = next(r for r in listed if r["status"] == "closed")
    assert closed["agency_responsible"] == "浣花村" and "恢复通行" in closed["status_notes"]
