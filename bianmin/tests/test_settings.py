"""Settings from the environment: bad values fail at start with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bianmin.env import env_bool, env_int, env_list, secret_key


def test_booleans(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"X_FLAG.*'maybe'"):
        env_bool("X_FLAG", False)


def test_integers_with_bounds(monkeypatch):
    monkeypatch.setenv("X_N", "abc")
    with pytest.raises(ImproperlyConfigured, match="X_N must be an integer"):
        env_int("X_N", 1)
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_N", 1, minimum=1)


def test_lists_refuse_empty_items(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured, match="X_HOSTS"):
        env_list("X_HOSTS", [])


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    first = secret_key("X_SECRET", tmp_path)
    assert secret_key("X_SECRET", tmp_path) == first and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("X_SECRET", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        secret_key("X_SECRET", tmp_path)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://x@localhost/db", "DATABASE_URL"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL"),
        ("DEBUG", "perhaps", "DEBUG"),
        ("BIANMIN_WORKERS", "-3", "BIANMIN_WORKERS"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("ANALYSIS_LEVEL_DAYS", "5,x,10", "ANALYSIS_LEVEL_DAYS"),
        ("NOTIFY_CHANNEL", "webhook", "NOTIFY_WEBHOOK_URL"),
    ],
)
def test_the_cli_reports_a_bad_setting_without_a_traceback(tmp_path, variable, value, message):
    env = {
        **os.environ,
        "BIANMIN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "bianmin.settings",
        variable: value,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_sqlite_runs_in_wal_mode_with_full_sync(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas; PostgreSQL keeps its own durable defaults")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_time_zone_and_language_defaults():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans" and "en" in dict(settings.LANGUAGES)


@pytest.mark.parametrize(
    ("threshold", "options"), [("", {"server_side_binding": True, "prepare_threshold": 5}), ("0", {})]
)
def test_postgresql_statements_are_prepared_unless_a_pooler_forbids_it(tmp_path, threshold, options):
    env = {
        **os.environ,
        "BIANMIN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://bianmin@db.example:5432/bianmin",
        "PG_PREPARE_THRESHOLD": threshold,
    }
    show = "from bianmin import settings; o = settings.DATABASES['default']['OPTIONS']; print(sorted(o.items()))"
    result = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sorted({"options": "-c jit=off", **options}.items()))
