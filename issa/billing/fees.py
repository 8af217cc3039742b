"""Subscription fees (BSS-3) and Pause (SVC-9), charged by a periodic job exactly once.

The rules, in plain words with examples, are in ``docs/billing-rules.md``. In short:

* A *fee day* is a calendar day in Europe/Minsk. Fees are charged in advance for the day: the
  entry's ``effective_at`` is 00:00 of that day.
* Daily plan: ``fee − fee_discount`` each day the subscriber has the plan at any moment of the day.
* Monthly plan: the full ``fee − fee_discount`` on the first day of the month with the plan; when
  the plan starts after the 1st, pro rata by the days left (that day included).
* Services: daily fee each day the product is active at any moment; monthly fee on the first day
  of the month the product is active, pro rata by days in the first month when
  ``ServiceTerms.pro_rata`` says so.
* Pause: a day is *paused* when a Pause product is active at 00:00 of that day and started on an
  earlier day. The day Pause starts is charged in full. A paused day costs
  ``(fee − fee_discount) × PAUSE_PLAN_FEE_SHARE`` of a daily plan and nothing for other services.
  For monthly fees (charged in advance) each paused day is credited back: the plan's
  ``1 − PAUSE_PLAN_FEE_SHARE`` share and the whole share of monthly services, by days of the month,
  rounded cumulatively so that the month's credits add up to the exact pro rata amount.

Exactly once: every entry has an idempotency key ``fee:<subscriber>:<plan|service>:<id>:<day or
month>`` (``pausecredit:`` for credits); a batch commits as one transaction, so a job killed
midway and re-run books the rest and nothing twice. Subscribers are processed in batches with a
fixed number of queries per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import PlanTerms, Service, ServiceTerms, TariffPlan
from issa.core import clock, rules
from issa.core.money import to_kopecks
from issa.core.texts import operator_text
from issa.subscribers.models import PlanPeriod, Product, Subscriber

from .models import LedgerEntry

BATCH_SIZE = 500


@dataclass(frozen=True)
class Charge:
    """One entry the job wants booked (negative amount: a fee; positive: a Pause credit)."""

    subscriber_id: int
    account_id: int
    amount: int
    key: str
    reason: str
    details: dict[str, Any]


@dataclass
class DayRun:
    """What one run for one day did: for logs, the command's output and tests."""

    day: date
    subscribers: int = 0
    booked: int = 0
    skipped: int = 0
    amount: int = 0
    batches: int = 0


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return clock.start_of_local_day(day), clock.start_of_local_day(day + timedelta(days=1))


def month_days(day: date) -> int:
    first = day.replace(day=1)
    return ((first + timedelta(days=32)).replace(day=1) - first).days


def _overlaps(start: datetime, end: datetime | None, lo: datetime, hi: datetime) -> bool:
    return start < hi and (end is None or end > lo)


def _first_local_day(start: datetime) -> date:
    return clock.local_date(start)


def _charged_from(period: PlanPeriod, all_periods: list[PlanPeriod]) -> date:
    """The first day whose fee this plan period pays: the day it starts, unless another period
    already holds the start of that day (a change in the middle of a day), then the next day —
    the day's fee follows the plan the day starts with."""
    first = _first_local_day(period.valid_from)
    day_start, _ = day_bounds(first)
    earlier = any(
        other is not period and _overlaps(other.valid_from, other.valid_to, day_start, period.valid_from)
        for other in all_periods
    )
    return first + timedelta(days=1) if earlier else first


def _terms_at(versions: list[Any], moment: datetime) -> Any | None:
    """The terms in force at ``moment``: the latest ``valid_from`` not after it (None before the
    first). ``versions`` is sorted by ``valid_from`` ascending."""
    found = None
    for terms in versions:
        if terms.valid_from <= moment:
            found = terms
        else:
            break
    return found


def _daily_share(base: Decimal, share: Decimal, days: int, nth: int) -> int:
    """The ``nth`` day's part of ``base × share`` spread over ``days`` days, rounded cumulatively:
    the parts of days 1..n add up to exactly ``to_kopecks(base × share × n / days)``."""
    total = base * share
    return to_kopecks(total * nth / days) - to_kopecks(total * (nth - 1) / days)


