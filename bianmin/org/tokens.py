"""Per-user API tokens: random 256-bit secrets, stored as SHA-256 digests (DESIGN §8).

A fast digest is enough because the token is random and long; a slow password hash on every request
would cap the API's throughput.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone

from bianmin.database import columns_of, read_rows
from bianmin.org.models import ApiToken, OrgVersion, User
from bianmin.org.scope import Access

PREFIX = "bm_"
# Refresh last_used_at at most this often, so authenticating is not a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, name: str = "", expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the token itself, which is not stored anywhere."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name, digest=digest(token), prefix=token[: len(PREFIX) + 6], expires_at=expires_at
    )
    return row, token


def authenticate_token(token: str) -> User | None:
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    now = timezone.now()
    # One raw query for the token, its user and the organisation's version (under which the worker keeps
    # the user's grants, `bianmin.org.scope`): every API request starts here, and compiling the ORM's join
    # took 0.8 ms of each; this takes 0.1 ms (`columns_of`, `from_rows`: no per-call column resolution).
    sql = (
        f"SELECT {columns_of(User, 'u')}, t.id, t.last_used_at, "  # noqa: S608 (table names)
        f"(SELECT token FROM {OrgVersion._meta.db_table} WHERE id = 1) FROM {ApiToken._meta.db_table} t "
        f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)"
    )
    found = read_rows(User, sql, [digest(token), connection.ops.adapt_datetimefield_value(now)])
    if not found or not found[0][0].is_active:
        return None
    user: User = found[0][0]
    token_id, last_used, org_version = found[0][1]
    user.__dict__["access"] = Access(org_version=org_version)  # what bianmin.org.scope keeps for the request
    if last_used is None or now - _aware(last_used) > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def _aware(value: datetime | str) -> datetime:
    """A raw column comes back as the backend gives it: an aware datetime (PostgreSQL) or text (SQLite)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def revoke_token(row: ApiToken) -> None:
    ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
