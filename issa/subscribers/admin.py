"""Subscribers in the back office: find a number however it is typed, see plan, status, device,
SIM (its ICCID only: PIN/PUK are never shown here, INFO-4), plan history and connected services;
«Открыть» leads to the subscriber's one page for staff (``issa.backoffice.overview``).

View-only: a subscriber's status, plan and services change through services that audit them
(ARCHITECTURE habit 8), never by editing a row.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from issa.core.errors import DomainError
from issa.core.phone import format_msisdn, parse_any_number, parse_msisdn

from .models import PlanPeriod, Product, Sim, Subscriber

_PHONE_LIKE = re.compile(r"^[\d+()\-\s.]+$")


def number_search(queryset: QuerySet[Any], term: str, field: str = "msisdn") -> QuerySet[Any] | None:
    """``+375 (29) 100-00-01``, ``80291000001``, ``291000001`` -> the subscriber with that number;
    a phone-like fragment (``100-00``) -> numbers containing those digits; None for other text."""
    term = term.strip()
    if not term or not _PHONE_LIKE.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    for parse in (parse_msisdn, parse_any_number):
        try:
            return queryset.filter(**{field: parse(term)})
        except DomainError:
            continue
    return queryset.filter(**{f"{field}__contains": digits}) if len(digits) >= 3 else queryset.none()


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SimInline(ViewOnlyInline):
    model = Sim
    fields = ("iccid", "created_at")  # the *_enc columns are never listed: secrets stay out (INFO-4)
    readonly_fields = fields


class PlanPeriodInline(ViewOnlyInline):
    model = PlanPeriod
    fields = ("plan", "valid_from", "valid_to")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanPeriod]:
        return super().get_queryset(request).select_related("plan")


class ProductInline(ViewOnlyInline):
    model = Product
    fields = ("service", "active_from", "active_to", "settings")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return super().get_queryset(request).select_related("service").order_by("-active_from")


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("number", "open_overview", "name", "account", "plan", "status", "device", "activated_on")
    list_filter = ("status", "plan", "device", "puk_registration")
    search_fields = ("user_name", "account__client__name", "=account__number")
    search_help_text = _("Number in any format, name, or account number")
    list_select_related = ("account__client", "plan")
    fields = (
        "number", "account", "client", "user_name", "plan", "status", "device", "activated_on", "puk_registration",
        "created_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (SimInline, PlanPeriodInline, ProductInline)
    show_full_result_count = False
    change_form_template = "backoffice/overview_change_form.html"  # a link to the one page

    class Media:
        css = {"all": ("backoffice/overview.css",)}

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/overview/",
                self.admin_site.admin_view(self.overview_view),
                name="subscribers_subscriber_overview",
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        from issa.backoffice.overview import subscriber_overview

        return subscriber_overview(self, request, object_id)

    @admin.display(description=pgettext_lazy("overview", "Subscriber's page"))
    def open_overview(self, subscriber: Subscriber) -> str:
        url = reverse("admin:subscribers_subscriber_overview", args=[subscriber.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, pgettext_lazy("overview", "Open"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).select_related("account__client", "plan")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Subscriber], search_term: str
    ) -> tuple[QuerySet[Subscriber], bool]:
        by_number = number_search(queryset, search_term)
        if by_number is None:
            return super().get_search_results(request, queryset, search_term)
        # A bare run of digits may also be an account number.
        digits = re.sub(r"\D", "", search_term)
        return by_number | queryset.filter(Q(account__number=digits)), False

    @admin.display(description=_("number"), ordering="msisdn")
    def number(self, subscriber: Subscriber) -> str:
        return format_html('<span class="ov-nowrap">{}</span>', format_msisdn(subscriber.msisdn))

    @admin.display(description=_("subscriber's name"))
    def name(self, subscriber: Subscriber) -> str:
        return subscriber.display_name

    @admin.display(description=_("client"))
    def client(self, subscriber: Subscriber) -> str:
        return str(subscriber.account.client)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The admin's home page gets a «Найти абонента» box searching this changelist (one search box for
# number, name and account number, see get_search_results above).
if admin.site.index_template is None:
    admin.site.index_template = "backoffice/overview_index.html"
