"""Django's PostgreSQL backend, reading `timestamptz` columns with psycopg's compiled parser, and checking a
kept connection's health without a round trip.

Django registers its own loader for them, a Python subclass of psycopg's Python one, to set each value's
tzinfo; it parsed every timestamp in Python, about 3 µs each, and a case row carries fifteen (the lifecycle
benchmark reads some sixty per lifecycle, issue 6). The session runs in UTC (Django sets it so with
USE_TZ), in which psycopg's own loader gives exactly what Django's gives: the instant with
`datetime.timezone.utc`. Any other configuration keeps Django's loader.

Health checks (CONN_HEALTH_CHECKS): Django asks a kept connection `SELECT 1` before each request uses it, a
round trip on every request (four of a case lifecycle's 27). A server that restarts or ends the session
(`pg_terminate_backend`, a failover) first writes its notice and closes the socket, so a socket with nothing
to read is a session that holds: only when something waits there is the server asked."""

from __future__ import annotations

import select
from datetime import UTC
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg import abc, adapt, pq

TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid
_PSYCOPG_LOADER = psycopg.adapters.get_loader(TIMESTAMPTZ, pq.Format.TEXT)


class UTCTimestamptzLoader(adapt.Loader):
    """psycopg's loader (compiled with psycopg[binary], which cannot be subclassed), with the `timezone`
    attribute Django's backend checks before it would register its own on each cursor."""

    timezone = UTC

    def __init__(self, oid: int, context: abc.AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        self._load = _PSYCOPG_LOADER(oid, context).load  # type: ignore[misc]

    def load(self, data: Any) -> Any:
        return self._load(data)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if self.timezone is UTC and self.timezone_name == "UTC" and _PSYCOPG_LOADER is not None:
            context = adapt.AdaptersMap(params["context"])  # Django's map is shared: extend a copy
            context.register_loader(TIMESTAMPTZ, UTCTimestamptzLoader)
            params["context"] = context
        return params

    def is_usable(self) -> bool:
        """Whether the kept connection still works. While the server has sent nothing since its last answer
        (the socket has nothing to read; a poll, no round trip) the session holds; once something waits there
        — a session ended by the server writes its notice and closes the socket — Django's `SELECT 1` decides."""
        if self.connection is None or self.connection.closed:
            return False
        waiting = select.poll()
        waiting.register(self.connection.fileno(), select.POLLIN)
        if not waiting.poll(0):
            return True
        return bool(super().is_usable())