class _Catalogue:
    """Plan and service terms, loaded once per run (a handful of rows, not one per subscriber)."""

    def __init__(self) -> None:
        self.plan_terms: dict[int, list[PlanTerms]] = defaultdict(list)
        for terms in PlanTerms.objects.order_by("plan_id", "valid_from"):
            self.plan_terms[terms.plan_id].append(terms)
        self.service_terms: dict[int, list[ServiceTerms]] = defaultdict(list)
        for sterms in ServiceTerms.objects.order_by("service_id", "valid_from"):
            self.service_terms[sterms.service_id].append(sterms)
        self.plans = {plan.pk: plan for plan in TariffPlan.objects.all()}
        self.services = {service.pk: service for service in Service.objects.all()}


def _pause_days(pauses: list[Product], month_start: date, upto: date) -> list[date]:
    """Paused days of the month from its 1st up to ``upto`` (included): Pause active at 00:00 and
    started on an earlier day."""
    days = []
    current = month_start
    while current <= upto:
        if _is_paused(pauses, current):
            days.append(current)
        current += timedelta(days=1)
    return days


def _is_paused(pauses: list[Product], day: date) -> bool:
    start, _end = day_bounds(day)
    for pause in pauses:
        active = pause.active_from <= start and (pause.active_to is None or pause.active_to > start)
        if active and _first_local_day(pause.active_from) < day:
            return True
    return False


def charges_for_day(
    *,
    day: date,
    subscribers: list[Subscriber],
    periods: dict[int, list[PlanPeriod]],
    products: dict[int, list[Product]],
    catalogue: _Catalogue,
) -> Iterator[Charge]:
    """The pure part: which fees and credits the day brings for these subscribers (no I/O)."""
    lo, hi = day_bounds(day)
    share = Decimal(rules.get("PAUSE_PLAN_FEE_SHARE"))
    days_in_month = month_days(day)
    month_first = day.replace(day=1)
    month_lo = clock.start_of_local_day(month_first)
    for subscriber in subscribers:
        sub_products = products.get(subscriber.pk, [])
        pauses = [p for p in sub_products if catalogue.services[p.service_id].kind == Service.Kind.PAUSE]
        paused = _is_paused(pauses, day)
        # --- the plan: the one the day starts with (or the first that begins during the day)
        day_periods = [p for p in periods.get(subscriber.pk, []) if _overlaps(p.valid_from, p.valid_to, lo, hi)]
        if day_periods:
            period = min(day_periods, key=lambda p: p.valid_from)
            plan = catalogue.plans[period.plan_id]
            terms = _terms_at(catalogue.plan_terms.get(plan.pk, []), max(lo, period.valid_from))
            if terms is not None:
                yield from _plan_charges(
                    subscriber,
                    plan,
                    terms,
                    period,
                    day,
                    paused,
                    pauses,
                    share,
                    days_in_month,
                    month_first,
                    month_lo,
                    periods.get(subscriber.pk, []),
                )
        # --- services (Pause itself included: its own fee, if any, is not "another service")
        seen: set[int] = set()
        for product in sorted(sub_products, key=lambda p: p.active_from):
            if product.service_id in seen or not _overlaps(product.active_from, product.active_to, lo, hi):
                continue
            seen.add(product.service_id)
            service = catalogue.services[product.service_id]
            sterms = _terms_at(catalogue.service_terms.get(service.pk, []), max(lo, product.active_from))
            if sterms is None or sterms.fee_period == ServiceTerms.FeePeriod.NONE or not sterms.fee:
                continue
            is_pause = service.kind == Service.Kind.PAUSE
            yield from _service_charges(
                subscriber,
                service,
                sterms,
                day,
                paused and not is_pause,
                pauses if not is_pause else [],
                days_in_month,
                month_first,
                month_lo,
                [p for p in sub_products if p.service_id == service.pk],
            )


