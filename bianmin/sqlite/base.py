"""Django's SQLite backend with the writers of every process queued on a lock file.

Every transaction takes SQLite's write lock at BEGIN IMMEDIATE. A writer that finds it taken is left to
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries: with four workers the lock
is usually free again long before the sleeper wakes, and a quarter of the two cores idled under the
benchmark's load while requests waited (issue 6). Here a transaction first takes an exclusive `flock` on
`<database>-writers`, tried again every 0.1–1 ms, and only then BEGINs: the next writer starts within a
millisecond of the last one's commit. The wait keeps SQLite's timeout, and past it "database is locked"
as before. Readers never touch the lock file.

Django turns every statement's `%s` into SQLite's `?` with a regular expression on each execution; the
platform sends the same few statements over and over, so the cursor here remembers the conversions."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from functools import lru_cache
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

log = logging.getLogger(__name__)
POLL_FIRST, POLL_MAX = 0.0001, 0.001  # seconds between tries while another writer holds the lock file


@lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None and len(query) <= 8192:  # a statement built from data is not kept
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue_fd: int | None = None
        self._queued = False

    def _queue(self) -> int | None:
        """This connection's descriptor of the lock file; None for an in-memory database or when the
        file cannot be made (a read-only directory): then SQLite's busy handler alone queues writers."""
        if self._queue_fd is None and not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}-writers"
            try:
                self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                log.warning("writers not queued on %s: %s", path, exc)
        return self._queue_fd

    def _take_turn(self) -> None:
        fd = self._queue()
        if fd is None:
            return
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = POLL_FIRST
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, POLL_MAX)
        self._queued = True

    def _leave_queue(self) -> None:
        if self._queued and self._queue_fd is not None:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queued = False

    # The hooks below are private to Django's backends (django-stubs does not declare them).
    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
