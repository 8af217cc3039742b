"""Back office: partner consents, read-only (the subscriber grants and withdraws them; AUTH-14).

Partner clients themselves are managed on django-oauth-toolkit's own "Applications" page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Consent


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "scopes", "granted_at", "last_used_at")
    list_filter = ("application",)
    search_fields = ("user__login",)
    list_select_related = ("user", "application")
    readonly_fields = ("user", "application", "scopes", "granted_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
