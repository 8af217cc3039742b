"""The admin site of the back office: every page of /staff/ needs a session verified by a TOTP
code (django-otp), and the login is two steps (password, then the code; or enrolment of a TOTP
device on the first login). Installed as the default admin site (``StaffAdminConfig`` in
INSTALLED_APPS), so ``admin.site`` and every ``@admin.register`` use it (ADR 0009)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


def is_verified_staff(request: HttpRequest) -> bool:
    user: Any = request.user
    verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_staff and verified is not None and verified())


class StaffAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from .login import staff_login

        return staff_login(request, site=self)


class StaffAdminConfig(AdminConfig):
    default_site = "issa.backoffice.adminsite.StaffAdminSite"
