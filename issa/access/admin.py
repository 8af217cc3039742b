"""The back office for ISSA access (AUTH-11, AUTH-12).

Staff find a number, restrict its access on suspicion of an offence or report its SIM lost, and
lift blocks — always with a reason; assign and revoke corporate roles; enter a legal entity's
application that closes access for all its numbers. Every action goes through
``issa.access.services`` (audited there); nothing is edited in place here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from issa.core import clock
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.subscribers.admin import number_search

from . import services
from .models import AccessBlock, ClientAccess, CorporateRole, SubscriberAccess


class ReasonForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        help_text=_("Recorded with the action and shown in the history."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CorporateRole.Role.choices)
    rights = forms.MultipleChoiceField(
        label=_("Supervisor's rights"),
        choices=CorporateRole.Right.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An administrator has every right."),
    )
    application = forms.CharField(label=_("Client's application"), max_length=120, required=False)


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="admin")


def _form_step(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    title: Any,
    form_class: type[forms.Form],
    apply: Callable[[Any, dict[str, Any]], Any],
) -> HttpResponse | None:
    """An admin action with an intermediate page asking for its form (a reason, a role)."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data)
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error.text()}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, ngettext("%(n)d record done.", "%(n)d records done.", done) % {"n": done}, messages.SUCCESS
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/access/action_form.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows change only through services: no add, no delete, no edit in place."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        extra |= {"show_save_and_add_another": False, "show_delete": False}
        return super().changeform_view(request, object_id, form_url, extra)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise PermissionError("edited only through issa.access.services")

    # Each action needs its own back-office right (issa/backoffice/roles.py, ADR 0009).
    def has_restrict_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.access_restrict")

    def has_lost_sim_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.access_lost_sim")

    def has_corporate_role_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.corporate_role")

    def has_client_application_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.client_application")


class ActiveFilter(admin.SimpleListFilter):
    title = pgettext_lazy("access", "state")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", pgettext_lazy("access", "Active")), ("no", pgettext_lazy("access", "Lifted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(lifted_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


class AccessStateFilter(admin.SimpleListFilter):
    title = _("ISSA access")
    parameter_name = "access"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", pgettext_lazy("access state", "Open")), ("closed", pgettext_lazy("access state", "Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.filter(access_closed=False)
        if self.value() == "closed":
            return queryset.filter(access_closed=True)
        return queryset


@admin.register(AccessBlock)
class AccessBlockAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "reason", "set_at", "set_by_label", "note", "lifted_at", "lifted_by_label"]
    list_filter = [ActiveFilter, "reason", "set_channel", "lifted_channel"]
    search_fields = ["subscriber__msisdn", "note", "lift_note", "set_by_label"]
    date_hierarchy = "set_at"
    list_select_related = ["subscriber"]
    actions = ["lift"]

    @admin.action(description=_("Lift the selected blocks (with a reason)"), permissions=["restrict"])
    def lift(self, request: HttpRequest, queryset: QuerySet[AccessBlock]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset.select_related("subscriber"),
            title=_("Lift ISSA access blocks"),
            form_class=ReasonForm,
            apply=lambda block, data: services.access_block_lift(
                block=block, note=data["note"], actor=_actor(request), now=now
            ),
        )


class AccessBlockInline(admin.TabularInline):
    model = AccessBlock
    fk_name = "subscriber"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("reason", "set_at", "set_by_label", "note", "lifted_at", "lifted_by_label", "lift_note")
    ordering = ["-set_at"]
    verbose_name_plural = _("ISSA access history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CorporateRoleInline(admin.TabularInline):
    model = CorporateRole
    fk_name = "subscriber"
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "role",
        "rights",
        "application",
        "granted_at",
        "granted_by_label",
        "revoked_at",
        "revoke_note",
    )
    verbose_name_plural = pgettext_lazy("access", "corporate roles")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SubscriberAccess)
