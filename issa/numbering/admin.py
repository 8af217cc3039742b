"""The number pool in the back office: find a number, see its category, state and holder.

View-only: states change through ``issa.numbering.services`` (reservations, orders of number
change, the periodic releases), which audit them (ARCHITECTURE habit 8).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from issa.subscribers.admin import number_search

from .models import NumberAssignment, PoolNumber


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PoolNumber)
class PoolNumberAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "category", "state", "holder", "reserved_until", "quarantine_until", "order_ref")
    list_filter = ("state", "category")
    list_select_related = ("category", "holder")
    search_fields = ("msisdn",)
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found = number_search(queryset, search_term)
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)


@admin.register(NumberAssignment)
class NumberAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("msisdn", "subscriber", "valid_from", "valid_to", "order_ref")
    search_fields = ("msisdn",)
    list_select_related = ("subscriber",)
