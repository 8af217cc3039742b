"""Rating of a batch of usage records (BSS-3), set-wise: a handful of queries per batch, none per
record.

``RatingContext.load`` reads what a batch needs in one go: the catalogue's price versions and
allowances, and for the batch's numbers their subscribers, plan history and connected services.
``rate_batch`` then locks the batch's allowance rows, rates every record with the pure functions
of ``charges`` (in time order, so allowances go to the earliest usage), writes the allowance rows
back set-wise and books the charges on the ledger per account and billing period — all inside the
caller's transaction, together with the records themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from issa.catalog.models import Allowance, PlanTerms, ServiceTerms, UsagePrice
from issa.core.clock import OPERATOR_TZ, Period, period_for_key
from issa.subscribers.models import PlanPeriod, Product, Subscriber

from . import charges
from .models import AllowanceUsage, ClosedPeriod

ROAMING = frozenset({"roaming_1", "roaming_2", "roaming_3"})


@dataclass(frozen=True, slots=True)
class AllowanceSpec:
    key: tuple[str, int, str, str]  # (owner, owner id, kind, destinations) = AllowanceUsage slot
    kind: str
    destinations: frozenset[str]
    quantity: int
    label: str

    def covers(self, kind: str, destination: str) -> bool:
        if kind != self.kind:
            return False
        if self.destinations:
            return destination in self.destinations
        return destination not in ROAMING


@dataclass(slots=True)
class PlanVersion:
    valid_from: datetime
    terms: charges.TermsView
    prices: dict[tuple[str, str, bool], tuple[int, Decimal]]
    allowances: list[AllowanceSpec]


@dataclass(slots=True)
class ServiceVersion:
    valid_from: datetime
    allowances: list[AllowanceSpec]


def _among(qs: QuerySet[Any], column: str, values: list[Any]) -> QuerySet[Any]:
    """``column IN values`` for thousands of values: one array parameter on PostgreSQL (the
    ``__in`` lookup makes a placeholder per value, slow to build and to parse)."""
    if connection.vendor == "postgresql":
        return qs.extra(where=[f'"{qs.model._meta.db_table}"."{column}" = ANY(%s)'], params=[values])  # noqa: S610
    return qs.filter(**{f"{column}__in": values})


def _versions_at(versions: list[Any], starts: list[datetime], moment: datetime) -> Any:
    index = bisect_right(starts, moment) - 1
    return versions[index] if index >= 0 else None


def _dest_key(destinations: Iterable[str]) -> str:
    return ",".join(sorted(destinations))


class Catalogue:
    """Every price version and allowance, indexed for rating (the catalogue is small)."""

    def __init__(self) -> None:
        self.plan_versions: dict[int, list[PlanVersion]] = defaultdict(list)
        self.plan_starts: dict[int, list[datetime]] = {}
        self.service_versions: dict[int, list[ServiceVersion]] = defaultdict(list)
        self.service_starts: dict[int, list[datetime]] = {}

    @classmethod
    def load(cls) -> Catalogue:
        self = cls()
        prices: dict[int, dict[tuple[str, str, bool], tuple[int, Decimal]]] = defaultdict(dict)
        for price in UsagePrice.objects.values_list("id", "terms_id", "kind", "destination", "outgoing", "unit_price"):
            pid, terms_id, kind, dest, outgoing, unit_price = price
            prices[terms_id][(kind, dest, outgoing)] = (pid, unit_price)
        plan_allowances: dict[int, list[AllowanceSpec]] = defaultdict(list)
        service_allowances: dict[int, list[AllowanceSpec]] = defaultdict(list)
        rows = Allowance.objects.select_related("plan_terms__plan", "service_terms__service").order_by("id")
        for allowance in rows:
            dests = frozenset(allowance.destinations or ())
            if allowance.plan_terms is not None:
                plan = allowance.plan_terms.plan
                key = ("plan", plan.pk, allowance.kind, _dest_key(dests))
                spec = AllowanceSpec(key, allowance.kind, dests, allowance.quantity, plan.name)
                plan_allowances[allowance.plan_terms.pk].append(spec)
            elif allowance.service_terms is not None:
                service = allowance.service_terms.service
                key = ("service", service.pk, allowance.kind, _dest_key(dests))
                spec = AllowanceSpec(key, allowance.kind, dests, allowance.quantity, service.name)
                service_allowances[allowance.service_terms.pk].append(spec)
        for terms in PlanTerms.objects.order_by("plan_id", "valid_from"):
            view = charges.TermsView(terms.pk, terms.voice_rounding, terms.data_unit_kb)
            self.plan_versions[terms.plan_id].append(
                PlanVersion(terms.valid_from, view, prices.get(terms.pk, {}), plan_allowances.get(terms.pk, []))
            )
        for sterms in ServiceTerms.objects.order_by("service_id", "valid_from"):
            self.service_versions[sterms.service_id].append(
                ServiceVersion(sterms.valid_from, service_allowances.get(sterms.pk, []))
            )
        self.plan_starts = {k: [v.valid_from for v in vs] for k, vs in self.plan_versions.items()}
        self.service_starts = {k: [v.valid_from for v in vs] for k, vs in self.service_versions.items()}
        return self

    def plan_version(self, plan_id: int, moment: datetime) -> PlanVersion | None:
        versions = self.plan_versions.get(plan_id)
        if not versions:
            return None
        return _versions_at(versions, self.plan_starts[plan_id], moment)

    def service_version(self, service_id: int, moment: datetime) -> ServiceVersion | None:
        versions = self.service_versions.get(service_id)
        if not versions:
            return None
        return _versions_at(versions, self.service_starts[service_id], moment)


@dataclass(slots=True)
class SubscriberView:
    id: int
    account_id: int
    msisdn: str
    plans: list[tuple[datetime, datetime | None, int]] = field(default_factory=list)
    products: list[tuple[datetime, datetime | None, int]] = field(default_factory=list)

    def plan_at(self, moment: datetime) -> int | None:
        for start, end, plan_id in self.plans:
            if start <= moment and (end is None or moment < end):
                return plan_id
        return None

    def services_at(self, moment: datetime) -> list[int]:
        if not self.products:
            return []
        return [sid for start, end, sid in self.products if start <= moment and (end is None or moment < end)]


class RatingContext:
    """What rating a batch needs, read set-wise."""

    def __init__(self, catalogue: Catalogue, subscribers: dict[str, SubscriberView], closed: set[str]) -> None:
        self.catalogue = catalogue
        self.subscribers = subscribers
        self.closed = closed

    @classmethod
    def load(cls, *, msisdns: Iterable[str], catalogue: Catalogue | None = None) -> RatingContext:
        numbers = sorted(set(msisdns))
        subs: dict[str, SubscriberView] = {}
        by_id: dict[int, SubscriberView] = {}
        for sid, account_id, msisdn in _among(Subscriber.objects.all(), "msisdn", numbers).values_list(
            "id", "account_id", "msisdn"
        ):
            view = SubscriberView(sid, account_id, msisdn)
            subs[msisdn] = view
            by_id[sid] = view
        if by_id:
            for sid, start, end, plan_id in (
                _among(PlanPeriod.objects.all(), "subscriber_id", list(by_id))
                .order_by("valid_from")
                .values_list("subscriber_id", "valid_from", "valid_to", "plan_id")
            ):
                by_id[sid].plans.append((start, end, plan_id))
            for sid, start, end, service_id in (
                _among(Product.objects.all(), "subscriber_id", list(by_id))
                .order_by("active_from", "id")
                .values_list("subscriber_id", "active_from", "active_to", "service_id")
            ):
                by_id[sid].products.append((start, end, service_id))
        closed = set(ClosedPeriod.objects.values_list("key", flat=True))
        return cls(catalogue or Catalogue.load(), subs, closed)

    def subscriber(self, msisdn: str) -> SubscriberView | None:
        return self.subscribers.get(msisdn)

    def plan_version(self, sub: SubscriberView, moment: datetime) -> PlanVersion | None:
        plan_id = sub.plan_at(moment)
        if plan_id is None:
            return None
        return self.catalogue.plan_version(plan_id, moment)

    def allowances_for(self, sub: SubscriberView, plan: PlanVersion, moment: datetime) -> list[AllowanceSpec]:
        """In consumption order: connected services and packages first (earliest connected
        first), then the plan's own; within one owner, in the catalogue's order."""
        specs: list[AllowanceSpec] = []
        for service_id in sub.services_at(moment):
            version = self.catalogue.service_version(service_id, moment)
            if version is not None:
                specs.extend(version.allowances)
        specs.extend(plan.allowances)
        return specs

    def bill_period(self, period: Period) -> tuple[Period, bool]:
        """The period a record of ``period`` is billed in: its own while open; otherwise the
        first open period after it, as a correction."""
        if period.key not in self.closed:
            return period, False
        nxt = period.next()
        while nxt.key in self.closed:
            nxt = nxt.next()
        return nxt, True


class NotRatable(Exception):
    """A record cannot be rated: unknown number, or no plan at the record's time."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(slots=True)
