"""Reads of ISSA access: is a number's access open, and what may a corporate user see.

``access_denial`` is the contract with every channel's login (portal, API tokens, partner
sign-in): None means open; otherwise the DomainError to show, already translated.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from issa.core import clock, rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.phone import parse_msisdn
from issa.subscribers.models import Subscriber

from .models import AccessBlock, CorporateRole

Reason = AccessBlock.Reason

# When several blocks are active, the reason shown is the one that matters most to the person:
# the operator's measures first, then the organisation's, then the subscriber's own.
PRECEDENCE: tuple[str, ...] = (Reason.LOST_SIM, Reason.OFFENCE, Reason.CLIENT, Reason.CORPORATE, Reason.SUBSCRIBER)

MESSAGES: dict[str, Any] = {
    Reason.SUBSCRIBER: _(
        "Access to the personal account is closed at your request. To open it, dial %(ussd)s "
        "and enter the PUK1 code of your SIM card."
    ),
    Reason.CORPORATE: _(
        "Access to the personal account has been closed by your organisation's administrator. "
        "Please contact them to open it."
    ),
    Reason.CLIENT: _(
        "Access to the personal account has been closed at your organisation's application. "
        "Please contact your organisation, call %(phone)s or visit a sales centre."
    ),
    Reason.OFFENCE: _(
        "Access to the personal account has been restricted by the operator. "
        "Please call %(phone)s or visit a sales centre."
    ),
    Reason.LOST_SIM: _(
        "The personal account is disabled for this number because its SIM card was reported lost. "
        "Please call %(phone)s or visit a sales centre."
    ),
}


def denial_for_reason(reason: str) -> DomainError:
    return DomainError(
        f"access_closed_{reason}",
        MESSAGES[reason],
        kind=ErrorKind.FORBIDDEN,
        ussd=rules.get("USSD_ACCESS"),
        phone=rules.get("CONTACT_CENTRE"),
    )


def main_reason(reasons: list[str] | set[str]) -> str | None:
    for reason in PRECEDENCE:
        if reason in reasons:
            return reason
    return None


def active_reasons(*, subscriber_id: int) -> set[str]:
    """One indexed query: the reasons of the number's active blocks."""
    return set(
        AccessBlock.objects.filter(subscriber_id=subscriber_id, lifted_at__isnull=True)
        .order_by()  # no sort: a set of at most five reasons
        .values_list("reason", flat=True)
    )


def access_denial(*, subscriber: Subscriber | int) -> DomainError | None:
    """None when the number's ISSA access is open; else the translated reason it is closed."""
    subscriber_id = subscriber if isinstance(subscriber, int) else subscriber.pk
    reason = main_reason(active_reasons(subscriber_id=subscriber_id))
    return None if reason is None else denial_for_reason(reason)


def denial_for_code(code: str) -> DomainError | None:
    """The denial behind an ``access_closed_<reason>`` code (the login page shows it after a
    session was ended by AccessGuardMiddleware)."""
    reason = code.removeprefix("access_closed_")
    return denial_for_reason(reason) if code.startswith("access_closed_") and reason in MESSAGES else None


def active_blocks(*, subscriber: Subscriber) -> list[AccessBlock]:
    return list(AccessBlock.objects.filter(subscriber=subscriber, lifted_at__isnull=True).order_by("set_at", "id"))


@dataclass(frozen=True)
class AccessState:
    open: bool
    reasons: list[str]
    since: Any  # datetime of the earliest active block, or None
    denial: DomainError | None


def access_state(*, subscriber: Subscriber) -> AccessState:
    blocks = active_blocks(subscriber=subscriber)
    reasons = [block.reason for block in blocks]
    main = main_reason(reasons)
    return AccessState(
        open=not blocks,
        reasons=reasons,
        since=blocks[0].set_at if blocks else None,
        denial=denial_for_reason(main) if main else None,
    )


# --- corporate roles (AUTH-11) ----------------------------------------------------------------


