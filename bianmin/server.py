"""The production server: gunicorn in-process, so `bianmin up` needs nothing else installed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


def _bianmin() -> Any:
    """The application, loaded once in the server's master process (`preload_app`): its URLconf and the
    API's schemas take a second to import, which a worker forked afterwards, at start and at every
    recycling (`max_requests`), no longer spends."""
    from django.db import connections
    from django.urls import get_resolver

    from bianmin.wsgi import application

    get_resolver().url_patterns  # noqa: B018 (imports every view, the API and its schemas)
    connections.close_all()  # the workers fork from this process and must not share a connection of it
    return application


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], load: Callable[[], Any] = _bianmin) -> None:
        self.options = options
        self._load = load
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._load()


# gunicorn's default but the request line (%(r)s: method, path *with* query, protocol) and the referrer.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'


def server_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """The deployed configuration; the benchmark's floor app is served with exactly these options."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": 60,
        "graceful_timeout": 20,
        # Recycle workers now and then so a slow leak can never grow a worker without bound.
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "accesslog": "-",
        # The path without its query string and no referrer: a query can hold a phone number (a search) and
        # a referrer the query of the page before; personal data never goes to the log (DESIGN §8).
        "access_log_format": ACCESS_LOG_FORMAT,
        # Load the application before forking the workers: a new worker starts in milliseconds.
        "preload_app": True,
        "proc_name": "bianmin",
        # No control socket: it would be created under $HOME, which a service account may not have.
        "control_socket_disable": True,
    }


def serve(host: str, port: int, workers: int, threads: int) -> None:
    Server(server_options(host, port, workers, threads)).run()
