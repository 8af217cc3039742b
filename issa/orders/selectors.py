"""Reads for orders, the product inventory and the catalogue's compatibility rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from issa.catalog.models import PlanChangeTerms, Service, ServiceAvailability, ServiceRule, ServiceTerms, TariffPlan
from issa.catalog.selectors import plan_terms_at, service_terms_at
from issa.core import clock
from issa.core.money import to_kopecks
from issa.subscribers.models import Product, Subscriber

from .models import Order


def active_products(*, subscriber: Subscriber, at: datetime) -> QuerySet[Product]:
    return (
        Product.objects.filter(subscriber_id=subscriber.pk, active_from__lte=at)
        .filter(Q(active_to__isnull=True) | Q(active_to__gt=at))
        .select_related("service")
        .order_by("active_from", "pk")
    )


def active_product(*, subscriber: Subscriber, service: Service, at: datetime) -> Product | None:
    return active_products(subscriber=subscriber, at=at).filter(service=service).first()


def active_of_kind(*, subscriber: Subscriber, kind: str, at: datetime) -> Product | None:
    return active_products(subscriber=subscriber, at=at).filter(service__kind=kind).first()


def is_paused(*, subscriber: Subscriber, at: datetime) -> bool:
    """SVC-9: a Pause product is active (the portal then shows «Обслуживание приостановлено…»)."""
    return active_of_kind(subscriber=subscriber, kind=Service.Kind.PAUSE, at=at) is not None


def expected_network_state(*, subscriber: Subscriber, at: datetime) -> dict[str, Any]:
    """What the network should have on this SIM according to ISSA (same shape as
    ``NetworkAdapter.state``)."""
    services: dict[str, Any] = {}
    suspended = False
    for product in active_products(subscriber=subscriber, at=at):
        if product.service.kind == Service.Kind.PAUSE:
            suspended = True
        else:
            services[product.service.code] = dict(product.settings or {})
    return {"plan": subscriber.plan.code, "services": services, "suspended": suspended}


# --- catalogue rules -----------------------------------------------------------------------


def plan_allows(*, plan: TariffPlan, service: Service) -> bool:
    """A service without availability rows is allowed on every plan (SVC-2, SVC-8)."""
    rows = list(ServiceAvailability.objects.filter(service=service).values_list("plan_id", flat=True))
    return not rows or plan.pk in rows


def required_services(service: Service) -> list[Service]:
    return [
        r.other
        for r in ServiceRule.objects.filter(service=service, kind=ServiceRule.Kind.REQUIRES).select_related("other")
    ]


def excluded_services(service: Service) -> list[Service]:
    """Excludes is symmetric: both the service's own rows and rows that name it."""
    own = ServiceRule.objects.filter(service=service, kind=ServiceRule.Kind.EXCLUDES).select_related("other")
    theirs = ServiceRule.objects.filter(other=service, kind=ServiceRule.Kind.EXCLUDES).select_related("service")
    return [r.other for r in own] + [r.service for r in theirs]


def dependants(service: Service) -> list[Service]:
    """Services that require ``service`` (they must go first)."""
    return [
        r.service
        for r in ServiceRule.objects.filter(other=service, kind=ServiceRule.Kind.REQUIRES).select_related("service")
    ]


# --- prices ------------------------------------------------------------------------------


def first_charge(*, terms: ServiceTerms | None, now: datetime) -> int:
    """The subscription fee the fee job will charge for the first day or month (kopecks)."""
    if terms is None or not terms.fee or terms.fee_period == ServiceTerms.FeePeriod.NONE:
        return 0
    if terms.fee_period == ServiceTerms.FeePeriod.DAILY:
        return to_kopecks(terms.fee)
    period = clock.period_of(now)
    days = period.days
    today = clock.local_date(now)
    month_start = clock.local_date(period.start)
    left = days - (today - month_start).days
    fraction = Decimal(left) / days if terms.pro_rata else Decimal(1)
    return to_kopecks(terms.fee * fraction)


