"""The floor of the lifecycle benchmark (issue 6): the least a web app on our stack can do for the four
calls of a lifecycle, served by the same gunicorn configuration against the same database.

    create    token lookup + insert one row                     POST /floor/items
    assign    token lookup + update that row under a row lock   POST /floor/items/<id>/assign
    complete  token lookup + update that row under a row lock   POST /floor/items/<id>/complete
    search    token lookup + indexed list of 20                 GET  /floor/items?owner=<user>

A bare WSGI callable over the database driver (sqlite3 with the platform's pragmas and BEGIN IMMEDIATE,
or psycopg with SELECT … FOR UPDATE), one persistent connection per worker. No framework, no ORM: what is
left is the server, the driver, the database and JSON — the ceiling our lifecycle is judged against.

    python bench/floor.py --database-url URL --port P --workers W     (serve)
    python bench/floor.py --database-url URL --port P --workers W --django
        (the same calls and SQL as plain Django views: Django's request handling and database layer with
        the platform's database settings, no middleware — the framework's share of the cost)
    python bench/floor.py --database-url URL --setup                  (create the tables and a token; print it)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
)
PADDING = 2000  # rows of another owner in the floor's table before a run (see `setup`)
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bench_floor_token (digest CHAR(64) PRIMARY KEY, user_id INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_floor_item (id {serial} PRIMARY KEY, owner INTEGER NOT NULL, "
    "title VARCHAR(200) NOT NULL, status VARCHAR(20) NOT NULL, version INTEGER NOT NULL, created_at {stamp} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS bench_floor_item_owner ON bench_floor_item (owner, id)",
]


class Database:
    """One connection per worker; `row_lock` is how each database takes a row for update."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        self.sqlite = parsed.scheme == "sqlite"
        if self.sqlite:
            self.conn: Any = sqlite3.connect(parsed.path or ":memory:", timeout=20, isolation_level=None)
            self.conn.executescript(SQLITE_PRAGMAS)
            self.param = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(url, autocommit=True)
            self.param = "%s"

    def sql(self, text: str) -> str:
        return text.replace("?", self.param)

    def one(self, text: str, *args: Any) -> Any:
        return self.conn.execute(self.sql(text), args).fetchone()

    def all(self, text: str, *args: Any) -> list[Any]:
        return self.conn.execute(self.sql(text), args).fetchall()

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE" if self.sqlite else "BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def row_lock(self, item_id: int) -> Any:
        lock = "" if self.sqlite else " FOR UPDATE"  # SQLite's BEGIN IMMEDIATE already holds the write lock
        return self.one(f"SELECT id, status, version FROM bench_floor_item WHERE id = ?{lock}", item_id)  # noqa: S608

    def setup(self) -> str:
        serial, stamp = ("INTEGER", "TEXT") if self.sqlite else ("BIGSERIAL", "TIMESTAMPTZ")
        for statement in SCHEMA:
            self.conn.execute(statement.format(serial=serial, stamp=stamp))
        # Rows of another owner, and statistics, before the first request: on an empty table PostgreSQL
        # would prepare the list as a scan and sort, and keep that plan while the run fills the table
        # (the floor's search slowed from 5 to 12 ms p50 on a fresh database; a floor must not be handicapped).
        if self.one("SELECT COUNT(*) FROM bench_floor_item")[0] < PADDING:
            insert = self.sql(
                "INSERT INTO bench_floor_item (owner, title, status, version, created_at) "
                "VALUES (?, 'padding', 'completed', 3, CURRENT_TIMESTAMP)"
            )
            self.begin()
            self.conn.cursor().executemany(insert, [(0,)] * PADDING)
            self.commit()
        self.conn.execute("ANALYZE bench_floor_item")
        token = secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        self.conn.execute(self.sql("INSERT INTO bench_floor_token (digest, user_id) VALUES (?, ?)"), (digest, 1))
        return token


class DjangoDatabase(Database):
    """The same statements through Django's connection (its cursor wrapper, settings and transactions)."""

    def __init__(self) -> None:
        from django.db import connection

        self.sqlite = connection.vendor == "sqlite"
        self.param = "%s"
        self.connection = connection

    def one(self, text: str, *args: Any) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql(text), args)
            return cursor.fetchone()

    def all(self, text: str, *args: Any) -> list[Any]:
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql(text), args)
            return cursor.fetchall()

    def begin(self) -> None:
        from django.db import transaction

        self.atomic = transaction.atomic()  # BEGIN IMMEDIATE on SQLite, from the platform's settings
        self.atomic.__enter__()

    def commit(self) -> None:
        self.atomic.__exit__(None, None, None)

    def rollback(self) -> None:
        self.atomic.__exit__(RuntimeError, RuntimeError("rollback"), None)