class RatedRecord:
    subscriber_id: int
    account_id: int
    plan_terms_id: int
    usage_price_id: int | None
    charge: charges.Charge
    bill_period: str
    correction: bool


@dataclass
class BatchOutcome:
    rated: list[RatedRecord]
    ledger: dict[tuple[int, str], list[Any]]  # (account, bill period) -> [kopecks, records, last start, correction]
    account_ids: set[int]
    charged: int


Item = tuple[SubscriberView, PlanVersion, str, datetime, int, str, bool]


class BatchRater:
    """Rates one batch: ``check`` each record first (to quarantine the unratable), then ``rate``
    them all in time order under the allowance rows' locks."""

    def __init__(self, ctx: RatingContext) -> None:
        self.ctx = ctx
        self._last: tuple[datetime, datetime, tuple[str, str, bool]] | None = None
        self.seen_periods: set[str] = set()
        self._item_periods: list[tuple[str, str, bool]] = []
        self._state: dict[tuple[int, str, tuple], tuple[int, int]] = {}
        self._buckets: dict[tuple[int, str, tuple], charges.Bucket] = {}

    def check(self, msisdn: str, moment: datetime) -> tuple[SubscriberView, PlanVersion]:
        sub = self.ctx.subscriber(msisdn)
        if sub is None:
            raise NotRatable("unknown_number")
        plan = self.ctx.plan_version(sub, moment)
        if plan is None:
            raise NotRatable("not_connected")
        return sub, plan

    def _period(self, moment: datetime) -> tuple[str, str, bool]:
        """(own period key, billed period key, correction?) of a moment, cached per month."""
        last = self._last
        if last is not None and last[0] <= moment < last[1]:
            return last[2]  # records come mostly in time order: the same month as the last one
        local = moment.astimezone(OPERATOR_TZ)
        own = period_for_key(f"{local.year:04d}-{local.month:02d}")
        bill, correction = self.ctx.bill_period(own)
        found = (own.key, bill.key, correction)
        # bounds in UTC: comparing with a fixed-offset time is much cheaper than with a ZoneInfo one
        self._last = (own.start.astimezone(UTC), own.end.astimezone(UTC), found)
        return found

    def lock(self, items: Sequence[Item]) -> None:
        """Read and lock the allowance rows of ``items`` (queries: call before a COPY starts).

        ``items``: (subscriber, plan version, kind, start, quantity, destination, outgoing)."""
        self._item_periods = item_periods = [self._period(item[3]) for item in items]
        periods = {found[0] for found in item_periods}
        self.seen_periods |= periods
        sub_ids = {item[0].id for item in items}
        # Lock this batch's allowance rows (in id order, so concurrent batches queue, never
        # deadlock) and read them as plain tuples: a batch touches thousands of them.
        rows = (
            _among(AllowanceUsage.objects.select_for_update(), "subscriber_id", sorted(sub_ids))
            .filter(period__in=periods)
            .order_by("id")
            .values_list("id", "subscriber_id", "period", "owner", "owner_id", "kind", "destinations", "used")
        )
        self._state = state = {}
        self._buckets = buckets = {}
        for pk, sid, period, owner, owner_id, kind, dests, used in rows:
            bkey = (sid, period, (owner, owner_id, kind, dests))
            state[bkey] = (pk, used)
            buckets[bkey] = charges.Bucket(bkey[2], 0, used)

    def rate(self, items: Sequence[Item], *, emit: Callable[[int, RatedRecord], None] | None = None) -> BatchOutcome:
        """Rate ``items`` (locked by ``lock`` first) in time order; no query, so the caller may
        stream each result into an open COPY through ``emit(index, rated)``. ``save`` writes the
        allowance rows afterwards."""
        item_periods, buckets = self._item_periods, self._buckets
        rated: list[RatedRecord | None] = [None] * len(items)
        ledger: dict[tuple[int, str], list[Any]] = {}
        order = sorted(range(len(items)), key=lambda i: items[i][3])
        charged = 0
        # What a record needs besides itself (its price and its allowance buckets) is the same for
        # every record of one subscriber, price version, month, kind, destination, direction and
        # set of services: found once per batch.
        found: dict[tuple[Any, ...], tuple[tuple[int, Decimal] | None, list[tuple[charges.Bucket, int]]]] = {}
        for index in order:
            sub, plan, kind, start, quantity, dest, outgoing = items[index]
            period_key, bill_key, correction = item_periods[index]
            services = tuple(sub.services_at(start)) if sub.products else ()
            lookup = (sub.id, plan.terms.id, period_key, kind, dest, outgoing, services)
            hit = found.get(lookup)
            if hit is None:
                price = plan.prices.get((kind, dest, outgoing))
                pairs: list[tuple[charges.Bucket, int]] = []
                if price is not None and price[1]:
                    for spec in self.ctx.allowances_for(sub, plan, start):
                        if not spec.covers(kind, dest):
                            continue
                        bkey = (sub.id, period_key, spec.key)
                        bucket = buckets.get(bkey)
                        if bucket is None:
                            bucket = buckets[bkey] = charges.Bucket(spec.key, spec.quantity, 0)
                        pairs.append((bucket, spec.quantity))
                hit = found[lookup] = (price, pairs)
            price, pairs = hit
            specs: list[charges.Bucket] = []
            for bucket, total in pairs:
                bucket.total = total  # the allowance in force at this record's time
                specs.append(bucket)
            result = charges.rate(
                kind=kind,
                quantity=quantity,
                terms=plan.terms,
                unit_price=price[1] if price is not None else None,
                buckets=specs,
            )
            rated[index] = record = RatedRecord(
                sub.id,
                sub.account_id,
                plan.terms.id,
                price[0] if price is not None else None,
                result,
                bill_key,
                correction,
            )
            if emit is not None:
                emit(index, record)
            if result.kopecks:
                charged += result.kopecks
                group = ledger.get((sub.account_id, bill_key))
                if group is None:
                    group = ledger[(sub.account_id, bill_key)] = [0, 0, start, correction]
                group[0] += result.kopecks
                group[1] += 1
                if start > group[2]:
                    group[2] = start
        return BatchOutcome(
            [r for r in rated if r is not None], ledger, {item[0].account_id for item in items}, charged
        )

    def save(self, *, now: datetime) -> None:
        """Write the allowance rows the batch changed: one UPDATE and one INSERT."""
        state, buckets = self._state, self._buckets
        changed: list[tuple[int, int]] = []
        new: list[tuple[Any, ...]] = []
        for bkey, bucket in buckets.items():
            row = state.get(bkey)
            if row is None:
                if bucket.used:
                    owner, owner_id, kind, dests = bucket.key
                    new.append((bkey[0], bkey[1], owner, owner_id, kind, dests, bucket.used))
            elif row[1] != bucket.used:
                changed.append((row[0], bucket.used))
        if changed:
            _update_used(changed, now=now)
        if new:
            # A concurrent batch that created the same slot makes this fail: the caller's
            # transaction rolls back whole and the batch is retried (usage.services).
            _insert_used(new, now=now)


