"""The catalogue in the back office (BSS-1): tariff plans with their versioned terms, usage prices
and allowances, services with their terms, number categories.

Prices are BYN with VAT 20 % included; the VAT part is shown beside each fee. Terms already in
force are read-only (rating and fees used them): a price change is a new terms row with a later
``valid_from`` — added inline, or copied with its prices and allowances by the "new version"
action. Every change is audited (AUTH-13) besides Django's own admin log.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.errors import DomainError
from issa.core.money import format_byn, to_kopecks, vat_included
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from . import services
from .models import (
    Allowance,
    NumberCategory,
    PlanChangeTerms,
    PlanTerms,
    Service,
    ServiceAvailability,
    ServiceRule,
    ServiceTerms,
    TariffPlan,
    UsagePrice,
)
from .selectors import terms_locked

IN_FORCE_HELP = _("Terms in force are read-only: add a new version with a later start instead.")


def money_with_vat(amount: Decimal | None) -> str:
    """``19,90 руб. (VAT 3,32 руб.)``: the price as sold and its VAT part."""
    if amount is None:
        return "—"
    kopecks = to_kopecks(amount)
    return _("%(amount)s (VAT %(vat)s)") % {"amount": format_byn(kopecks), "vat": format_byn(vat_included(kopecks))}


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event for every save and delete, and for each inline row saved.

    Other apps' staff-edited reference data reuse it with their own ``audit_prefix``."""

    audit_prefix = "catalog"

    def _audit(self, request: HttpRequest, verb: str, obj: Model | None, details: dict[str, Any]) -> None:
        model = obj._meta.model_name if obj is not None else self.model._meta.model_name
        action = f"{self.audit_prefix}.{model}_{verb}"
        audit_record(actor=_actor(request), action=action, now=clock.now(), obj=obj, details=details)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, "changed" if change else "added", obj, {"fields": list(form.changed_data)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        label = str(obj)
        super().delete_model(request, obj)
        self._audit(request, "deleted", None, {"object": label})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit(request, "added", obj, {})
        for obj, fields in formset.changed_objects:
            self._audit(request, "changed", obj, {"fields": list(fields)})
        for obj in formset.deleted_objects:
            self._audit(request, "deleted", None, {"object": str(obj), "model": obj._meta.model_name})


# --- Terms: locked once in force ---------------------------------------------------------------


class TermsForm(forms.ModelForm):
    """Terms in force are shown disabled (posted values are ignored); new or changed future
    terms must start in the future."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked = terms_locked(self.instance, now=clock.now())
        if self.locked:
            for field in self.fields.values():
                field.disabled = True
                field.help_text = IN_FORCE_HELP

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        valid_from = data.get("valid_from")
        if not self.locked and self.has_changed() and valid_from is not None and valid_from <= clock.now():
            self.add_error(
                "valid_from",
                _("A new version of the terms must start in the future: terms in force are never changed."),
            )
        return data


class TermsFormSet(BaseInlineFormSet):
    """Rows in force cannot be deleted."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if getattr(form, "locked", False) and "DELETE" in form.fields:
            form.fields["DELETE"].disabled = True


class PlanTermsInline(admin.TabularInline):
    model = PlanTerms
    form = TermsForm
    formset = TermsFormSet
    extra = 1
    fields = ("valid_from", "fee", "fee_discount", "vat", "voice_rounding", "data_unit_kb", "state")
    readonly_fields = ("vat", "state")
    show_change_link = True  # usage prices and allowances are edited on the terms' own page
    ordering = ("-valid_from",)

    @admin.display(description=_("with VAT"))
    def vat(self, obj: PlanTerms) -> str:
        return money_with_vat(obj.fee - obj.fee_discount) if obj.pk else "—"

    @admin.display(description=_("state"))
    def state(self, obj: PlanTerms) -> str:
        return _state(obj)


class ServiceTermsInline(admin.TabularInline):
    model = ServiceTerms
    form = TermsForm
    formset = TermsFormSet
    extra = 1
    fields = ("valid_from", "fee", "fee_period", "one_time_fee", "pro_rata", "vat", "state")
    readonly_fields = ("vat", "state")
    show_change_link = True
    ordering = ("-valid_from",)

    @admin.display(description=_("with VAT"))
    def vat(self, obj: ServiceTerms) -> str:
        return money_with_vat(obj.fee) if obj.pk else "—"

    @admin.display(description=_("state"))
    def state(self, obj: ServiceTerms) -> str:
        return _state(obj)


def _state(terms: PlanTerms | ServiceTerms) -> str:
    if not terms.pk:
        return "—"
    now = clock.now()
    if terms.valid_from > now:
        return str(_("planned"))
    siblings: QuerySet[Any] = (
        PlanTerms.objects.filter(plan_id=terms.plan_id)
        if isinstance(terms, PlanTerms)
        else ServiceTerms.objects.filter(service_id=terms.service_id)
    ).filter(valid_from__lte=now)
    current = siblings.order_by("-valid_from").values_list("pk", flat=True).first()
    return str(_("in force") if current == terms.pk else _("history"))


class _ChildOfTermsInline(admin.TabularInline):
    """Prices and allowances of terms in force are read-only, like the terms."""

    extra = 0

    def _editable(self, obj: Any) -> bool:
        return obj is None or not terms_locked(obj, now=clock.now())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class UsagePriceInline(_ChildOfTermsInline):
    model = UsagePrice
    fields = ("kind", "destination", "outgoing", "unit_price", "vat")
    readonly_fields = ("vat",)

    @admin.display(description=_("with VAT"))
    def vat(self, obj: UsagePrice) -> str:
        return money_with_vat(obj.unit_price) if obj.pk else "—"


class PlanAllowanceInline(_ChildOfTermsInline):
    model = Allowance
    fk_name = "plan_terms"
    fields = ("kind", "destinations", "quantity")


class ServiceAllowanceInline(_ChildOfTermsInline):
    model = Allowance
    fk_name = "service_terms"
    fields = ("kind", "destinations", "quantity")


class _TermsAdmin(AuditedAdmin):
    form = TermsForm
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and terms_locked(obj, now=clock.now()):
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and terms_locked(obj, now=clock.now()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("New version from tomorrow (copy prices and allowances)"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        now = clock.now()
        start = clock.start_of_local_day(clock.local_date(now) + timedelta(days=1))
        for terms in queryset:
            try:
                copy = self._copy(terms=terms, valid_from=start, actor=_actor(request), now=now)
            except DomainError as exc:
                self.message_user(request, f"{terms}: {exc.text()}", messages.ERROR)
            else:
                self.message_user(request, _("New version %(terms)s created.") % {"terms": copy}, messages.SUCCESS)

    def _copy(self, **kwargs: Any) -> Any:
        raise NotImplementedError


@admin.register(PlanTerms)
class PlanTermsAdmin(_TermsAdmin):
    list_display = ("plan", "valid_from", "fee", "fee_discount", "vat", "voice_rounding", "data_unit_kb")
    list_filter = ("plan",)
    list_select_related = ("plan",)
    inlines = [UsagePriceInline, PlanAllowanceInline]
    actions = ["new_version"]

    @admin.display(description=_("fee with VAT"))
    def vat(self, obj: PlanTerms) -> str:
        return money_with_vat(obj.fee - obj.fee_discount)

    def _copy(self, **kwargs: Any) -> Any:
        return services.plan_terms_new_version(**kwargs)


@admin.register(ServiceTerms)
class ServiceTermsAdmin(_TermsAdmin):
    list_display = ("service", "valid_from", "fee", "fee_period", "one_time_fee", "pro_rata", "vat")
    list_filter = ("service", "fee_period")
    list_select_related = ("service",)
    inlines = [ServiceAllowanceInline]
    actions = ["new_version"]

    @admin.display(description=_("fee with VAT"))
    def vat(self, obj: ServiceTerms) -> str:
        return money_with_vat(obj.fee)

    def _copy(self, **kwargs: Any) -> Any:
        return services.service_terms_new_version(**kwargs)


def _current(terms: list[Any]) -> Any | None:
    now = clock.now()
    in_force = [t for t in terms if t.valid_from <= now]
    return max(in_force, key=lambda t: t.valid_from) if in_force else None


class PlanChangeTermsInline(admin.StackedInline):
    """Fee and moment of effect of a change to this plan (SVC-1)."""

    model = PlanChangeTerms
    extra = 0
    max_num = 1


@admin.register(TariffPlan)
class TariffPlanAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "fee_period", "current_fee", "brand", "puk_identification", "is_public")
    list_filter = ("kind", "fee_period", "is_public", "puk_identification")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = [PlanTermsInline, PlanChangeTermsInline]
    fieldsets = (
        (None, {"fields": ("name", "code", "kind", "fee_period", "brand", "is_public", "puk_identification")}),
        (_("For subscribers"), {"fields": ("description", "benefits")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[TariffPlan]:
        return super().get_queryset(request).prefetch_related("terms")

    @admin.display(description=_("fee in force"))
    def current_fee(self, obj: TariffPlan) -> str:
        terms = _current(list(obj.terms.all()))
        return money_with_vat(terms.fee - terms.fee_discount) if terms else "—"


class ServiceRuleInline(admin.TabularInline):
    """Compatibility (BSS-1): the service requires or excludes another; checked by every order."""

    model = ServiceRule
    fk_name = "service"
    extra = 0
    autocomplete_fields = ("other",)


class ServiceAvailabilityInline(admin.TabularInline):
    """Which plans allow the service; no row means every plan does."""

    model = ServiceAvailability
    extra = 0
    autocomplete_fields = ("plan",)


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "current_fee", "is_public")
    list_filter = ("kind", "is_public")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = [ServiceTermsInline, ServiceRuleInline, ServiceAvailabilityInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).prefetch_related("terms")

    @admin.display(description=_("fee in force"))
    def current_fee(self, obj: Service) -> str:
        terms = _current(list(obj.terms.all()))
        if terms is None or terms.fee_period == ServiceTerms.FeePeriod.NONE:
            return "—"
        return f"{money_with_vat(terms.fee)} / {terms.get_fee_period_display()}"


@admin.register(NumberCategory)
class NumberCategoryAdmin(AuditedAdmin):
    list_display = ("name", "code", "rank", "price", "vat")
    ordering = ("rank",)

    @admin.display(description=_("price with VAT"))
    def vat(self, obj: NumberCategory) -> str:
        return money_with_vat(obj.price)