class SubscriberAccessAdmin(ReadOnlyAdmin):
    """Find a number (by number, name, account or client) and act on its ISSA access."""

    list_display = ["__str__", "client_name", "status", "access_open", "role"]
    list_filter = [AccessStateFilter, "status", "account__client__kind"]
    search_fields = ["msisdn", "user_name", "account__number", "account__client__name"]
    inlines = [AccessBlockInline, CorporateRoleInline]
    actions = ["restrict_offence", "report_lost_sim", "lift_all", "assign_role"]
    fields = ("msisdn", "account", "plan", "user_name", "status", "device", "activated_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(name) for name in self.fields or ()]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        active = AccessBlock.objects.filter(subscriber=OuterRef("pk"), lifted_at__isnull=True)
        role = CorporateRole.objects.filter(subscriber=OuterRef("pk"), revoked_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .select_related("account__client")
            .annotate(access_closed=Exists(active), has_role=Exists(role))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A number typed in any format (+375 29 …, 80 29 …, a fragment) finds it, as on the
        subscribers' own admin page; other text searches names and accounts."""
        by_number = number_search(queryset, search_term)
        if by_number is None:
            return super().get_search_results(request, queryset, search_term)
        return by_number, False

    @admin.display(description=pgettext_lazy("access", "client"), ordering="account__client__name")
    def client_name(self, obj: SubscriberAccess) -> str:
        return obj.account.client.name

    @admin.display(description=_("ISSA access open"), boolean=True)
    def access_open(self, obj: Any) -> bool:
        return not obj.access_closed

    @admin.display(description=pgettext_lazy("access", "corporate role"), boolean=True)
    def role(self, obj: Any) -> bool:
        return bool(obj.has_role)

    @admin.action(description=_("Restrict ISSA access: suspected offence"), permissions=["restrict"])
    def restrict_offence(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Restrict ISSA access on suspicion of an offence"),
            form_class=ReasonForm,
            apply=lambda s, data: services.access_restrict_by_operator(
                subscriber=s, note=data["note"], actor=_actor(request), now=now
            ),
        )

    @admin.action(description=_("Report the SIM card lost: disable ISSA"), permissions=["lost_sim"])
    def report_lost_sim(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Lost SIM card: disable ISSA for the number"),
            form_class=ReasonForm,
            apply=lambda s, data: services.access_report_lost_sim(
                subscriber=s, note=data["note"], actor=_actor(request), now=now
            ),
        )

    @admin.action(description=_("Open ISSA access: lift every block"), permissions=["restrict"])
    def lift_all(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()

        def apply(subscriber: Any, data: dict[str, Any]) -> None:
            blocks = list(AccessBlock.objects.filter(subscriber=subscriber, lifted_at__isnull=True))
            if not blocks:
                raise DomainError("access_already_open", _("Access is already open."))
            for block in blocks:
                services.access_block_lift(block=block, note=data["note"], actor=_actor(request), now=now)

        return _form_step(self, request, queryset, title=_("Open ISSA access"), form_class=ReasonForm, apply=apply)

    @admin.action(description=_("Make administrator or supervisor of the client"), permissions=["corporate_role"])
    def assign_role(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Assign a corporate role"),
            form_class=RoleForm,
            apply=lambda s, data: services.corporate_role_assign(
                subscriber=s,
                role=data["role"],
                rights=data["rights"],
                application=data["application"],
                actor=_actor(request),
                now=now,
            ),
        )


@admin.register(CorporateRole)
class CorporateRoleAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "client", "role", "rights", "application", "granted_at", "revoked_at"]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["subscriber__msisdn", "client__name", "application"]
    list_select_related = ["subscriber", "client"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected roles (with a reason)"), permissions=["corporate_role"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[CorporateRole]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Revoke corporate roles"),
            form_class=ReasonForm,
            apply=lambda role, data: services.corporate_role_revoke(
                role=role, note=data["note"], actor=_actor(request), now=now
            ),
        )


@admin.register(ClientAccess)
class ClientAccessAdmin(ReadOnlyAdmin):
    """A legal entity's written application closes (or reopens) ISSA for all its numbers."""

    list_display = ["name", "kind", "unp"]
    list_filter = ["kind"]
    search_fields = ["name", "unp", "accounts__number"]
    fields = ("kind", "name", "unp", "email", "address")
    actions = ["close_by_application", "open_by_application"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(name) for name in self.fields or ()]

    @admin.action(
        description=_("Close ISSA access of all numbers: client's application"), permissions=["client_application"]
    )
    def close_by_application(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Close ISSA access at the client's application"),
            form_class=ReasonForm,
            apply=lambda client, data: services.access_close_for_client(
                client=client, note=data["note"], actor=_actor(request), now=now
            ),
        )

    @admin.action(description=_("Open ISSA access again: client's new application"), permissions=["client_application"])
    def open_by_application(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        now = clock.now()
        return _form_step(
            self,
            request,
            queryset,
            title=_("Open ISSA access at the client's application"),
            form_class=ReasonForm,
            apply=lambda client, data: services.access_open_for_client(
                client=client, note=data["note"], actor=_actor(request), now=now
            ),
        )
