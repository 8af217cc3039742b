"""USSD dialogues in the back office, read-only. The dialogue's ``data`` is not shown, only its
keys: a menu may hold what the subscriber typed (a password being set) between two steps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from issa.core.phone import format_msisdn
from issa.subscribers.admin import number_search

from .models import UssdSession


@admin.register(UssdSession)
class UssdSessionAdmin(admin.ModelAdmin):
    list_display = ("started_at", "number", "menu", "step", "ended", "updated_at")
    list_filter = ("menu", "ended")
    search_fields = ("=session_id", "menu")
    search_help_text = _("Number in any format, gateway session id or menu")
    fields = ("session_id", "number", "menu", "step", "data_keys", "started_at", "updated_at", "ended")
    readonly_fields = fields
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[UssdSession], search_term: str
    ) -> tuple[QuerySet[UssdSession], bool]:
        by_number = number_search(queryset, search_term)
        if by_number is None:
            return super().get_search_results(request, queryset, search_term)
        return by_number, False

    @admin.display(description=_("number"), ordering="msisdn")
    def number(self, session: UssdSession) -> str:
        return format_msisdn(session.msisdn)

    @admin.display(description=_("data kept between steps"))
    def data_keys(self, session: UssdSession) -> str:
        return ", ".join(sorted(session.data)) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
