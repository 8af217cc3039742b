"""The admin site of the back office: every page of /staff/ needs a session verified by a TOTP
code (django-otp), and the login is two steps (password, then the code; or enrolment of a TOTP
device on the first login). Installed as the default admin site (``StaffAdminConfig`` in
INSTALLED_APPS), so ``admin.site`` and every ``@admin.register`` use it (ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Model
from django.http import HttpRequest, HttpResponse


def is_verified_staff(request: HttpRequest) -> bool:
    user: Any = request.user
    verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_staff and verified is not None and verified())


class AuditedChanges:
    """Every add, change and delete made through a form of the back office writes an audit event
    (AUTH-13: "every staff action is audited") in the admin's own transaction, beside Django's
    LogEntry: ``staff.<app>.<model>.added|changed|deleted`` with the changed fields' names (never
    their values). Custom actions audit through the services they call."""

    def _staff_audit(self, request: HttpRequest, obj: Model, verb: str, details: dict[str, Any]) -> None:
        from issa.core import clock
        from issa.customers.models import Client
        from issa.identity.actor import Actor
        from issa.identity.services import audit_record
        from issa.subscribers.models import Subscriber

        # A deleted subscriber or client cannot be referred to (the audit's keys protect rows).
        gone = verb == "deleted"
        subscriber = obj if isinstance(obj, Subscriber) and not gone else None
        if not isinstance(obj, Subscriber) and getattr(obj, "subscriber_id", None):
            subscriber = Subscriber.objects.select_related("account__client").filter(pk=obj.subscriber_id).first()  # type: ignore[attr-defined]
        client = obj if isinstance(obj, Client) and not gone else None
        meta = obj._meta
        audit_record(
            actor=Actor.from_request(request, channel="admin"),
            action=f"staff.{meta.app_label}.{meta.model_name}.{verb}",
            now=clock.now(),
            subscriber=subscriber,
            client=client,
            obj=None if gone else obj,
            details={"object": str(obj)[:120], "object_id": str(obj.pk), **details},
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._staff_audit(request, obj, "added", {})
        return entry

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        # The field names as in the model (the LogEntry message has labels, translated).
        request._audit_fields = sorted(form.changed_data)  # type: ignore[attr-defined]
        return super().construct_change_message(request, form, formsets, add)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        fields = getattr(request, "_audit_fields", None)
        if fields is None:  # list_editable rows: only the message's labels are known
            fields = sorted({f for part in message or [] for f in part.get("changed", {}).get("fields", [])})
        self._staff_audit(request, obj, "changed", {"fields": fields})
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Model]) -> Any:
        objects = list(queryset)
        for obj in objects:
            self._staff_audit(request, obj, "deleted", {})
        return super().log_deletions(request, objects)  # type: ignore[misc]


class StaffAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every model admin gets ``AuditedChanges`` unless it audits its own saves already
        (``audit_prefix``: the catalogue's ``AuditedAdmin`` and its users)."""
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, AuditedChanges) and not hasattr(admin_class, "audit_prefix"):
            admin_class = type(
                admin_class.__name__, (AuditedChanges, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from .login import staff_login

        return staff_login(request, site=self)


class StaffAdminConfig(AdminConfig):
    default_site = "issa.backoffice.adminsite.StaffAdminSite"
