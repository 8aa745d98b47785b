"""Rate limits kept in the database, so they hold across workers and nodes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from bianmin.models import ThrottleBucket


def allow(scope: str, identity: str, *, limit: int, window: timedelta) -> bool:
    """Count a request of `identity` against `scope`; False once `limit` were counted in the window that
    opened with its first request `window` ago at most.

    Each step is one statement that checks and counts at once (the database serialises writers of a row),
    so concurrent requests never pass the limit between a count and an insert."""
    key = hashlib.sha256(f"{scope}\x1f{identity}".encode()).hexdigest()
    now = timezone.now()
    current = ThrottleBucket.objects.filter(key=key, started_at__gt=now - window)
    for _attempt in range(3):
        if current.filter(count__lt=limit).update(count=F("count") + 1):
            return True
        if current.exists():
            return False  # the window is full
        expired = ThrottleBucket.objects.filter(key=key, started_at__lte=now - window)
        if expired.update(started_at=now, count=1):
            return True  # a new window opens with this request
        try:
            with transaction.atomic():
                ThrottleBucket.objects.create(key=key, started_at=now, count=1)
            return True
        except IntegrityError:
            continue  # a concurrent first request made the bucket: count against it
    return False


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = ThrottleBucket.objects.filter(started_at__lt=timezone.now() - older_than).delete()
    return deleted
