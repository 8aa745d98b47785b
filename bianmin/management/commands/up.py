from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from bianmin.database import refresh_statistics
from bianmin.demo import accounts_file, load_demo, load_demo_modules
from bianmin.org.models import Unit
from bianmin.server import serve


class Command(BaseCommand):
    help = "Migrate, load the demo county into an empty database, collect static files, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load the demo county into an empty database."
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not run the sweep by itself (cron runs `bianmin sweep`)."
        )
        parser.add_argument("--workers", type=int, default=settings.SERVER_WORKERS, help="Server worker processes.")
        parser.add_argument("--threads", type=int, default=1, help="Threads per worker (1 = sync workers).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            self.stderr.write("--port must be between 1 and 65535")
            raise SystemExit(2)
        call_command("migrate", interactive=False, verbosity=0)
        refresh_statistics()
        self.stdout.write("database migrated")
        if not options["no_demo"] and not Unit.objects.exists():
            load_demo()
            load_demo_modules()
            self.stdout.write("demo county loaded")
        call_command("collectstatic", interactive=False, verbosity=0)
        if accounts_file().exists():
            self.stdout.write(accounts_file().read_text(encoding="utf-8"))
        self.stdout.write(f"Bianmin serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops)")
        self.stdout.flush()
        connections.close_all()  # the workers fork from this process and must not share its connection
        scheduler = None
        if settings.SWEEP_EVERY_MINUTES and not options["no_schedule"]:
            # Beside the server, not in it: a thread in gunicorn's master would be copied into every fork.
            command = [sys.executable, "-m", "bianmin.cli_main", "schedule", "--parent", str(os.getpid())]
            scheduler = subprocess.Popen(command)  # noqa: S603 (our own interpreter and arguments)
            self.stdout.write(f"the sweep runs every {settings.SWEEP_EVERY_MINUTES} minutes (SWEEP_EVERY_MINUTES)")
            self.stdout.flush()
        try:
            serve(options["host"], options["port"], options["workers"], options["threads"])
        finally:
            if scheduler is not None:
                scheduler.terminate()
                scheduler.wait(timeout=30)
