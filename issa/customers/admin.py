"""Clients and accounts in the back office: find a client by name, UNP or account number and see
each account's balance (the sum of its ledger entries, BSS-4).

Editing is limited to contact data; money and subscribers change only through services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core import clock
from issa.core.money import format_byn
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.subscribers.models import Subscriber

from .models import Account, Client


def with_balance(qs: QuerySet[Account]) -> QuerySet[Account]:
    """Annotate ``balance`` for lists: the same sum as ``billing.selectors.account_balance``, in
    one query for a whole page instead of one per row."""
    total = (
        LedgerEntry.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return qs.annotate(balance=Coalesce(Subquery(total, output_field=IntegerField()), 0))


def balance_cell(account: Account) -> str:
    balance = getattr(account, "balance", None)
    if balance is None:
        balance = account_balance(account_id=account.pk)
    return format_byn(int(balance))


class AccountInline(admin.TabularInline):
    model = Account
    fields = ("number", "payment_method", "opened_on", "credit_limit", "balance_display")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return with_balance(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("balance"))
    def balance_display(self, account: Account) -> str:
        return balance_cell(account)


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unp", "email", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "=unp", "=accounts__number")
    search_help_text = _("Name, UNP or account number")
    fields = ("kind", "name", "unp", "email", "address", "created_at")
    readonly_fields = ("kind", "created_at")
    inlines = (AccountInline,)
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        """Contact data edited by staff is audited in the admin's own transaction (AUTH-13)."""
        super().save_model(request, obj, form, change)
        audit_record(
            actor=Actor.from_request(request, channel="admin"),
            action="client.update",
            now=clock.now(),
            client=obj,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # contracts are signed in a sales centre; the demo loads them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubscriberInline(admin.TabularInline):
    model = Subscriber
    fields = ("number", "plan", "status", "device", "user_name")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("plan")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("number"))
    def number(self, subscriber: Any) -> str:
        return format_msisdn(subscriber.msisdn)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("number", "client", "payment_method", "opened_on", "balance_display")
    list_per_page = 50
    list_filter = ("payment_method",)
    search_fields = ("=number", "client__name", "=client__unp")
    search_help_text = _("Account number, client's name or UNP")
    list_select_related = ("client",)
    fields = ("number", "client", "payment_method", "opened_on", "credit_limit", "balance_display", "ledger")
    readonly_fields = fields
    inlines = (SubscriberInline,)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return with_balance(super().get_queryset(request))

    @admin.display(description=_("balance"), ordering="balance")
    def balance_display(self, account: Account) -> str:
        return balance_cell(account)

    @admin.display(description=_("ledger"))
    def ledger(self, account: Account) -> str:
        url = reverse("admin:billing_ledgerentry_changelist") + f"?account__id__exact={account.pk}"
        return format_html('<a href="{}">{}</a>', url, _("All entries of this account"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
