"""The subscriber on one page for staff (issue 9, AUTH-12): the contact centre (411) sees the
number's state, ISSA access with its active blocks, balance, the last ledger entries, orders,
feedback requests and audit trail without opening six admin pages; each section links to the full
filtered list of its own admin, and the buttons lead to the existing staff actions (restrict or
open access, lost SIM, PUK1 registration, temporary password, corporate role, refunds) — nothing
is re-implemented here.

Reading a subscriber's personal data is itself audited (``staff.subscriber_viewed``). The page runs
a fixed number of queries whatever the number of rows (each list is one query with its joins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from issa.access import selectors as access_selectors
from issa.access.models import CorporateRole
from issa.billing import selectors as billing_selectors
from issa.core import clock
from issa.core.money import format_byn
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.identity.services import audit_record
from issa.identity.services.accounts import is_home_line
from issa.orders import selectors as orders_selectors
from issa.subscribers.models import Subscriber
from issa.support import selectors as support_selectors

LEDGER_ROWS = 20
ORDER_ROWS = 10
REQUEST_ROWS = 10
AUDIT_ROWS = 30
VIEWED = "staff.subscriber_viewed"
PERMISSION = "subscribers.view_subscriber"


@dataclass(frozen=True)
class StaffAction:
    """A button that posts to an existing admin action on its changelist (with the number selected)."""

    label: Any
    url: str
    action: str
    selected: int
    testid: str


def _changelist(name: str, **params: Any) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{urlencode(params)}"


# The existing admin actions the page offers: (right needed, changelist, action, label, test id).
# The rights are the back office's per-action ones (issa/backoffice/roles.py, ADR 0009); the
# admin action checks them again when it runs.
_ACCESS_ACTIONS = (
    ("backoffice.access_restrict", "restrict_offence", pgettext_lazy("overview", "Restrict ISSA access…"), "restrict"),
    ("backoffice.access_restrict", "lift_all", pgettext_lazy("overview", "Open ISSA access…"), "lift"),
    ("backoffice.access_lost_sim", "report_lost_sim", pgettext_lazy("overview", "SIM card lost…"), "lost-sim"),
    ("backoffice.corporate_role", "assign_role", pgettext_lazy("overview", "Corporate role…"), "role"),
)

# A section is shown only to staff who may open its full list: least rights (a sales centre
# does not read the audit trail, for instance).
SECTION_PERMISSIONS = {
    "ledger": "billing.view_ledgerentry",
    "orders": "orders.view_order",
    "requests": "support.view_supportrequest",
    "audit": "identity.view_auditevent",
    "refunds": "finance.view_refundrequest",
}


def _actions(request: HttpRequest, subscriber: Subscriber, user: Any, *, access_open: bool) -> list[StaffAction]:
    """The staff actions this staff member may use, each one the existing admin action; opening
    ISSA access only while something blocks it."""
    staff: Any = request.user
    number = subscriber.msisdn
    access = _changelist("access_subscriberaccess", q=number)
    actions = [
        StaffAction(label, access, action, subscriber.pk, testid)
        for right, action, label, testid in _ACCESS_ACTIONS
        if staff.has_perm(right) and not (testid == "lift" and access_open)
    ]
    if is_home_line(subscriber):
        # A fixed line has no SIM and no number to text: its login and temporary password are
        # issued on the subscribers' list and shown once to the staff member (HOME-1).
        if staff.has_perm("backoffice.home_login_issue"):
            actions.append(
                StaffAction(
                    pgettext_lazy("overview", "Issue the home login / a temporary password"),
                    _changelist("subscribers_subscriber", q=number),
                    "issue_home_login",
                    subscriber.pk,
                    "home-login",
                )
            )
        return actions
    if staff.has_perm("backoffice.puk_registration"):
        enabled = subscriber.puk_registration
        actions.append(
            StaffAction(
                pgettext_lazy("overview", "Disable PUK1 registration")
                if enabled
                else pgettext_lazy("overview", "Enable PUK1 registration"),
                _changelist("subscribers_subscriber", q=number),
                "disable_puk_registration" if enabled else "enable_puk_registration",
                subscriber.pk,
                "puk",
            )
        )
    if user is not None and staff.has_perm("backoffice.password_help"):
        actions.append(
            StaffAction(
                pgettext_lazy("overview", "Send a temporary password by SMS"),
                _changelist("identity_user", q=user.login),
                "send_temporary_password",
                user.pk,
                "temporary-password",
            )
        )
    return actions


def _behalf(event: AuditEvent) -> str:
    """On whose behalf: the client, and the corporate role an order was placed under (AUTH-11)."""
    parts = [event.client.name] if event.client is not None else []
    behalf = (event.details or {}).get("on_behalf")
    if isinstance(behalf, dict):
        parts.append(", ".join(f"{key}: {value}" for key, value in sorted(behalf.items())))
    elif behalf:
        parts.append(str(behalf))
    return " · ".join(parts)


def subscriber_overview(model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: int) -> HttpResponse:
    staff: Any = request.user
    if not staff.has_perm(PERMISSION):
        raise PermissionDenied
    subscriber = get_object_or_404(
        Subscriber.objects.select_related("account__client", "plan", "sim", "user"), pk=object_id
    )
    now = clock.now()
    with transaction.atomic():  # staff reading personal data is recorded (AUTH-13)
        audit_record(
            actor=Actor.from_request(request, channel="admin"),
            action=VIEWED,
            now=now,
            subscriber=subscriber,
            obj=subscriber,
        )
    try:
        user = subscriber.user
    except ObjectDoesNotExist:
        user = None
    try:
        iccid = subscriber.sim.iccid  # the ICCID only: PIN/PUK never reach this page (INFO-4)
    except ObjectDoesNotExist:
        iccid = ""
    account = subscriber.account
    blocks = access_selectors.active_blocks(subscriber=subscriber)
    main_reason = access_selectors.main_reason([block.reason for block in blocks])
    role = CorporateRole.objects.select_related("client").filter(subscriber=subscriber, revoked_at__isnull=True).first()
    balance = billing_selectors.account_balance(account_id=account.pk)
    shown = {section: bool(staff.has_perm(permission)) for section, permission in SECTION_PERMISSIONS.items()}
    ledger: list[Any] = []
    if shown["ledger"]:
        entries = billing_selectors.account_entries(account_id=account.pk).select_related("subscriber")
        ledger = list(entries[:LEDGER_ROWS])
        for entry in ledger:
            entry.amount_byn = format_byn(entry.amount)
    orders: list[Any] = []
    if shown["orders"]:
        orders = list(orders_selectors.orders_of(subscriber=subscriber).order_by("-created_at", "-pk")[:ORDER_ROWS])
    requests: list[Any] = []
    if shown["requests"]:
        found = support_selectors.requests_of(subscriber_id=subscriber.pk).select_related("assignee", "answered_by")
        requests = list(found[:REQUEST_ROWS])
        for item in requests:
            item.overdue = item.is_overdue(now)
    events: list[Any] = []
    if shown["audit"]:
        trail = AuditEvent.objects.filter(subscriber=subscriber).exclude(action=VIEWED).select_related("client")
        events = list(trail.order_by("-at", "-id")[:AUDIT_ROWS])
        for event in events:
            event.behalf = _behalf(event)
    by_subscriber = {"subscriber__id__exact": subscriber.pk}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": pgettext_lazy("overview", "Subscriber %(number)s") % {"number": format_msisdn(subscriber.msisdn)},
        "subtitle": subscriber.display_name,
        "subscriber": subscriber,
        "number": format_msisdn(subscriber.msisdn),
        "client": account.client,
        "account": account,
        "iccid": iccid,
        "issa_user": user,
        "access_open": not blocks,
        "blocks": blocks,
        "main_reason": main_reason,
        "role": role,
        "balance": format_byn(balance),
        "balance_negative": balance < 0,
        "ledger": ledger,
        "orders": orders,
        "requests": requests,
        "events": events,
        "now": now,
        "shown": shown,
        "actions": _actions(request, subscriber, user, access_open=not blocks),
        "links": {
            "change": reverse("admin:subscribers_subscriber_change", args=[subscriber.pk]),
            "access": reverse("admin:access_subscriberaccess_change", args=[subscriber.pk]),
            "blocks": _changelist("access_accessblock", **by_subscriber),
            "roles": _changelist("access_corporaterole", **by_subscriber),
            "ledger": _changelist("billing_ledgerentry", account__id__exact=account.pk),
            "orders": _changelist("orders_order", **by_subscriber),
            "requests": _changelist("support_supportrequest", **by_subscriber),
            "audit": _changelist("identity_auditevent", **by_subscriber),
            "refunds": _changelist("finance_refundrequest", q=subscriber.msisdn),
            "user": reverse("admin:identity_user_change", args=[user.pk]) if user is not None else "",
        },
        "limits": {"ledger": LEDGER_ROWS, "orders": ORDER_ROWS, "requests": REQUEST_ROWS, "audit": AUDIT_ROWS},
    }
    return TemplateResponse(request, "backoffice/overview.html", context)
