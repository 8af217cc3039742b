"""The SMS outbox in the back office, read-only: staff see what was sent and its status, but a
sensitive message (a code, a password) only as "•••" (``body_for_staff``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from issa.core.phone import format_msisdn
from issa.subscribers.admin import number_search

from .models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "number", "kind", "status", "text", "sent_at")
    list_filter = ("status", "kind", "sensitive")
    search_fields = ("kind",)
    search_help_text = _("Number in any format, or kind")
    fields = (
        "number", "sender", "kind", "sensitive", "text", "status", "attempts", "provider_id", "error",
        "created_at", "sent_at",
    )  # fmt: skip
    readonly_fields = fields  # body_stored is never listed: only body_for_staff reaches the page
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[SmsMessage], search_term: str
    ) -> tuple[QuerySet[SmsMessage], bool]:
        by_number = number_search(queryset, search_term)
        if by_number is None:
            return super().get_search_results(request, queryset, search_term)
        return by_number, False

    @admin.display(description=_("number"), ordering="msisdn")
    def number(self, message: SmsMessage) -> str:
        return format_msisdn(message.msisdn)

    @admin.display(description=_("text"))
    def text(self, message: SmsMessage) -> str:
        return message.body_for_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
