"""Rate limits kept in the database, so they hold across workers and nodes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from bianmin.models import ThrottleHit


def allow(scope: str, identity: str, *, limit: int, window: timedelta) -> bool:
    """Count a request of `identity` against `scope`; False once `limit` were counted within `window`."""
    key = hashlib.sha256(f"{scope}\x1f{identity}".encode()).hexdigest()
    now = timezone.now()
    if ThrottleHit.objects.filter(key=key, at__gte=now - window).count() >= limit:
        return False
    ThrottleHit.objects.create(key=key, at=now)
    return True


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = ThrottleHit.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
