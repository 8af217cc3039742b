"""Rating state in the back office, read only: allowance usage and the closed periods."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AllowanceUsage, ClosedPeriod


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AllowanceUsage)
class AllowanceUsageAdmin(_ReadOnly):
    list_display = ("subscriber", "period", "owner", "owner_id", "kind", "destinations", "used", "updated_at")
    list_filter = ("period", "owner", "kind")
    search_fields = ("=subscriber__msisdn",)
    list_select_related = ("subscriber",)


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(_ReadOnly):
    list_display = ("key", "closed_at")
