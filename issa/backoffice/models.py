"""Rights of the back office that are not a model's add/change/view/delete.

``StaffRight`` has no table: it only carries the custom permissions that admin actions check
(``has_<name>_permission`` on the ModelAdmin). Which role holds which right is the table in
``issa/backoffice/roles.py`` (ADR 0009).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRight(models.Model):
    class Meta:
        managed = False  # no table: a holder of permissions
        default_permissions = ()
        verbose_name = _("back-office right")
        verbose_name_plural = _("back-office rights")
        permissions = [
            ("access_restrict", _("Can restrict and restore ISSA access of a number (AUTH-12)")),
            ("access_lost_sim", _("Can report a lost SIM card and so disable ISSA (AUTH-12)")),
            ("corporate_role", _("Can assign and revoke corporate roles (AUTH-11)")),
            ("client_application", _("Can close or open ISSA for all numbers of a client at its application")),
            ("puk_registration", _("Can set the «Регистрация по PUK1» flag (AUTH-4)")),
            ("home_login_issue", _("Can issue logins of home and office contracts (HOME-1)")),
            ("password_help", _("Can send a temporary password by SMS and unlock a login (AUTH-7, AUTH-8)")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