def _update_used(rows: list[tuple[int, int]], *, now: datetime) -> None:
    """Write the new ``used`` (id, used) of locked rows in one statement (PostgreSQL) or one
    executemany. (``bulk_update`` builds a CASE per row: seconds for a few thousand rows.)"""
    table = AllowanceUsage._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS a SET used = v.used, updated_at = %s "  # noqa: S608 - our table name
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, used) WHERE a.id = v.id",
                [now, [row[0] for row in rows], [row[1] for row in rows]],
            )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"UPDATE {table} SET used = %s, updated_at = %s WHERE id = %s",  # noqa: S608 - our table name
                [(used, stamp, pk) for pk, used in rows],
            )


_INSERT_COLUMNS = ("subscriber_id", "period", "owner", "owner_id", "kind", "destinations", "used")


def _insert_used(rows: list[tuple[Any, ...]], *, now: datetime) -> None:
    """Insert new allowance rows in one statement (PostgreSQL) or one executemany."""
    table = AllowanceUsage._meta.db_table
    columns = ", ".join((*_INSERT_COLUMNS, "updated_at"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT s, p, o, oi, k, d, u, %s FROM unnest("  # noqa: S608
                "%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::bigint[]"
                ") AS v(s, p, o, oi, k, d, u)",
                [now, *([row[i] for row in rows] for i in range(len(_INSERT_COLUMNS)))],
            )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                [(*row, stamp) for row in rows],
            )


def post_charges(*, outcome: BatchOutcome, batch_id: int, now: datetime, label: str) -> None:
    """Book the batch's charges on the ledger: one debit per account and billing period, keyed
    ``usage:<batch>:<account>:<period>``, written in one statement inside the batch's transaction.

    ``billing.services.ledger_post`` books one entry per call (a savepoint and an INSERT each: a
    batch touches thousands of accounts); this writes the same rows set-wise, as the fee job
    does. The batch id is new in every transaction, so a key can only collide if the same batch
    were booked twice, and then the unique key refuses it and the batch rolls back whole."""
    from issa.billing.models import LedgerEntry

    entries = []
    for (account_id, bill_key), (kopecks, count, last_start, correction) in sorted(outcome.ledger.items()):
        bill = period_for_key(bill_key)
        if correction:
            effective = min(max(now, bill.start), bill.end - timedelta(microseconds=1))
            reason = f"Usage of a closed period, {label}"
        else:
            effective = last_start
            reason = f"Usage, {label}"
        entries.append(
            LedgerEntry(
                account_id=account_id,
                amount=-kopecks,
                kind=LedgerEntry.Kind.USAGE,
                reason=reason[:255],
                idempotency_key=f"usage:{batch_id}:{account_id}:{bill_key}",
                effective_at=effective,
                booked_at=now,
                details={"batch": batch_id, "records": count, "period": bill_key, "correction": correction},
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
