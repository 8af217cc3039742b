"""Demo loader: catalogue compatibility rules and plan change terms (SVC-1, SVC-2, SVC-8), the
simulated network element in step with every demo subscriber (BSS-6), and a short order history
for the first demo number: a few completed orders and one that failed on the network.

Idempotent: rules and terms are looked up by their natural keys; the network state is rewritten
from ISSA's own (the same result on every run); demo orders carry ``params.demo`` and are created
once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

ORDER = 80

DEMO_MSISDN = "375291000001"

# «Любимый номер» (SVC-8) is offered only on these plans; voice packages only on mobile plans.
FAVOURITE_PLANS = [
    "smart",
    "smart-plus",
    "smart-max",
    "comfort",
    "family",
    "unlimited",
    "business-start",
    "business-pro",
]
VOICE_PACKAGES = ["min-100", "min-300", "onnet-unlim", "fixed-200", "intl-30", "favourite", "favourite-intl"]
RULES = [
    ("voicemail-plus", "requires", "voicemail"),
    ("forwarding-fixed", "requires", "forwarding"),
    ("roaming-europe-1gb", "requires", "roaming"),
    ("anti-caller-id", "excludes", "caller-id"),
    ("content-ban", "excludes", "tv"),
    ("min-300", "excludes", "min-100"),
    ("sms-150", "excludes", "sms-50"),
    ("sms-500", "excludes", "sms-150"),
    ("sms-500", "excludes", "sms-50"),
]
# (plan, fee, effective): the rest change from the next day for free
CHANGE_TERMS = [
    ("unlimited", "5.0000", "next_day"),
    ("smart-max", "3.0000", "next_day"),
    ("business-start", "0", "next_month"),
    ("business-pro", "0", "next_month"),
    ("privet-basic", "0", "immediately"),
    ("privet-unlim", "0", "immediately"),
]


def _catalogue() -> tuple[int, int, int]:
    from issa.catalog.models import PlanChangeTerms, Service, ServiceAvailability, ServiceRule, TariffPlan

    services = {s.code: s for s in Service.objects.all()}
    plans = {p.code: p for p in TariffPlan.objects.all()}
    mobile = [p for p in plans.values() if p.kind == TariffPlan.Kind.MOBILE]
    wanted_availability = set()
    for code in VOICE_PACKAGES:
        if code not in services:
            continue
        allowed = FAVOURITE_PLANS if code.startswith("favourite") else [p.code for p in mobile]
        wanted_availability |= {(services[code].pk, plans[p].pk) for p in allowed if p in plans}
    have = set(ServiceAvailability.objects.values_list("service_id", "plan_id"))
    ServiceAvailability.objects.bulk_create(
        [ServiceAvailability(service_id=s, plan_id=p) for s, p in sorted(wanted_availability - have)]
    )
    rules = 0
    for service, kind, other in RULES:
        if service in services and other in services:
            _rule, created = ServiceRule.objects.get_or_create(
                service=services[service], kind=kind, other=services[other]
            )
            rules += created
    terms = 0
    for plan, fee, effective in CHANGE_TERMS:
        if plan in plans:
            _terms, created = PlanChangeTerms.objects.get_or_create(
                plan=plans[plan], defaults={"fee": Decimal(fee), "effective": effective}
            )
            terms += created
    return len(wanted_availability - have), rules, terms


def _network(now: datetime) -> int:
    """Rewrite the simulated element's SIMs from ISSA's state (what the network has provisioned)."""
    from django.db.models import Q

    from issa.catalog.models import Service
    from issa.orders.models import SimulatedSim
    from issa.subscribers.models import Product, Subscriber

    services: dict[int, dict[str, Any]] = defaultdict(dict)
    suspended: set[int] = set()
    active = Product.objects.filter(active_from__lte=now).filter(Q(active_to__isnull=True) | Q(active_to__gt=now))
    for sid, code, kind, settings in active.values_list("subscriber_id", "service__code", "service__kind", "settings"):
        if kind == Service.Kind.PAUSE:
            suspended.add(sid)
        else:
            services[sid][code] = settings or {}
    rows = {
        msisdn: SimulatedSim(
            msisdn=msisdn, plan=plan, services=services.get(sid, {}), suspended=sid in suspended, updated_at=now
        )
        for sid, msisdn, plan in Subscriber.objects.exclude(status=Subscriber.Status.CLOSED).values_list(
            "pk", "msisdn", "plan__code"
        )
    }
    existing = {s.msisdn: s for s in SimulatedSim.objects.filter(msisdn__in=list(rows))}
    new = [row for msisdn, row in rows.items() if msisdn not in existing]
    changed = []
    for msisdn, sim in existing.items():
        row = rows[msisdn]
        if (sim.plan, sim.services, sim.suspended) != (row.plan, row.services, row.suspended):
            sim.plan, sim.services, sim.suspended, sim.updated_at = row.plan, row.services, row.suspended, now
            changed.append(sim)
    SimulatedSim.objects.bulk_create(new, batch_size=1000)
    SimulatedSim.objects.bulk_update(changed, ["plan", "services", "suspended", "updated_at"], batch_size=1000)
    return len(rows)


def _orders(now: datetime) -> int:
    """The first demo number's history: one completed order per service it has, and one failure."""
    from issa.catalog.models import Service
    from issa.orders.models import Order, OrderEvent
    from issa.subscribers.models import Product, Subscriber

    subscriber = Subscriber.objects.filter(msisdn=DEMO_MSISDN).first()
    if subscriber is None:
        return 0
    done = set(
        Order.objects.filter(subscriber=subscriber, params__has_key="demo").values_list("params__demo", flat=True)
    )
    created = 0
    S = Order.State
    products = Product.objects.filter(subscriber=subscriber, service__kind__in=["option", "package", "internet"])
    plan: list[tuple[str, str, dict[str, Any], datetime, str, str]] = [
        (f"product:{p.pk}", "connect_service", {"service": p.service.code, "name": p.service.name}, p.active_from,
         S.COMPLETED, f"Подключение «{p.service.name}»")
        for p in products.select_related("service")[:3]
    ]  # fmt: skip
    failed_service = Service.objects.filter(code="tv").first()
    if failed_service is not None:
        plan.append(
            ("failed:tv", "connect_service", {"service": "tv", "name": failed_service.name}, now - timedelta(days=2),
             S.FAILED, f"Подключение «{failed_service.name}»")
        )  # fmt: skip
    for key, action, params, at, state, title in plan:
        if key in done:
            continue
        if at > now:
            at = now - timedelta(hours=1)
        order = Order.objects.create(
            subscriber=subscriber, action=action, params={**params, "demo": key, "lock_key": f"demo:{key}"},
            title=title, state=state, channel="web", actor_label=DEMO_MSISDN, created_at=at - timedelta(minutes=3),
            updated_at=at, scheduled_for=at - timedelta(minutes=3),
            completed_at=at if state == S.COMPLETED else None, attempts=1 if state == S.COMPLETED else 5,
            last_error="" if state == S.COMPLETED else "network element timeout (simulated)",
        )  # fmt: skip
        steps: list[tuple[str, str]] = [(S.DRAFT, ""), (S.CONFIRMED, ""), (S.IN_PROGRESS, "")]
        if state == S.FAILED:
            steps += [(S.IN_PROGRESS, f"Сеть не ответила; попытка {n}") for n in range(2, 6)]
        steps.append((state, order.last_error))
        OrderEvent.objects.bulk_create(
            [
                OrderEvent(order=order, at=at - timedelta(minutes=3) + timedelta(seconds=20 * i), state=s, note=n)
                for i, (s, n) in enumerate(steps)
            ]
        )
        created += 1
    return created


def load(*, stdout: Any, now: datetime) -> None:
    availability, rules, terms = _catalogue()
    sims = _network(now)
    orders = _orders(now)
    stdout.write(
        f"orders: {availability} plan limits, {rules} compatibility rules, {terms} plan change terms added; "
        f"simulated network in step for {sims} SIMs; {orders} demo orders"
    )
