"""The back office for finances: refund requests are reviewed here (FIN-6) within 3 working days —
the due date is shown and an "overdue" filter finds the late ones; approve or reject with a
reason goes through the services (money moves there, never by editing rows). Promised payments
and installment plans are read-only here; plans are created through the service (demo, sales).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.errors import DomainError
from issa.core.money import format_byn
from issa.identity.actor import Actor

from .models import InstallmentPayment, InstallmentPlan, PromisedPayment, RefundRequest
from .services import refund_approve, refund_reject
from .services.refunds import refund_overdue


class OverdueFilter(admin.SimpleListFilter):
    title = _("review deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("Overdue")), ("today", _("Due today")), ("open", _("Under review"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        today = clock.local_date(clock.now())
        live = queryset.filter(state=RefundRequest.State.SUBMITTED)
        if self.value() == "overdue":
            return queryset.filter(pk__in=refund_overdue(now=clock.now()).values("pk"))
        if self.value() == "today":
            return live.filter(due_on=today)
        if self.value() == "open":
            return live
        return queryset


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnly):
    list_display = (
        "submitted_at", "wrong_msisdn", "right_msisdn", "amount_byn", "state", "due_on", "overdue", "decide",
    )  # fmt: skip
    list_filter = (OverdueFilter, "state")
    search_fields = ("=wrong_msisdn", "=right_msisdn")
    ordering = ("due_on", "submitted_at")
    readonly_fields = (
        "account", "subscriber", "payment", "amount_byn", "wrong_msisdn", "right_msisdn", "right_account",
        "state", "submitted_at", "due_on", "decided_at", "decided_by", "reason",
    )  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("amount"), ordering="amount")
    def amount_byn(self, obj: RefundRequest) -> str:
        return format_byn(obj.amount)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: RefundRequest) -> bool:
        return obj.state == RefundRequest.State.SUBMITTED and obj.due_on < clock.local_date(clock.now())

    @admin.display(description=_("decision"))
    def decide(self, obj: RefundRequest) -> str:
        if obj.state != RefundRequest.State.SUBMITTED:
            return "—"
        url = reverse("admin:finance_refundrequest_decide", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Review"))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="finance_refundrequest_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Approve, or reject with a reason; staff need the custom permission ``decide_refund``
        (or superuser)."""
        obj = get_object_or_404(RefundRequest, pk=object_id)
        if not request.user.has_perm("finance.change_refundrequest"):
            messages.error(request, _("You may not decide refund requests."))
            return HttpResponseRedirect(reverse("admin:finance_refundrequest_changelist"))
        error = None
        if request.method == "POST":
            actor = Actor.from_request(request, channel="admin")
            try:
                if "approve" in request.POST:
                    obj = refund_approve(request_id=obj.pk, actor=actor, now=clock.now())
                else:
                    obj = refund_reject(
                        request_id=obj.pk, reason=request.POST.get("reason", ""), actor=actor, now=clock.now()
                    )
            except DomainError as exc:
                error = exc.text()
            else:
                messages.success(request, _("Decided: %(state)s.") % {"state": obj.get_state_display()})
                return HttpResponseRedirect(reverse("admin:finance_refundrequest_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "amount": format_byn(obj.amount),
            "error": error,
            "title": _("Review the refund request"),
        }
        return TemplateResponse(request, "admin/finance/refundrequest/decide.html", context)


@admin.register(PromisedPayment)
class PromisedPaymentAdmin(ReadOnly):
    list_display = ("created_at", "subscriber", "amount_byn", "state", "expires_at", "channel")
    list_filter = ("state", "channel")
    search_fields = ("=subscriber__msisdn",)
    list_select_related = ("subscriber",)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_byn(self, obj: PromisedPayment) -> str:
        return format_byn(obj.amount)


class InstallmentPaymentInline(admin.TabularInline):
    model = InstallmentPayment
    extra = 0
    can_delete = False
    readonly_fields = ("number", "amount", "early", "paid_at", "ledger_key")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InstallmentPlan)
class InstallmentPlanAdmin(ReadOnly):
    list_display = ("device_name", "subscriber", "total", "monthly_amount", "payments_count", "first_month", "state")
    list_filter = ("state",)
    search_fields = ("=subscriber__msisdn", "device_name")
    inlines = [InstallmentPaymentInline]
