"""The corporate cabinet's use cases beyond access (AUTH-11): an administrator or supervisor
connects and disconnects services of the client's numbers, and exports the list.

Every action is the client's own under the contract: the orders are placed through the SAME
orders services the subscriber uses (``issa.orders.services``), with the acting person as the
actor and the role in the audit's ``on_behalf``; the audit event's client is the number's client.
The guard is ``selectors.corporate_right_refusal``; another client's number is "not found".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind, not_found
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.orders.models import Order
from issa.orders.services import order_cancel, order_confirm, order_submit, own_order
from issa.subscribers.models import Subscriber

from .models import CorporateRole
from .selectors import corporate_require

Right = CorporateRole.Right

# What the cabinet may order for a number (SVC-2); plan changes, Pause etc. stay the number's own.
SERVICE_ACTIONS = ("connect_service", "disconnect_service")


def _fresh(role: CorporateRole) -> CorporateRole:
    """The role as it is now: one revoked or narrowed by staff a moment ago acts no more."""
    return CorporateRole.objects.select_related("client", "subscriber").get(pk=role.pk)


def corporate_checked(*, role: CorporateRole, subscriber: Subscriber, right: str) -> CorporateRole:
    """The one check of every corporate use case: the number is the role's client's (else 404,
    the same answer as for a number that does not exist), and the role holds ``right``."""
    role = _fresh(role)
    if subscriber.account.client_id != role.client_id or subscriber.status == Subscriber.Status.CLOSED:
        raise not_found()
    corporate_require(role=role, right=right)
    return role


def on_behalf(role: CorporateRole) -> dict[str, Any]:
    """What the audit says about whose action an order is: the client's, through this role."""
    return {"client": role.client_id, "role": role.role, "role_id": role.pk, "holder": role.subscriber.msisdn}


def corporate_order_submit(
    *,
    role: CorporateRole,
    subscriber: Subscriber,
    action: str,
    params: dict[str, Any],
    actor: Actor,
    now: datetime,
    session_key: str | None = None,
) -> Order:
    """Connect or disconnect a service of one of the client's numbers. With ``session_key`` the
    order is a draft awaiting "Подтвердить" in that session, exactly as on the subscriber's page."""
    role = corporate_checked(role=role, subscriber=subscriber, right=Right.SERVICES)
    if action not in SERVICE_ACTIONS:
        raise DomainError(
            "order_action_unknown", _("There is no such operation."), kind=ErrorKind.INVALID, field="action"
        )
    return order_submit(
        subscriber=subscriber,
        action=action,
        params=params,
        actor=actor,
        now=now,
        session_key=session_key,
        on_behalf=on_behalf(role),
    )


def corporate_order(*, role: CorporateRole, subscriber: Subscriber, order_id: int) -> Order:
    """One order of one of the client's numbers (another number's order id: 404)."""
    corporate_checked(role=role, subscriber=subscriber, right=Right.SERVICES)
    order = own_order(subscriber=subscriber, order_id=order_id)
    if order.action not in SERVICE_ACTIONS:
        raise not_found()  # the number's own other orders are not the cabinet's
    return order


def corporate_order_confirm(
    *, role: CorporateRole, subscriber: Subscriber, order_id: int, actor: Actor, now: datetime, session_key: str
) -> Order:
    role = corporate_checked(role=role, subscriber=subscriber, right=Right.SERVICES)
    corporate_order(role=role, subscriber=subscriber, order_id=order_id)
    return order_confirm(
        subscriber=subscriber,
        order_id=order_id,
        actor=actor,
        now=now,
        session_key=session_key,
        on_behalf=on_behalf(role),
    )


def corporate_order_cancel(
    *, role: CorporateRole, subscriber: Subscriber, order_id: int, actor: Actor, now: datetime
) -> Order:
    role = corporate_checked(role=role, subscriber=subscriber, right=Right.SERVICES)
    corporate_order(role=role, subscriber=subscriber, order_id=order_id)
    return order_cancel(subscriber=subscriber, order_id=order_id, actor=actor, now=now, on_behalf=on_behalf(role))


def corporate_export_record(
    *, role: CorporateRole, filters: dict[str, str], count: int, finance: bool, actor: Actor, now: datetime
) -> None:
    """The export of the client's numbers is audited (who took which list, with money or not)."""
    role = _fresh(role)
    if not role.active:
        raise DomainError("no_corporate_role", _("You have no corporate role."), kind=ErrorKind.FORBIDDEN)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="access.corporate_export",
            now=now,
            client=role.client,
            obj=role,
            details={
                "filters": {k: v for k, v in filters.items() if v},
                "rows": count,
                "finance": finance,
                "on_behalf": on_behalf(role),
            },
        )
