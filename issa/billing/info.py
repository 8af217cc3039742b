"""What a subscriber sees about themselves (INFO-2, INFO-3), for the portal, the API and *100#.

One set of selectors for every channel: the portal page, ``/api/me`` and USSD read the same
dataclasses, so a rule (e.g. what counts as "charges of the previous month") is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Allowance, Kind, PlanTerms, Service, ServiceTerms
from issa.core import clock
from issa.core.money import format_byn
from issa.customers.models import Account, Client
from issa.subscribers.models import Product, Subscriber

from .models import LedgerEntry
from .selectors import account_balance

CHARGE_KINDS = [
    LedgerEntry.Kind.USAGE,
    LedgerEntry.Kind.SUBSCRIPTION_FEE,
    LedgerEntry.Kind.ONE_TIME_FEE,
    LedgerEntry.Kind.INSTALLMENT,
    LedgerEntry.Kind.DISCOUNT,
    LedgerEntry.Kind.ADJUSTMENT,
]

UNITS = {Kind.VOICE: "min", Kind.SMS: "pcs", Kind.MMS: "pcs", Kind.DATA: "MB"}
UNIT_LABELS = {"min": _("min"), "pcs": _("pcs"), "MB": _("MB"), "s": _("s"), "B": _("B")}
KIND_ORDER: dict[str, int] = {Kind.VOICE: 0, Kind.SMS: 1, Kind.MMS: 2, Kind.DATA: 3}


@dataclass(frozen=True)
class AllowanceLine:
    """A remaining allowance in display units (minutes, pieces, megabytes, rounded down)."""

    kind: str
    source: str
    total: int
    used: int
    remaining: int
    unit: str
    promotional: bool = False

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def percent_left(self) -> int:
        return 0 if not self.total else max(0, min(100, self.remaining * 100 // self.total))


def _display_units(kind: str, quantity: int, unit: str | None = None) -> tuple[int, str]:
    """Raw catalogue quantities (seconds, pieces, bytes) as people read them."""
    unit = unit or ""
    if kind == Kind.VOICE and unit in ("", "s", "seconds", "sec"):
        return quantity // 60, "min"
    if kind == Kind.DATA and unit in ("", "B", "bytes", "byte"):
        return quantity // (1024 * 1024), "MB"
    if kind in (Kind.SMS, Kind.MMS) and unit in ("", "pieces", "pcs", "piece"):
        return quantity, "pcs"
    return quantity, unit


def _from_rating(row: Any) -> AllowanceLine:
    """Adapt the rating app's ``AllowanceRemaining`` (raw units) to display units."""
    unit = str(getattr(row, "unit", "") or "")
    kind = str(row.kind)
    total, shown = _display_units(kind, int(row.total), unit)
    used, _u = _display_units(kind, int(row.used), unit)
    remaining, _u = _display_units(kind, int(row.remaining), unit)
    source = str(getattr(row, "source", "") or getattr(row, "source_label", ""))
    promotional = str(getattr(row, "owner", "plan")) != "plan"  # a service's or package's units
    return AllowanceLine(kind, source, total, used, remaining, shown, promotional)


def _catalogue_totals(*, subscriber: Subscriber, now: datetime) -> list[AllowanceLine]:
    """Until usage is rated: the allowances of the plan and connected services, nothing used."""
    lines: list[AllowanceLine] = []
    plan_terms = (
        PlanTerms.objects.filter(plan_id=subscriber.plan_id, valid_from__lte=now)
        .order_by("-valid_from")
        .prefetch_related("allowances")
        .first()
    )
    if plan_terms is not None:
        for allowance in plan_terms.allowances.all():
            total, unit = _display_units(allowance.kind, allowance.quantity)
            lines.append(AllowanceLine(allowance.kind, plan_terms.plan.name, total, 0, total, unit))
    service_ids = list(
        Product.objects.filter(subscriber=subscriber, active_from__lte=now)
        .filter(Q(active_to__isnull=True) | Q(active_to__gt=now))
        .values_list("service_id", flat=True)
    )
    if service_ids:
        current: dict[int, ServiceTerms] = {}
        for terms in (
            ServiceTerms.objects.filter(service_id__in=service_ids, valid_from__lte=now)
            .select_related("service")
            .order_by("service_id", "valid_from")
        ):
            current[terms.service_id] = terms
        for allowance in Allowance.objects.filter(service_terms__in=list(current.values())).select_related(
            "service_terms__service"
        ):
            sterms = allowance.service_terms
            if sterms is None:
                continue
            total, unit = _display_units(allowance.kind, allowance.quantity)
            lines.append(AllowanceLine(allowance.kind, sterms.service.name, total, 0, total, unit, True))
    return lines


def remaining_allowances(*, subscriber: Subscriber, now: datetime) -> list[AllowanceLine]:
    """Remaining minutes, SMS, MMS and traffic of the current period (INFO-2, *100#).

    The rating app owns the counting (``issa.rating.selectors.remaining_allowances``); while it is
    not installed, the catalogue's totals are shown with nothing used."""
    try:
        from issa.rating.selectors import remaining_allowances as rated
    except ImportError:
        lines = _catalogue_totals(subscriber=subscriber, now=now)
    else:
        lines = [_from_rating(row) for row in rated(subscriber=subscriber, now=now)]
    return sorted(lines, key=lambda line: (KIND_ORDER.get(line.kind, 9), line.promotional, line.source))


