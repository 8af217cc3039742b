"""The back office for identity: the audit trail to browse (AUTH-13, read-only), users with the
operator's password actions (AUTH-8), tokens and pending requests to look at."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.errors import DomainError

from .actor import Actor
from .models import ApiToken, AuditEvent, OtpChallenge, PendingRequest, User
from .services import limits, password_issue_temporary
from .services.accounts import puk_registration_set


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "outcome", "channel", "actor_label", "subscriber", "client", "ip")
    list_filter = ("action", "channel", "outcome", ("at", admin.DateFieldListFilter))
    search_fields = ("subscriber__msisdn", "actor__login", "actor_label", "object_id")
    date_hierarchy = "at"
    list_select_related = ("subscriber", "client")
    show_full_result_count = False


def _admin_actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="admin")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = (
        "login",
        "full_name",
        "kind",
        "is_active",
        "must_change_password",
        "password_changed_at",
        "last_login",
    )
    list_filter = ("kind", "is_active", "is_staff", "must_change_password")
    search_fields = ("login", "full_name", "subscriber__msisdn")
    fields = (
        "login",
        "kind",
        "subscriber",
        "full_name",
        "email",
        "is_active",
        "is_staff",
        "groups",
        "date_joined",
        "last_login",
        "password_changed_at",
        "must_change_password",
    )
    readonly_fields = (
        "login",
        "kind",
        "subscriber",
        "date_joined",
        "last_login",
        "password_changed_at",
        "must_change_password",
    )
    raw_id_fields = ("subscriber",)
    actions = ("send_temporary_password", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # users come from registration (AUTH-1..4) or the temporary password action

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_password_help_permission(self, request: HttpRequest) -> bool:
        """The contact centre and sales centres help with passwords without the right to edit
        users (their groups and staff flags stay with administrators)."""
        return request.user.has_perm("backoffice.password_help")

    @admin.action(
        description=_("Send a temporary password by SMS (must be changed at first login)"),
        permissions=["password_help"],
    )
    def send_temporary_password(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.select_related("subscriber"):
            if user.subscriber is None:
                continue
            try:
                password_issue_temporary(subscriber=user.subscriber, actor=_admin_actor(request), now=clock.now())
                done += 1
            except DomainError as error:
                self.message_user(request, f"{user.login}: {error.text()}", messages.ERROR)
        self.message_user(request, _("Temporary passwords sent: %(n)s") % {"n": done})

    @admin.action(description=_("Unlock after too many wrong attempts"), permissions=["password_help"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        from .services.audit import audit_record

        for user in queryset:
            limits.clear(msisdn=user.login)
            audit_record(
                actor=_admin_actor(request),
                action="auth.unlocked",
                now=clock.now(),
                subscriber=user.subscriber,
                obj=user,
            )
        self.message_user(request, _("Unlocked."))


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("user__login", "prefix")
    exclude = ("token_hash",)


@admin.register(OtpChallenge)
class OtpChallengeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "msisdn", "purpose", "state", "attempts", "delivered", "ip")
    list_filter = ("purpose", "state")
    search_fields = ("msisdn",)
    exclude = ("code_hash",)


@admin.register(PendingRequest)
class PendingRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "state", "reason", "expires_at", "closed_at")
    list_filter = ("state", "kind")
    search_fields = ("user__login",)
    exclude = ("session_key",)


# --- AUTH-4: "Регистрация по PUK1", set by a sales centre on the subscriber's page ------------


def _puk_registration(request: HttpRequest, queryset: QuerySet[Any], enabled: bool) -> int:
    return sum(
        puk_registration_set(subscriber=subscriber, enabled=enabled, actor=_admin_actor(request), now=clock.now())
        for subscriber in queryset
    )


@admin.action(description=_("Enable «Регистрация по PUK1» (AUTH-4)"), permissions=["puk_registration"])
def enable_puk_registration(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = _puk_registration(request, queryset, True)
    modeladmin.message_user(request, _("PUK1 registration enabled for %(n)s numbers.") % {"n": count})


@admin.action(description=_("Disable «Регистрация по PUK1» (AUTH-4)"), permissions=["puk_registration"])
def disable_puk_registration(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = _puk_registration(request, queryset, False)
    modeladmin.message_user(request, _("PUK1 registration disabled for %(n)s numbers.") % {"n": count})


def _attach_subscriber_actions() -> None:
    """The subscriber's back-office page belongs to the subscribers app; identity adds its two
    actions there (the rule and its audit live in identity.services)."""
    from issa.subscribers.models import Subscriber

    subscriber_admin = admin.site._registry.get(Subscriber)
    if subscriber_admin is None:
        return
    actions = tuple(subscriber_admin.actions or ())
    if enable_puk_registration not in actions:
        subscriber_admin.actions = (*actions, enable_puk_registration, disable_puk_registration)
    # The actions need the sales centre's right (issa/backoffice/roles.py, ADR 0009).
    setattr(  # noqa: B010
        subscriber_admin,
        "has_puk_registration_permission",
        lambda request: request.user.has_perm("backoffice.puk_registration"),
    )


_attach_subscriber_actions()

from .admin_home import attach as _attach_home_actions  # noqa: E402 — HOME-1, staff issue home logins

_attach_home_actions()
