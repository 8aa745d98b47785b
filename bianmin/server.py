"""The production server: gunicorn in-process, so `bianmin up` needs nothing else installed."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from gunicorn.app.base import BaseApplication


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        from bianmin.wsgi import application

        return application


def serve(host: str, port: int, workers: int, threads: int) -> None:
    Server(
        {
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
            "proc_name": "bianmin",
            # No control socket: it would be created under $HOME, which a service account may not have.
            "control_socket_disable": True,
        }
    ).run()