def _plan_charges(
    subscriber: Subscriber,
    plan: TariffPlan,
    terms: PlanTerms,
    period: PlanPeriod,
    day: date,
    paused: bool,
    pauses: list[Product],
    share: Decimal,
    days_in_month: int,
    month_first: date,
    month_lo: datetime,
    all_periods: list[PlanPeriod],
) -> Iterator[Charge]:
    base = terms.fee - terms.fee_discount
    if base <= 0:
        return
    label = f"plan:{plan.pk}"
    common = {"plan": plan.pk, "terms": terms.pk, "day": day.isoformat()}
    if plan.fee_period == TariffPlan.FeePeriod.DAILY:
        amount = to_kopecks(base * share) if paused else to_kopecks(base)
        if amount:
            yield Charge(
                subscriber.pk,
                subscriber.account_id,
                -amount,
                f"fee:{subscriber.pk}:{label}:{day.isoformat()}",
                operator_text(
                    _("%(name)s: Pause daily fee %(day)s") if paused else _("%(name)s: daily fee %(day)s"),
                    name=plan.name,
                    day=f"{day:%d.%m.%Y}",
                ),
                {**common, "paused": paused},
            )
        return
    # Monthly plan: charged on the first day of the month that has this plan.
    day_end = clock.start_of_local_day(day + timedelta(days=1))
    starts = [
        _charged_from(p, all_periods)
        for p in all_periods
        if p.plan_id == plan.pk and _overlaps(p.valid_from, p.valid_to, month_lo, day_end)
    ]
    first_day = max(month_first, min(starts))
    if day == first_day:
        days_left = days_in_month - day.day + 1
        amount = to_kopecks(base * days_left / days_in_month)
        if amount:
            yield Charge(
                subscriber.pk,
                subscriber.account_id,
                -amount,
                f"fee:{subscriber.pk}:{label}:{day:%Y-%m}",
                operator_text(_("%(name)s: monthly fee %(month)s"), name=plan.name, month=f"{day:%m.%Y}")
                + ("" if days_left == days_in_month else f" ({days_left}/{days_in_month})"),
                {**common, "days": days_left, "of": days_in_month},
            )
    if paused:
        nth = len(_pause_days(pauses, first_day, day))
        credit = _daily_share(base, 1 - share, days_in_month, nth)
        if credit:
            yield Charge(
                subscriber.pk,
                subscriber.account_id,
                credit,
                f"pausecredit:{subscriber.pk}:{label}:{day.isoformat()}",
                operator_text(
                    _("%(name)s: Pause %(day)s, %(percent)s%% of the day's fee returned"),
                    name=plan.name,
                    day=f"{day:%d.%m.%Y}",
                    percent=int((1 - share) * 100),
                ),
                {**common, "pause_credit": True, "nth": nth},
            )


def _service_charges(
    subscriber: Subscriber,
    service: Service,
    sterms: ServiceTerms,
    day: date,
    paused: bool,
    pauses: list[Product],
    days_in_month: int,
    month_first: date,
    month_lo: datetime,
    service_products: list[Product],
) -> Iterator[Charge]:
    label = f"service:{service.pk}"
    common = {"service": service.pk, "terms": sterms.pk, "day": day.isoformat()}
    if sterms.fee_period == ServiceTerms.FeePeriod.DAILY:
        if paused:
            return  # SVC-9: no fee for other services from the day after Pause starts
        amount = to_kopecks(sterms.fee)
        yield Charge(
            subscriber.pk,
            subscriber.account_id,
            -amount,
            f"fee:{subscriber.pk}:{label}:{day.isoformat()}",
            operator_text(_("%(name)s: daily fee %(day)s"), name=service.name, day=f"{day:%d.%m.%Y}"),
            common,
        )
        return
    # Monthly service: charged on the first day of the month that has it, whether paused or not;
    # each paused day of the month is then credited back.
    day_end = clock.start_of_local_day(day + timedelta(days=1))
    starts = [p.active_from for p in service_products if _overlaps(p.active_from, p.active_to, month_lo, day_end)]
    first_day = max(month_first, _first_local_day(min(starts)))
    days_left = days_in_month - first_day.day + 1
    if day == first_day:
        fraction = Decimal(days_left) / days_in_month if sterms.pro_rata else Decimal(1)
        amount = to_kopecks(sterms.fee * fraction)
        if amount:
            partial = sterms.pro_rata and days_left != days_in_month
            yield Charge(
                subscriber.pk,
                subscriber.account_id,
                -amount,
                f"fee:{subscriber.pk}:{label}:{day:%Y-%m}",
                operator_text(_("%(name)s: monthly fee %(month)s"), name=service.name, month=f"{day:%m.%Y}")
                + (f" ({days_left}/{days_in_month})" if partial else ""),
                {**common, "days": days_left if sterms.pro_rata else days_in_month, "of": days_in_month},
            )
    if paused:
        nth = len(_pause_days(pauses, first_day, day))
        credit = _daily_share(sterms.fee, Decimal(1), days_in_month, nth)
        if credit:
            yield Charge(
                subscriber.pk,
                subscriber.account_id,
                credit,
                f"pausecredit:{subscriber.pk}:{label}:{day.isoformat()}",
                operator_text(
                    _("%(name)s: Pause %(day)s, the day's fee returned"), name=service.name, day=f"{day:%d.%m.%Y}"
                ),
                {**common, "pause_credit": True, "nth": nth},
            )


