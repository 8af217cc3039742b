"""The ledger in the back office (BSS-4): browse and search, never add, change or delete.

A mistake is corrected by a new entry (kind ``adjustment``) through a billing service, never here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from issa.core.money import format_byn

from .models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("effective_at", "account", "kind", "amount_byn", "reason", "idempotency_key", "booked_at")
    list_filter = ("kind",)
    search_fields = ("=account__number", "idempotency_key")
    search_help_text = _("Account number (exact) or part of the idempotency key")
    list_select_related = ("account",)
    fields = (
        "account", "subscriber", "kind", "amount_byn", "reason", "idempotency_key", "effective_at", "booked_at",
        "details",
    )  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("amount"), ordering="amount")
    def amount_byn(self, entry: LedgerEntry) -> str:
        return format_byn(entry.amount)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from . import admin_bills  # noqa: E402,F401  (bills, bill runs, deliveries: issue 6)
