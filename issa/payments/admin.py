"""Back office: payments and callbacks (read-only), express-card batches (issue + printer file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.errors import DomainError
from issa.core.money import parse_roubles
from issa.identity.actor import Actor

from .models import CallbackLog, ExpressCard, ExpressCardBatch, Payment, Receipt
from .services import express_batch_export, express_batch_issue


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


@admin.register(ExpressCard)
class ExpressCardAdmin(ReadOnly):
    list_display = ("batch", "last4", "face_value", "state", "redeemed_at", "redeemed_subscriber")
    list_filter = ("state",)
    search_fields = ("=last4", "batch__number")


class IssueForm(forms.Form):
    face_value = forms.CharField(label=_("Face value, roubles"), max_length=12)
    quantity = forms.IntegerField(label=_("Cards"), min_value=1, max_value=100_000)
    fmt = forms.ChoiceField(label=_("Printer file"), choices=[("xlsx", "Excel"), ("csv", "CSV")])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


@admin.register(ExpressCardBatch)
class ExpressCardBatchAdmin(ReadOnly):
    list_display = ("number", "issued_at", "face_value", "quantity", "issued_by", "note")
    change_list_template = "admin/payments/expresscardbatch/change_list.html"

    def get_urls(self) -> list[Any]:
        return [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="payments_expresscardbatch_issue"),
            *super().get_urls(),
        ]

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        """Issue a batch: the answer IS the printer's file; the codes are never shown again."""
        if not request.user.has_perm("payments.add_expresscard"):
            return HttpResponse(status=403)
        form = IssueForm(request.POST or None)
        error: Any = None
        if request.method == "POST" and form.is_valid():
            try:
                face_value = parse_roubles(form.cleaned_data["face_value"])
                batch, codes = express_batch_issue(
                    face_value=face_value,
                    quantity=form.cleaned_data["quantity"],
                    note=form.cleaned_data["note"],
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