def corporate_role_for(*, user: Any) -> CorporateRole | None:
    """The active corporate role held by the user's number, or None."""
    subscriber_id = getattr(user, "subscriber_id", None)
    if not subscriber_id or not getattr(user, "is_authenticated", False):
        return None
    return (
        CorporateRole.objects.select_related("client", "subscriber")
        .filter(subscriber_id=subscriber_id, revoked_at__isnull=True)
        .first()
    )


def has_corporate_role(user: Any) -> bool:
    subscriber_id = getattr(user, "subscriber_id", None)
    if not subscriber_id or not getattr(user, "is_authenticated", False):
        return False
    return CorporateRole.objects.filter(subscriber_id=subscriber_id, revoked_at__isnull=True).exists()


def corporate_numbers(
    *, role: CorporateRole, search: str = "", status: str = "", access: str = "", plan: str = ""
) -> QuerySet[Subscriber]:
    """The client's numbers as the role's holder sees them, with ``access_closed`` annotated.

    ``search`` matches digits of the number, the user's name or the account number; ``access``
    is "open" or "closed"; ``plan`` a tariff plan's code."""
    active_block = AccessBlock.objects.filter(subscriber=OuterRef("pk"), lifted_at__isnull=True)
    precedence = Case(*(When(reason=r, then=Value(i)) for i, r in enumerate(PRECEDENCE)), default=Value(99))
    administrator = CorporateRole.objects.filter(
        subscriber=OuterRef("pk"), role=CorporateRole.Role.ADMINISTRATOR, revoked_at__isnull=True
    )
    numbers = (
        Subscriber.objects.filter(account__client_id=role.client_id)
        .exclude(status=Subscriber.Status.CLOSED)
        .select_related("account", "plan")
        .annotate(
            access_closed=Exists(active_block),
            access_reason=Subquery(active_block.order_by(precedence).values("reason")[:1]),
            closed_by_corporate=Exists(active_block.filter(reason=Reason.CORPORATE)),
            holder_is_administrator=Exists(administrator),
        )
        .order_by("msisdn")
    )
    search = (search or "").strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        condition = Q(user_name__icontains=search) | Q(account__number=search)
        if digits:
            condition |= Q(msisdn__contains=digits)
        with suppress(DomainError):
            condition |= Q(msisdn=parse_msisdn(search))  # "8 029 …" and other typed forms
        numbers = numbers.filter(condition)
    if status:
        numbers = numbers.filter(status=status)
    if plan:
        numbers = numbers.filter(plan__code=plan)
    if access == "open":
        numbers = numbers.filter(access_closed=False)
    elif access == "closed":
        numbers = numbers.filter(access_closed=True)
    return numbers


RIGHT_MISSING: dict[str, Any] = {
    CorporateRole.Right.ACCESS: _("Your role does not allow managing ISSA access."),
    CorporateRole.Right.SERVICES: _("Your role does not allow connecting and disconnecting services."),
    CorporateRole.Right.FINANCE: _("Your role does not allow seeing balances and spending."),
}


def corporate_right_refusal(*, role: CorporateRole, right: str) -> DomainError | None:
    """The one guard of a corporate role's rights (AUTH-11), asked by the page, the export, the
    API and the services: None when the role is active and holds ``right``; else why not."""
    if not role.active:
        return DomainError("no_corporate_role", _("You have no corporate role."), kind=ErrorKind.FORBIDDEN)
    if not role.has_right(right):
        return DomainError("right_missing", RIGHT_MISSING[str(right)], kind=ErrorKind.FORBIDDEN, right=str(right))
    return None


def corporate_may(*, role: CorporateRole, right: str) -> bool:
    return corporate_right_refusal(role=role, right=right) is None


def corporate_require(*, role: CorporateRole, right: str) -> None:
    refusal = corporate_right_refusal(role=role, right=right)
    if refusal is not None:
        raise refusal


