"""API tokens: shown once, stored as a digest, refused when revoked or expired."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from bianmin.org.models import ApiToken
from bianmin.org.tokens import authenticate_token, create_token, revoke_token


def test_a_token_is_stored_only_as_its_sha256_digest(county):
    row, token = create_token(county.people["cadre_a"], name="script")
    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix, stored.name}
    assert len(token) >= 43 and token.startswith(stored.prefix)


def test_a_token_authenticates_its_user_and_records_use(county, client):
    row, token = create_token(county.people["cadre_a"])
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["username"] == "cadre_a"
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None


def test_revoked_and_expired_tokens_are_refused(county):
    row, token = create_token(county.people["cadre_a"])
    revoke_token(row)
    assert authenticate_token(token) is None
    _row, expired = create_token(county.people["cadre_a"], expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_token(expired) is None


def test_a_deactivated_users_token_is_refused(county):
    _row, token = create_token(county.people["cadre_a"])
    county.people["cadre_a"].is_active = False
    county.people["cadre_a"].save()
    assert authenticate_token(token) is None