_db: Database | None = None
DATABASE_URL = ""
DJANGO = False


def db() -> Database:
    global _db
    if _db is None:
        _db = DjangoDatabase() if DJANGO else Database(DATABASE_URL)
    return _db


def django_application() -> Any:
    """Django with the platform's database settings and nothing else: no apps, no middleware."""
    import os

    import django
    from django.conf import settings

    os.environ["DATABASE_URL"] = DATABASE_URL
    from bianmin import settings as platform

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor",  # noqa: S106 (a throwaway key for a benchmark app with no sessions)
        ALLOWED_HOSTS=["*"],
        DATABASES=platform.DATABASES,
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        USE_TZ=True,
    )
    django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def django_view(request: Any) -> Any:
    from django.http import HttpResponse

    captured: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split()[0])

    environ = dict(request.META)
    environ["wsgi.input"] = request  # Django's request reads the body like a stream
    body = b"".join(application(environ, start))
    return HttpResponse(body, status=captured["status"], content_type="application/json")


urlpatterns: list[Any] = []


def reply(start: Callable[..., Any], status: str, body: Any) -> Iterable[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def user_of(environ: dict[str, Any]) -> int | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    digest = hashlib.sha256(header[7:].encode()).hexdigest()
    row = db().one("SELECT user_id FROM bench_floor_token WHERE digest = ?", digest)
    return row[0] if row else None


def update(item_id: int, to_status: str) -> dict[str, Any] | None:
    database = db()
    database.begin()
    try:
        row = database.row_lock(item_id)
        if row is None:
            database.rollback()
            return None
        database.one(
            "UPDATE bench_floor_item SET status = ?, version = version + 1 WHERE id = ? RETURNING version",
            to_status,
            item_id,
        )
        database.commit()
    except BaseException:
        database.rollback()
        raise
    return {"id": item_id, "status": to_status, "version": row[2] + 1}


def application(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
    user = user_of(environ)
    if user is None:
        return reply(start, "401 Unauthorized", {"code": "unauthorized"})
    method, parts = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "").strip("/").split("/")
    if method == "POST" and parts == ["floor", "items"]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        row = db().one(
            "INSERT INTO bench_floor_item (owner, title, status, version, created_at) "
            "VALUES (?, ?, 'submitted', 1, CURRENT_TIMESTAMP) RETURNING id",
            user,
            str(body.get("title", ""))[:200],
        )
        return reply(start, "201 Created", {"id": row[0], "status": "submitted", "version": 1})
    if method == "POST" and len(parts) == 4 and parts[:2] == ["floor", "items"] and parts[3] in ("assign", "complete"):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        done = update(int(parts[2]), "in_progress" if parts[3] == "assign" else "completed")
        if done is None:
            return reply(start, "404 Not Found", {"code": "not_found"})
        return reply(start, "200 OK", done)
    if method == "GET" and parts == ["floor", "items"]:
        owner = int(parse_qs(environ.get("QUERY_STRING", "")).get("owner", [str(user)])[0])
        rows = db().all(
            "SELECT id, title, status, version FROM bench_floor_item WHERE owner = ? ORDER BY id DESC LIMIT 20", owner
        )
        items = [{"id": r[0], "title": r[1], "status": r[2], "version": r[3]} for r in rows]
        return reply(start, "200 OK", {"items": items, "count": len(items)})
    return reply(start, "404 Not Found", {"code": "not_found"})


def main() -> None:
    global DATABASE_URL, DJANGO
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--django", action="store_true")
    args = parser.parse_args()
    DATABASE_URL, DJANGO = args.database_url, args.django
    if args.setup:
        print(db().setup())
        return
    from bianmin.server import Server, server_options

    if DJANGO:
        from django.urls import re_path

        urlpatterns.append(re_path(r"^floor/", django_view))
        load = django_application
    else:

        def load() -> Any:
            return application

    Server(server_options(args.host, args.port, args.workers, args.threads), load).run()


if __name__ == "__main__":
    main()