def _batches(day: date, batch_size: int) -> Iterator[list[Subscriber]]:
    """Subscribers who may owe something for ``day``: a plan period or a product that overlaps the
    month so far (keyset pagination by id, so a re-run sees the same order)."""
    lo, hi = day_bounds(day)
    month_lo = clock.start_of_local_day(day.replace(day=1))
    has_period = PlanPeriod.objects.filter(valid_from__lt=hi).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=lo))
    has_product = Product.objects.filter(active_from__lt=hi).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=month_lo)
    )
    base = Subscriber.objects.filter(
        Q(pk__in=has_period.values("subscriber_id")) | Q(pk__in=has_product.values("subscriber_id"))
    ).only("pk", "account_id", "msisdn")
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def fees_charge_day(*, day: date, now: datetime, batch_size: int = BATCH_SIZE) -> DayRun:
    """Book every fee and Pause credit of ``day`` that is not booked yet; safe to run any number
    of times, concurrently or after a crash. Each batch is one transaction; the prepaid guard runs
    after each batch for the accounts it touched."""
    from .guard import prepaid_guard

    run = DayRun(day=day)
    catalogue = _Catalogue()
    lo, hi = day_bounds(day)
    month_lo = clock.start_of_local_day(day.replace(day=1))
    for batch in _batches(day, batch_size):
        ids = [s.pk for s in batch]
        periods: dict[int, list[PlanPeriod]] = defaultdict(list)
        for period in PlanPeriod.objects.filter(subscriber_id__in=ids, valid_from__lt=hi).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=month_lo)
        ):
            periods[period.subscriber_id].append(period)
        products: dict[int, list[Product]] = defaultdict(list)
        for product in Product.objects.filter(subscriber_id__in=ids, active_from__lt=hi).filter(
            Q(active_to__isnull=True) | Q(active_to__gt=month_lo)
        ):
            products[product.subscriber_id].append(product)
        charges = list(
            charges_for_day(day=day, subscribers=batch, periods=periods, products=products, catalogue=catalogue)
        )
        booked = _book(charges, effective_at=lo, now=now)
        run.subscribers += len(batch)
        run.booked += len(booked)
        run.skipped += len(charges) - len(booked)
        run.amount += sum(c.amount for c in booked)
        run.batches += 1
        after_batch(run)
        touched = {c.account_id for c in booked}
        if touched:
            prepaid_guard(account_ids=touched, now=now)
    return run


def after_batch(run: DayRun) -> None:
    """A seam for progress reporting (and for tests that kill the job midway)."""


def _book(charges: list[Charge], *, effective_at: datetime, now: datetime) -> list[Charge]:
    """Write the charges whose key is new, in one transaction; return those written."""
    if not charges:
        return []
    with transaction.atomic():
        existing = set(
            LedgerEntry.objects.filter(idempotency_key__in=[c.key for c in charges]).values_list(
                "idempotency_key", flat=True
            )
        )
        fresh = [c for c in charges if c.key not in existing]
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    account_id=c.account_id,
                    subscriber_id=c.subscriber_id,
                    amount=c.amount,
                    kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
                    reason=c.reason[:255],
                    idempotency_key=c.key,
                    effective_at=effective_at,
                    booked_at=now,
                    details=c.details,
                )
                for c in fresh
            ],
            ignore_conflicts=True,  # a concurrent run booked it between our read and our write
        )
    return fresh


