"""Staff view of orders (read-only: an order changes only through its lifecycle) and of the
simulated network element."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Order, OrderEvent, SimulatedCommand, SimulatedSim


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "state", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("pk", "subscriber", "title", "state", "attempts", "created_at", "scheduled_for", "completed_at")
    list_filter = ("state", "action", "channel")
    search_fields = ("subscriber__msisdn", "title")
    raw_id_fields = ("subscriber",)
    inlines = [EventInline]


@admin.register(SimulatedSim)
class SimulatedSimAdmin(ReadOnly):
    list_display = ("msisdn", "plan", "suspended", "updated_at")
    search_fields = ("msisdn",)


@admin.register(SimulatedCommand)
class SimulatedCommandAdmin(ReadOnly):
    list_display = ("request_id", "msisdn", "command", "at")
    search_fields = ("msisdn", "request_id")
