from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The operator's staff back office: staff roles, the second factor and the subscriber's one page."""

    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "issa.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        # After this app's migrations (and after every later `migrate`), make the staff groups
        # equal to issa/backoffice/roles.py. Not a data migration: permissions exist only after
        # post_migrate, and the table must keep applying as it changes (ADR 0009).
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="issa.backoffice.roles")


def sync_roles_after_migrate(sender: AppConfig, using: str = "default", verbosity: int = 1, **kwargs: Any) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .roles import roles_sync

    if using != "default":
        return
    # Apps listed after this one have not had their post_migrate yet: create their permissions
    # now (idempotent) so that every role's permission exists.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    report = roles_sync(audit=False)
    if verbosity >= 2:
        for name, change in report.items():
            print(f"  staff role {name}: +{len(change['added'])} -{len(change['removed'])}")
