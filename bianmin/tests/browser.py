"""The browser tests' shared fixtures: one `bianmin up` (gunicorn, migrations, the demo county) on a scratch
database for the whole test session, Debian's Chromium through Playwright, and a demo account's login. Every
app's browser test uses these (through bianmin/conftest.py), so the demo county is loaded once per run: a test
that changes demo data should change its own, not what another app's journey reads. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_database(url: str | None) -> Iterator[str | None]:
    """None for SQLite (a file in the data dir); for PostgreSQL a fresh database, dropped afterwards."""
    if not url or not url.startswith("postgres"):
        yield None
        return
    base, _, _name = url.rpartition("/")
    name = f"bianmin_e2e_{secrets.token_hex(4)}"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("bianmin-up")
    port = free_port()
    for database_url in scratch_database(os.environ.get("DATABASE_URL")):
        env = {**os.environ, "BIANMIN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "bianmin.settings"}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        log = (data_dir / "up.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "bianmin.cli_main", "up", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("bianmin up did not start:\n" + (data_dir / "up.log").read_text())
                time.sleep(0.3)
            accounts = {}
            for line in (data_dir / "demo-accounts.txt").read_text().splitlines()[1:]:
                username, password = line.split()[:2]
                accounts[username] = password
            yield {
                "base": base,
                "log": str(data_dir / "up.log"),
                "env": env,
                **{f"pw:{k}": v for k, v in accounts.items()},
            }
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield instance
        instance.close()


def login(browser: Browser, server: dict[str, Any], username: str) -> Any:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(server["base"] + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", server[f"pw:{username}"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h2").first).to_contain_text("我的单位与角色")
    return page