def is_paused(*, subscriber: Subscriber, now: datetime) -> bool:
    """Pause is on (SVC-9): the status says so or a Pause product is active now."""
    if subscriber.status == Subscriber.Status.PAUSED:
        return True
    return (
        Product.objects.filter(subscriber=subscriber, service__kind=Service.Kind.PAUSE, active_from__lte=now)
        .filter(Q(active_to__isnull=True) | Q(active_to__gt=now))
        .exists()
    )


@dataclass
class PersonalInfo:
    """INFO-2."""

    msisdn: str
    name: str
    plan: str
    plan_description: str
    benefits: list[str]
    balance: int
    payment_method: str
    payment_method_label: str
    status: str
    status_label: str
    paused: bool
    registered_at: datetime | None
    last_login_at: datetime | None
    allowances: list[AllowanceLine] = field(default_factory=list)

    @property
    def balance_display(self) -> str:
        return format_byn(self.balance)


@dataclass
class AdditionalInfo:
    """INFO-3."""

    client_id: int
    client_kind: str
    account_number: str
    account_opened_on: date
    previous_period: str
    previous_period_charges: int
    promotional: list[AllowanceLine]
    payment_form: str
    ip: str | None

    @property
    def charges_display(self) -> str:
        return format_byn(self.previous_period_charges)


PAUSED_TEXT = _("Service suspended at your request")


def personal_info(*, subscriber: Subscriber, user: Any, now: datetime) -> PersonalInfo:
    """INFO-2 for ``subscriber`` (the caller passes the logged-in user's own subscriber)."""
    plan = subscriber.plan
    account = subscriber.account
    paused = is_paused(subscriber=subscriber, now=now)
    status_label = str(PAUSED_TEXT) if paused else subscriber.get_status_display()
    return PersonalInfo(
        msisdn=subscriber.msisdn,
        name=subscriber.user_name or account.client.name,
        plan=plan.name,
        plan_description=plan.description,
        benefits=[line.strip(" •-") for line in plan.benefits.splitlines() if line.strip(" •-")],
        balance=account_balance(account_id=account.pk),
        payment_method=account.payment_method,
        payment_method_label=account.get_payment_method_display(),
        status=Subscriber.Status.PAUSED if paused else subscriber.status,
        status_label=str(status_label),
        paused=paused,
        registered_at=getattr(user, "date_joined", None),
        last_login_at=getattr(user, "last_login", None),
        allowances=remaining_allowances(subscriber=subscriber, now=now),
    )


def period_charges(*, account_id: int, start: datetime, end: datetime) -> int:
    """Charges of ``[start, end)`` in kopecks, a positive number: minus the charging entries' sum."""
    total = LedgerEntry.objects.filter(
        account_id=account_id, kind__in=CHARGE_KINDS, effective_at__gte=start, effective_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    return -int(total or 0)


PAYMENT_FORMS: dict[str, Any] = {Client.Kind.PERSON: _("Cash or card"), Client.Kind.LEGAL: _("Bank transfer")}


def additional_info(*, subscriber: Subscriber, now: datetime, ip: str | None) -> AdditionalInfo:
    """INFO-3: client ID, account and its opening date, last month's charges, promotional minutes,
    payment form, the IP address the request came from."""
    account: Account = subscriber.account
    previous = clock.period_of(now).previous()
    promotional = [
        line
        for line in remaining_allowances(subscriber=subscriber, now=now)
        if line.promotional and line.kind == Kind.VOICE
    ]
    return AdditionalInfo(
        client_id=account.client_id,
        client_kind=account.client.kind,
        account_number=account.number,
        account_opened_on=account.opened_on,
        previous_period=previous.key,
        previous_period_charges=period_charges(account_id=account.pk, start=previous.start, end=previous.end),
        promotional=promotional,
        payment_form=str(PAYMENT_FORMS.get(account.client.kind, "")),
        ip=ip,
    )


USSD_SCREEN = 182  # characters of one USSD screen in the GSM 7-bit alphabet (160 octets)
USSD_SCREEN_UCS2 = 80  # the same 160 octets hold 80 characters when the text needs UCS-2 (Cyrillic)


def ussd_fits(text: str, limit: int | None = None) -> bool:
    """Whether ``text`` fits one USSD screen: 182 Latin characters, 80 Cyrillic ones."""
    if limit is not None:
        return len(text) <= limit
    return len(text) <= (USSD_SCREEN if text.isascii() else USSD_SCREEN_UCS2)


def balance_screen(*, subscriber: Subscriber, now: datetime, limit: int | None = None) -> str:
    """*100#: «Баланс: 12,34 руб.» and, when the plan or services include any, «Осталось: 350 мин,
    80 SMS, 4096 МБ» (summed by kind over the plan and packages), cut to one USSD screen."""
    from django.utils.translation import gettext as gettext_now

    text = gettext_now("Balance: %(amount)s") % {
        "amount": format_byn(account_balance(account_id=subscriber.account_id))
    }
    totals: dict[str, list[int]] = {}
    for line in remaining_allowances(subscriber=subscriber, now=now):
        totals.setdefault(line.kind, [0, 0])
        totals[line.kind][0] += line.remaining
    labels = {Kind.VOICE: gettext_now("min"), Kind.SMS: "SMS", Kind.MMS: "MMS", Kind.DATA: gettext_now("MB")}
    items = [f"{totals[kind][0]} {labels[kind]}" for kind in labels if kind in totals]
    while items:
        candidate = text + "\n" + gettext_now("Left: %(items)s") % {"items": ", ".join(items)}
        if ussd_fits(candidate, limit):
            return candidate
        items.pop()
    return text
