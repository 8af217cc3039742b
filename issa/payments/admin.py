"""Back office: payments and callbacks (read-only), express-card batches (issue + printer file,
counts, voiding a batch or chosen cards with the ``payments.void_expresscard`` right)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from issa.core import clock
from issa.core.errors import DomainError
from issa.core.money import format_byn, parse_roubles
from issa.identity.actor import Actor

from .models import CallbackLog, ExpressCard, ExpressCardBatch, Payment, Receipt
from .selectors import express_batch_counts
from .services import (
    VoidResult,
    express_batch_export,
    express_batch_issue,
    express_batch_void,
    express_cards_void,
    express_default_valid_until,
)

VOID_PERMISSION = "payments.void_expresscard"


def _counts(batch: ExpressCardBatch) -> dict[str, Any]:
    counts: dict[str, Any] = dict(express_batch_counts(batch=batch, now=clock.now()))
    counts["redeemed_sum_display"] = format_byn(counts["redeemed_sum"])
    return counts


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("created_at", "msisdn", "amount", "source", "state", "acquirer_txn_id", "card_last4")
    list_filter = ("state", "source")
    search_fields = ("msisdn", "=public_id", "=acquirer_txn_id")


@admin.register(CallbackLog)
class CallbackLogAdmin(ReadOnly):
    list_display = ("received_at", "outcome", "http_status", "event", "transaction_id", "payment", "remote_ip")
    list_filter = ("outcome", "http_status")
    search_fields = ("=transaction_id",)


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ("number", "issued_at", "msisdn", "amount")
    search_fields = ("=number", "msisdn")


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("express card", "Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("E.g. lost at the printer, stolen shipment. Kept in the audit log."),
    )


def _void_result(request: HttpRequest, admin_site: Any, *, result: VoidResult, title: Any) -> HttpResponse:
    redeemed = [{**card, "face_value_display": format_byn(card["face_value"])} for card in result.redeemed_cards]
    context = {**admin_site.each_context(request), "result": result, "redeemed": redeemed, "title": title}
    return render(request, "admin/payments/expresscardbatch/void_result.html", context)


@admin.register(ExpressCard)
class ExpressCardAdmin(ReadOnly):
    list_display = ("batch", "last4", "face_value", "state", "redeemed_at", "redeemed_subscriber", "voided_at")
    list_filter = ("state",)
    search_fields = ("=last4", "batch__number")
    list_select_related = ("batch", "redeemed_subscriber")
    actions = ["void_selected"]

    def has_void_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(VOID_PERMISSION)

    @admin.action(permissions=["void"], description=_("Void the selected cards"))
    def void_selected(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """Asks for the reason first (a page of its own, like Django's delete confirmation)."""
        if not self.has_void_permission(request):
            return HttpResponse(status=403)
        form = VoidForm(request.POST if "apply" in request.POST else None)
        error: Any = None
        if form.is_bound and form.is_valid():
            try:
                result = express_cards_void(
                    cards=queryset,
                    reason=form.cleaned_data["reason"],
                    actor=Actor.from_request(request, channel="admin"),
                    now=clock.now(),
                )
            except DomainError as exc:
                error = exc.text()
            else:
                return _void_result(request, self.admin_site, result=result, title=_("Cards voided"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Void express cards"),
            "form": form,
            "error": error,
            "count": queryset.count(),
            "active": queryset.filter(state=ExpressCard.State.ACTIVE).count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/expresscard/void.html", context)


class IssueForm(forms.Form):
    face_value = forms.CharField(label=_("Face value, roubles"), max_length=12)
    quantity = forms.IntegerField(label=_("Cards"), min_value=1, max_value=100_000)
    fmt = forms.ChoiceField(label=_("Printer file"), choices=[("xlsx", "Excel"), ("csv", "CSV")])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day the cards can be used; printed on them."),
    )


@admin.register(ExpressCardBatch)
class ExpressCardBatchAdmin(ReadOnly):
    list_display = ("number", "issued_at", "valid_until", "face_value", "quantity", "issued_by", "note")
    change_list_template = "admin/payments/expresscardbatch/change_list.html"
    change_form_template = "admin/payments/expresscardbatch/change_form.html"

    def get_urls(self) -> list[Any]:
        return [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="payments_expresscardbatch_issue"),
            path(
                "<int:object_id>/void/",
                self.admin_site.admin_view(self.void_view),
                name="payments_expresscardbatch_void",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        batch = ExpressCardBatch.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if batch is not None and self.has_view_permission(request, batch):
            extra_context = {
                **(extra_context or {}),
                "counts": _counts(batch),
                "can_void": request.user.has_perm(VOID_PERMISSION),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def void_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Void the whole batch (the cards still active), with a reason."""
        if not request.user.has_perm(VOID_PERMISSION):
            return HttpResponse(status=403)
        batch = get_object_or_404(ExpressCardBatch, pk=object_id)
        form = VoidForm(request.POST or None)
        error: Any = None
        if request.method == "POST" and form.is_valid():
            try:
                result = express_batch_void(
                    batch=batch,
                    reason=form.cleaned_data["reason"],
                    actor=Actor.from_request(request, channel="admin"),
                    now=clock.now(),
                )
            except DomainError as exc:
                error = exc.text()
            else:
                return _void_result(
                    request,
                    self.admin_site,
                    result=result,
                    title=_("Batch %(number)s voided") % {"number": batch.number},
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Void batch %(number)s") % {"number": batch.number},
            "batch": batch,
            "form": form,
            "error": error,
            "counts": _counts(batch),
            "opts": self.model._meta,
        }
        return render(request, "admin/payments/expresscardbatch/void.html", context)

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        """Issue a batch: the answer IS the printer's file; the codes are never shown again."""
        if not request.user.has_perm("payments.add_expresscard"):
            return HttpResponse(status=403)
        form = IssueForm(request.POST or None, initial={"valid_until": express_default_valid_until(now=clock.now())})
        error: Any = None
        if request.method == "POST" and form.is_valid():
            try:
                face_value = parse_roubles(form.cleaned_data["face_value"])
                batch, codes = express_batch_issue(
                    face_value=face_value,
                    quantity=form.cleaned_data["quantity"],
                    note=form.cleaned_data["note"],
                    valid_until=form.cleaned_data["valid_until"],
                    actor=Actor.from_request(request, channel="admin"),
                    now=clock.now(),
                )
            except ValueError:
                error = _("Enter the face value in roubles, e.g. 10 or 10,50.")
            except DomainError as exc:
                error = exc.text()
            else:
                name, content, mime = express_batch_export(batch=batch, codes=codes, fmt=form.cleaned_data["fmt"])
                response = HttpResponse(content, content_type=mime)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                response["Cache-Control"] = "no-store"
                return response
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "error": error,
            "title": _("Issue express cards"),
        }
        return render(request, "admin/payments/expresscardbatch/issue.html", context)