def corporate_refusal(*, role: CorporateRole, subscriber_id: int, holder_is_administrator: bool) -> DomainError | None:
    """Why this role may not open or close the access of one of its client's numbers (None: it
    may). The one rule the service enforces and the corporate page follows to offer buttons."""
    refusal = corporate_right_refusal(role=role, right=CorporateRole.Right.ACCESS)
    if refusal is not None:
        return refusal
    if subscriber_id == role.subscriber_id:
        return DomainError(
            "own_number",
            _("Manage the access of your own number with %(ussd)s."),
            kind=ErrorKind.FORBIDDEN,
            ussd=rules.get("USSD_ACCESS"),
        )
    if role.role == CorporateRole.Role.SUPERVISOR and holder_is_administrator:
        return DomainError(
            "administrator_number",
            _("A supervisor cannot manage the access of an administrator."),
            kind=ErrorKind.FORBIDDEN,
        )
    return None


def corporate_number(*, role: CorporateRole, msisdn: str) -> Subscriber:
    """One of the role's client's numbers; another client's number is "not found" (404)."""
    subscriber = (
        Subscriber.objects.select_related("account", "account__client", "plan")
        .exclude(status=Subscriber.Status.CLOSED)
        .filter(msisdn=msisdn, account__client_id=role.client_id)
        .first()
    )
    if subscriber is None:
        raise not_found()
    return subscriber


def corporate_plans(*, role: CorporateRole) -> list[tuple[str, str]]:
    """(code, name) of the plans the client's numbers are on: the list's plan filter."""
    rows = (
        Subscriber.objects.filter(account__client_id=role.client_id)
        .exclude(status=Subscriber.Status.CLOSED)
        .values_list("plan__code", "plan__name")
        .distinct()
        .order_by("plan__name")
    )
    return [(code, name) for code, name in rows]


def with_money(numbers: QuerySet[Subscriber], *, now: datetime) -> QuerySet[Subscriber]:
    """Annotate each number with its account's ``balance`` and ``account_numbers`` (how many of
    the client's live numbers share that account: a legal entity's numbers often have one), and
    ``spent``, the number's own charges in the current period, in kopecks (positive): its rated
    usage billed in the period (usage is booked on the ledger per account, the records say whose
    it was) plus the other charges booked for the number (fees, one-time fees, installments,
    discounts, adjustments). Subqueries in the same statement: no query per row, on a page or in
    an export of thousands."""
    from issa.billing.info import CHARGE_KINDS
    from issa.billing.models import LedgerEntry
    from issa.usage.models import UsageRecord

    period = clock.period_of(now)
    balance = (
        LedgerEntry.objects.filter(account_id=OuterRef("account_id"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    charged = (
        LedgerEntry.objects.filter(
            account_id=OuterRef("account_id"),  # the (account, kind, effective_at) index
            subscriber_id=OuterRef("pk"),
            kind__in=[kind for kind in CHARGE_KINDS if kind != LedgerEntry.Kind.USAGE],
            effective_at__gte=period.start,
            effective_at__lt=period.end,
        )
        .order_by()
        .values("subscriber_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    used = (
        UsageRecord.objects.filter(subscriber_id=OuterRef("pk"), bill_period=period.key)
        .order_by()
        .values("subscriber_id")
        .annotate(total=Sum("charge"))
        .values("total")
    )
    sharing = (
        Subscriber.objects.filter(account_id=OuterRef("account_id"))
        .exclude(status=Subscriber.Status.CLOSED)
        .order_by()
        .values("account_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return numbers.annotate(
        balance=Coalesce(Subquery(balance, output_field=BigIntegerField()), Value(0)),
        spent=Coalesce(Subquery(used, output_field=BigIntegerField()), Value(0))
        - Coalesce(Subquery(charged, output_field=BigIntegerField()), Value(0)),
        account_numbers=Coalesce(Subquery(sharing, output_field=IntegerField()), Value(1)),
    )