def service_price(*, service: Service, now: datetime) -> int:
    """SVC-4: what connecting costs from the balance: connection fee plus the first charge."""
    terms = service_terms_at(service_id=service.pk, at=now)
    if terms is None:
        return 0
    return to_kopecks(terms.one_time_fee) + first_charge(terms=terms, now=now)


def one_time_fee(*, service: Service, now: datetime) -> int:
    terms = service_terms_at(service_id=service.pk, at=now)
    return to_kopecks(terms.one_time_fee) if terms is not None else 0


def plan_change_terms(plan: TariffPlan) -> PlanChangeTerms:
    found = PlanChangeTerms.objects.filter(plan=plan).first()
    return found if found is not None else PlanChangeTerms(plan=plan)


def plan_change_moment(*, plan: TariffPlan, now: datetime) -> datetime:
    """When a change onto ``plan`` takes effect (its stated terms, SVC-1)."""
    effective = plan_change_terms(plan).effective
    today = clock.local_date(now)
    if effective == PlanChangeTerms.Effective.IMMEDIATELY:
        return now
    if effective == PlanChangeTerms.Effective.NEXT_MONTH:
        return clock.period_of(now).end
    return clock.start_of_local_day(today + timedelta(days=1))


# --- what the portal shows ----------------------------------------------------------------


@dataclass
class ServiceOffer:
    service: Service
    connected: bool
    product: Product | None
    price: int
    monthly_fee: Decimal | None
    fee_period: str
    allowed: bool
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def service_offers(*, subscriber: Subscriber, now: datetime, kinds: tuple[str, ...]) -> list[ServiceOffer]:
    """Public services of these kinds with whether each is connected and may be (dis)connected."""
    from .registry import get_action
    from .services import order_check

    active = {p.service_id: p for p in active_products(subscriber=subscriber, at=now)}
    offers = []
    for service in Service.objects.filter(kind__in=kinds).order_by("kind", "name"):
        product = active.get(service.pk)
        if product is None and not service.is_public:
            continue
        terms = service_terms_at(service_id=service.pk, at=now)
        offer = ServiceOffer(
            service=service,
            connected=product is not None,
            product=product,
            price=service_price(service=service, now=now),
            monthly_fee=terms.fee if terms else None,
            fee_period=terms.fee_period if terms else ServiceTerms.FeePeriod.NONE,
            allowed=True,
        )
        action = "disconnect_service" if product is not None else "connect_service"
        if (
            service.kind == Service.Kind.INTERNET
            and product is None
            and any(p.service.kind == Service.Kind.INTERNET for p in active.values())
        ):
            action = "internet_change"
        try:
            order_check(subscriber=subscriber, action=get_action(action), params={"service": service.code}, now=now)
        except Exception as error:
            offer.allowed = False
            offer.reason = error.text() if hasattr(error, "text") else str(error)
        offer.extra["action"] = action
        offers.append(offer)
    return offers


def plans_for(*, subscriber: Subscriber, now: datetime) -> list[dict[str, Any]]:
    """Plans of the subscriber's kind open for connection, with their terms in force."""
    plans = TariffPlan.objects.filter(kind=subscriber.plan.kind).filter(Q(is_public=True) | Q(pk=subscriber.plan_id))
    rows = []
    for plan in plans.order_by("name"):
        terms = plan_terms_at(plan_id=plan.pk, at=now)
        change = plan_change_terms(plan)
        rows.append(
            {
                "plan": plan,
                "terms": terms,
                "fee": (terms.fee - terms.fee_discount) if terms else None,
                "allowances": list(terms.allowances.all()) if terms else [],
                "prices": list(terms.prices.all().order_by("kind", "destination")) if terms else [],
                "change": change,
                "current": plan.pk == subscriber.plan_id,
            }
        )
    return rows


def orders_of(*, subscriber: Subscriber) -> QuerySet[Order]:
    return Order.objects.filter(subscriber_id=subscriber.pk).exclude(state=Order.State.DRAFT)
