"""``manage.py issa_staff_roles``: make the staff groups equal to issa/backoffice/roles.py.

``migrate`` already does it (post_migrate); run this after editing a group by hand to put it
back, or with ``--list`` to print each role with its job and permissions, or ``--check`` to
fail (exit 1) when the database differs from the table, without changing anything (CI, audits).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from issa.backoffice.roles import ROLES, permissions_of, roles_sync


class Command(BaseCommand):
    help = "Create or update the staff roles (Django groups) from issa/backoffice/roles.py."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="print the roles and their permissions")
        parser.add_argument("--check", action="store_true", help="exit 1 when the groups differ; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for role in ROLES:
                self.stdout.write(f"{role.name} ({role.key}): {role.job}")
                for permission in sorted(role.permissions):
                    self.stdout.write(f"    {permission}")
            return
        if options["check"]:
            differing = []
            for role in ROLES:
                group = Group.objects.filter(name=role.name).first()
                want = {p.pk for p in permissions_of(role.permissions)}
                have = set(group.permissions.values_list("pk", flat=True)) if group else None
                if have != want:
                    differing.append(role.name)
            if differing:
                raise CommandError(f"Staff roles differ from issa/backoffice/roles.py: {', '.join(differing)}")
            self.stdout.write("Staff roles match issa/backoffice/roles.py.")
            return
        for name, change in roles_sync().items():
            state = "created" if change["created"] else ("updated" if change["added"] or change["removed"] else "same")
            self.stdout.write(f"{name}: {state} (+{len(change['added'])} -{len(change['removed'])})")
