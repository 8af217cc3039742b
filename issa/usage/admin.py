"""Usage in the back office: files with their counts, the quarantine (re-process, dismiss) and
the records (read only). Nothing here changes a record or moves money except through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from issa.core import clock
from issa.core.money import format_byn
from issa.identity.actor import Actor

from .models import QuarantinedLine, UsageFile, UsageRecord, UsageSource
from .services import quarantine_dismiss, quarantine_reprocess


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UsageSource)
class UsageSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "created_at")
    search_fields = ("code", "name")
    readonly_fields = ("code", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sources appear with their first file

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UsageFile)
class UsageFileAdmin(ReadOnlyAdmin):
    list_display = (
        "name", "source", "status", "lines_read", "loaded", "duplicates", "quarantined", "charged_byn",
        "started_at", "finished_at",
    )  # fmt: skip
    list_filter = ("status", "source")
    search_fields = ("name", "sha256")
    date_hierarchy = "started_at"
    readonly_fields = (
        "name", "source", "status", "sha256", "size", "lines_read", "loaded", "duplicates", "quarantined",
        "last_line", "charged_byn", "error", "started_at", "finished_at",
    )  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("charged"), ordering="charged")
    def charged_byn(self, file: UsageFile) -> str:
        return format_byn(file.charged)


@admin.register(QuarantinedLine)
class QuarantinedLineAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file", "line_no", "reason", "message", "status", "attempts")
    list_filter = ("status", "reason", "file__source")
    search_fields = ("raw", "message", "file__name")
    search_help_text = _("Part of the line (a number, a record id) or of the file name")
    list_select_related = ("file",)
    readonly_fields = ("file", "line_no", "raw", "reason", "message", "status", "attempts", "created_at", "resolved_at")
    fields = readonly_fields
    actions = ("reprocess", "dismiss")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # resolved only by the actions below, so every line keeps its history

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Re-process the selected lines"), permissions=["view"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[QuarantinedLine]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        totals = quarantine_reprocess(line_ids=ids, actor=Actor.from_request(request, channel="admin"), now=clock.now())
        self.message_user(
            request,
            _("Loaded: %(loaded)s, already loaded: %(duplicate)s, still waiting: %(open)s.") % totals,
            messages.SUCCESS if not totals["open"] else messages.WARNING,
        )

    @admin.action(description=_("Dismiss the selected lines (never rate them)"), permissions=["view"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[QuarantinedLine]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        count = quarantine_dismiss(line_ids=ids, actor=Actor.from_request(request, channel="admin"), now=clock.now())
        self.message_user(
            request, ngettext("%(count)s line dismissed.", "%(count)s lines dismissed.", count) % {"count": count}
        )


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyAdmin):
    """Records by number: the list only (on PostgreSQL the table has no index on ``id``)."""

    list_display = (
        "start_time", "msisdn", "kind", "outgoing", "destination", "other_party", "quantity", "billable",
        "from_allowances", "charge_byn", "bill_period", "correction", "source", "record_id",
    )  # fmt: skip
    list_display_links = None
    list_filter = ("kind", "destination", "correction", "bill_period")
    search_fields = ("=msisdn", "=record_id")
    search_help_text = _("Number (exact, 375…) or record id (exact)")
    show_full_result_count = False
    ordering = ("-start_time",)

    @admin.display(description=_("charge"), ordering="charge")
    def charge_byn(self, record: UsageRecord) -> str:
        return format_byn(record.charge)


from . import admin_stats  # noqa: E402,F401  (internet statistics reference data)
