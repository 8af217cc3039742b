"""Bills in the back office: the bill run's progress (done, failed, remaining, rate) refreshed by
htmx, its failures with reasons, bills (read-only: a bill is never edited), delivery settings
and deliveries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from issa.core.money import format_byn

from .models import Bill, BillDelivery, BillRun, BillRunFailure, DeliverySetting


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FailureInline(admin.TabularInline):
    model = BillRunFailure
    fields = ("account", "reason", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BillRun)
class BillRunAdmin(_ReadOnly):
    list_display = ("period", "status", "done", "failed", "remaining_col", "percent_col", "rate_col", "updated_at")
    readonly_fields = (
        "period", "status", "cutoff", "previous_cutoff", "started_at", "updated_at", "finished_at", "total", "done",
        "failed", "last_account_id", "batches", "seconds", "error",
    )  # fmt: skip
    inlines = [FailureInline]
    change_form_template = "admin/billing/billrun/change_form.html"

    @admin.display(description=_("remaining"))
    def remaining_col(self, obj: BillRun) -> int:
        return obj.remaining

    @admin.display(description=_("progress"))
    def percent_col(self, obj: BillRun) -> str:
        return f"{obj.percent} %"

    @admin.display(description=_("accounts/s"))
    def rate_col(self, obj: BillRun) -> str:
        return f"{obj.rate:.0f}"

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        own = [
            path(
                "<int:run_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="billing_billrun_progress",
            )
        ]
        return own + urls

    def progress_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """The htmx partial: the run's counts, re-fetched every few seconds while it runs."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        run = get_object_or_404(BillRun, pk=run_id)
        return render(request, "admin/billing/billrun/_progress.html", {"run": run})


@admin.register(Bill)
class BillAdmin(_ReadOnly):
    list_display = ("number", "period", "account", "charges_byn", "amount_due_byn", "issued_at")
    list_filter = ("period",)
    search_fields = ("=number", "=account__number")
    list_select_related = ("account",)
    readonly_fields = (
        "number", "account", "period", "run", "period_start", "period_end", "issued_at", "opening_balance", "charges",
        "vat", "payments", "closing_balance", "amount_due", "lines",
    )  # fmt: skip

    @admin.display(description=_("charges"))
    def charges_byn(self, obj: Bill) -> str:
        return format_byn(obj.charges)

    @admin.display(description=_("amount due"))
    def amount_due_byn(self, obj: Bill) -> str:
        return format_byn(obj.amount_due)


@admin.register(DeliverySetting)
class DeliverySettingAdmin(_ReadOnly):
    list_display = ("account", "method", "email", "excel", "set_at", "set_by")
    search_fields = ("=account__number", "email")
    list_select_related = ("account",)


@admin.register(BillDelivery)
class BillDeliveryAdmin(_ReadOnly):
    list_display = ("bill", "kind", "method", "address", "status", "error", "created_at", "sent_at")
    list_filter = ("kind", "status", "method")
    search_fields = ("=bill__number", "address")
    list_select_related = ("bill",)
