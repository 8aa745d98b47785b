"""`bianmin catalog import FILE` / `bianmin catalog export FILE`: the catalogue as the staff's Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.catalog.excel import ImportFailed, export_items, import_items
from bianmin.catalog.models import ServiceItem
from bianmin.errors import DomainError
from bianmin.org.models import User


class Command(BaseCommand):
    help = "The service catalogue in Excel: `import FILE` (all rows or none) and `export FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        read = sub.add_parser("import", help="Write the items of a workbook; nothing if any row is wrong.")
        read.add_argument("file", type=Path)
        read.add_argument("--as", dest="username", help="Import as this user (their scope applies); default: platform.")
        write = sub.add_parser("export", help="Write every item (current versions) to a workbook.")
        write.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["subcommand"] == "export":
            export_items(ServiceItem.objects.all(), path)
            self.stdout.write(f"wrote {ServiceItem.objects.count()} items to {path}")
            return
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {options['username']}")
        try:
            result = import_items(path, actor=actor)
        except ImportFailed as exc:
            raise CommandError(exc.describe()) from None
        except DomainError as exc:
            raise CommandError(exc.describe()) from None
        self.stdout.write(
            f"imported {path}: {result.created} new, {result.updated} changed, {result.unchanged} unchanged"
        )