def _rows(ids: list[int], lo: datetime, hi: datetime) -> tuple[dict[int, list[PlanPeriod]], dict[int, list[Product]]]:
    """Plan periods and products of the subscribers ``ids`` that start before ``hi`` and reach past
    ``lo``, by subscriber."""
    period_rows = PlanPeriod.objects.filter(subscriber_id__in=ids, valid_from__lt=hi).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=lo)
    )
    product_rows = Product.objects.filter(subscriber_id__in=ids, active_from__lt=hi).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=lo)
    )
    periods: dict[int, list[PlanPeriod]] = defaultdict(list)
    for period in period_rows:
        periods[period.subscriber_id].append(period)
    products: dict[int, list[Product]] = defaultdict(list)
    for product in product_rows:
        products[product.subscriber_id].append(product)
    return periods, products


def _charges_for_days(
    days: list[date],
    subscribers: list[Subscriber],
    periods: dict[int, list[PlanPeriod]],
    products: dict[int, list[Product]],
    catalogue: _Catalogue,
) -> Iterator[tuple[date, list[Charge]]]:
    """``charges_for_day`` for each of ``days`` over rows read once for all of them: each day sees
    exactly the rows ``fees_charge_day`` reads for it (starting before the day ends, reaching into
    its month)."""
    for day in days:
        _lo, hi = day_bounds(day)
        month_lo = clock.start_of_local_day(day.replace(day=1))
        day_periods = {
            sid: [p for p in rows if p.valid_from < hi and (p.valid_to is None or p.valid_to > month_lo)]
            for sid, rows in periods.items()
        }
        day_products = {
            sid: [p for p in rows if p.active_from < hi and (p.active_to is None or p.active_to > month_lo)]
            for sid, rows in products.items()
        }
        yield (
            day,
            list(
                charges_for_day(
                    day=day, subscribers=subscribers, periods=day_periods, products=day_products, catalogue=catalogue
                )
            ),
        )


def fees_charge_days(
    *, days: Iterable[date], now: datetime, batch_size: int = BATCH_SIZE, guard: bool = True
) -> list[DayRun]:
    """Book the fees and Pause credits of several days (a replay after a long outage, the demo's
    history): the same charges under the same keys as ``fees_charge_day`` day by day, but each
    batch of subscribers reads its plan periods and products once for all the days, books all the
    days in one transaction and runs the prepaid guard once. Safe to run again, like the one-day
    run. ``guard=False`` leaves the prepaid guard to the caller, who must run it for the accounts
    charged once it has booked what goes with the fees (the demo's history: its top-ups)."""
    from .guard import prepaid_guard

    wanted = sorted(set(days))
    runs = {day: DayRun(day=day) for day in wanted}
    if not wanted:
        return []
    catalogue = _Catalogue()
    first_lo = day_bounds(wanted[0])[0]
    lo, hi = clock.start_of_local_day(wanted[0].replace(day=1)), day_bounds(wanted[-1])[1]
    has_period = PlanPeriod.objects.filter(valid_from__lt=hi).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=first_lo)
    )
    has_product = Product.objects.filter(active_from__lt=hi).filter(Q(active_to__isnull=True) | Q(active_to__gt=lo))
    base = Subscriber.objects.filter(
        Q(pk__in=has_period.values("subscriber_id")) | Q(pk__in=has_product.values("subscriber_id"))
    ).only("pk", "account_id", "msisdn")
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        periods, products = _rows([s.pk for s in batch], lo, hi)
        touched: set[int] = set()
        with transaction.atomic():
            for day, charges in _charges_for_days(wanted, batch, periods, products, catalogue):
                booked = _book(charges, effective_at=day_bounds(day)[0], now=now)
                run = runs[day]
                run.subscribers += len(batch)
                run.booked += len(booked)
                run.skipped += len(charges) - len(booked)
                run.amount += sum(c.amount for c in booked)
                run.batches += 1
                touched.update(c.account_id for c in booked)
        after_batch(runs[wanted[-1]])
        if touched and guard:
            prepaid_guard(account_ids=touched, now=now)
    return list(runs.values())


def fees_run(*, now: datetime, days: Iterable[date] | None = None) -> list[DayRun]:
    """The periodic job's body: yesterday (to catch products that began after the last run) and
    today. Keys make the overlap free."""
    today = clock.local_date(now)
    return [fees_charge_day(day=d, now=now) for d in (days or [today - timedelta(days=1), today])]
