from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.errors import DomainError
from bianmin.org import services
from bianmin.org.choices import EmploymentType, Role
from bianmin.org.models import Unit


class Command(BaseCommand):
    help = "Manage people: `bianmin user create USERNAME --password P [--unit CODE --role ROLE]...`"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a person with roles in units.")
        create.add_argument("username")
        create.add_argument("--password", required=True)
        create.add_argument("--display-name", default="")
        create.add_argument("--phone", default="")
        create.add_argument("--contract", action="store_true", help="Contract staff (聘用), kept off windows.")
        create.add_argument("--unit", action="append", default=[], metavar="CODE", help="Unit code; pair with --role.")
        create.add_argument("--role", action="append", default=[], choices=Role.values, help="Role in the unit.")
        create.add_argument("--superuser", action="store_true", help="Full access, including the admin site.")

    def handle(self, *args: Any, **options: Any) -> None:
        if len(options["unit"]) != len(options["role"]):
            raise CommandError("give --unit and --role in pairs: one --role for each --unit")
        memberships = []
        for code, role in zip(options["unit"], options["role"], strict=True):
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"no unit with code {code}")
            memberships.append((unit, role))
        try:
            user = services.create_user(
                actor=None,
                username=options["username"],
                password=options["password"],
                display_name=options["display_name"],
                phone=options["phone"],
                employment_type=EmploymentType.CONTRACT if options["contract"] else EmploymentType.FORMAL,
                memberships=memberships,
                is_staff=options["superuser"],
                is_superuser=options["superuser"],
            )
        except DomainError as exc:
            raise CommandError(exc.describe()) from None
        self.stdout.write(f"created {user.username}")
