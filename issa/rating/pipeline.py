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
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Allowance, PlanTerms, ServiceTerms, UsagePrice
from issa.core.clock import OPERATOR_TZ, Period, period_for_key
from issa.core.texts import operator_text
from issa.numbering.models import NumberAssignment
from issa.subscribers.models import PlanPeriod, Product, Subscriber

from . import charges
from .models import AllowanceUsage, ClosedPeriod

_NEVER_BEFORE = datetime.min.replace(tzinfo=UTC)
_NEVER_AFTER = datetime.max.replace(tzinfo=UTC)
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


def pg_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ints or of our own code strings, for one ``%s::type[]``
    parameter. psycopg adapts a list element by element in Python (a third of a second for a
    chunk's few thousand values); one ``join`` is a few milliseconds. Strings are quoted and may
    not hold a quote or a backslash (they are numbers, period keys, codes; checked)."""
    values = list(values)
    types = set(map(type, values))
    if types <= {int}:  # ids, quantities: nothing to quote
        return "{" + ",".join(map(str, values)) + "}"
    if types == {str}:
        if '"' in "".join(values) or "\\" in "".join(values):
            raise ValueError("an array element holds a quote or a backslash")
        return '{"' + '","'.join(values) + '"}'
    texts = 0
    items = []
    for v in values:
        if isinstance(v, int):
            items.append(str(v))
        else:
            items.append(f'"{v}"')
            texts += 1
    joined = ",".join(items)
    if "\\" in joined or joined.count('"') != 2 * texts:
        raise ValueError("an array element holds a quote or a backslash")
    return "{" + joined + "}"


def _among(qs: QuerySet[Any], column: str, values: list[Any]) -> QuerySet[Any]:
    """``column IN values`` for thousands of values: one array parameter on PostgreSQL (the
    ``__in`` lookup makes a placeholder per value, slow to build and to parse)."""
    if connection.vendor == "postgresql":
        kind = "text" if column == "msisdn" else "bigint"  # the numbers, or ids
        return qs.extra(  # noqa: S610
            where=[f'"{qs.model._meta.db_table}"."{column}" = ANY(%s::{kind}[])'], params=[pg_array(values)]
        )
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
        # What ``BatchRater`` found for a lookup, kept for the catalogue's life (one import): the
        # same for every batch; only the allowance buckets are bound again per batch.
        self.lookups: dict[Any, dict[tuple[Any, ...], LookupTerms]] = {}
        self.money_memo: dict[tuple[str, Decimal], dict[int, int]] = {}
        self.plan_terms: dict[tuple[int, str, str, bool], CommonTerms] = {}

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


# (held from, held until, holder) of a number: see RatingContext.holder_at
Hold = tuple[datetime, datetime, SubscriberView]


class RatingContext:
    """What rating a batch needs, read set-wise."""

    def __init__(
        self,
        catalogue: Catalogue,
        subscribers: dict[str, SubscriberView],
        closed: set[str],
        holders: dict[str, list[Hold]] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.subscribers = subscribers  # by current number
        self.closed = closed
        self.holders = holders or {}  # by number: who held it when, from changes of number (SVC-6)

    @classmethod
    def load(cls, *, msisdns: Iterable[str], catalogue: Catalogue | None = None, history: bool = True) -> RatingContext:
        """``history``: also who held the numbers before (for records of the past); a reader of
        the current subscribers' terms does without that query."""
        numbers = sorted(set(msisdns))
        subs: dict[str, SubscriberView] = {}
        by_id: dict[int, SubscriberView] = {}
        for sid, account_id, msisdn in _among(Subscriber.objects.all(), "msisdn", numbers).values_list(
            "id", "account_id", "msisdn"
        ):
            view = SubscriberView(sid, account_id, msisdn)
            subs[msisdn] = view
            by_id[sid] = view
        # Numbers that changed hands in ISSA: a late record belongs to whoever held the number at
        # the record's time, who may since have another number (or this one may be someone else's).
        spans = (
            list(
                _among(NumberAssignment.objects.all(), "msisdn", numbers)
                .order_by("valid_from", "id")
                .values_list("msisdn", "subscriber_id", "valid_from", "valid_to")
            )
            if history
            else []
        )
        former = sorted({sid for _m, sid, _f, _t in spans} - set(by_id))
        if former:
            for sid, account_id, msisdn in _among(Subscriber.objects.all(), "id", former).values_list(
                "id", "account_id", "msisdn"
            ):
                by_id[sid] = SubscriberView(sid, account_id, msisdn)
        holders: dict[str, list[Hold]] = {}
        for msisdn, sid, valid_from, valid_to in spans:
            end = _NEVER_AFTER if valid_to is None else valid_to.astimezone(UTC)
            holders.setdefault(msisdn, []).append((valid_from.astimezone(UTC), end, by_id[sid]))
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
        return cls(catalogue or Catalogue.load(), subs, closed, holders)

    def subscriber(self, msisdn: str) -> SubscriberView | None:
        return self.subscribers.get(msisdn)

    def holder_at(self, msisdn: str, moment: datetime) -> Hold | None:
        """Who had ``msisdn`` at ``moment`` (UTC), with the interval ``[from, until)`` the answer
        holds for; None if nobody did. A number with a history of changes (SVC-6) belongs to the
        holder whose span contains the moment; outside every span, to its current holder — unless
        that holder's own span of it starts later (they got it by a change: before, it was not
        theirs). A number never changed in ISSA belongs to its current holder (the plan periods
        then say since when)."""
        current = self.subscribers.get(msisdn)
        spans = self.holders.get(msisdn)
        if not spans:
            return None if current is None else (_NEVER_BEFORE, _NEVER_AFTER, current)
        low, high = _NEVER_BEFORE, _NEVER_AFTER
        for start, end, view in spans:
            if start <= moment < end:
                return start, end, view
            if end <= moment:
                low = max(low, end)
            else:
                high = min(high, start)
        if current is None or any(view is current for _s, _e, view in spans):
            return None
        return low, high, current

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
    account_ids: set[int]  # the accounts charged (for the prepaid guard)
    charged: int


# (subscriber, price version, kind, start, quantity, destination, outgoing, period from ``check``)
Item = tuple[SubscriberView, PlanVersion, str, datetime, int, str, bool, tuple[str, str, bool]]
Checked = tuple[SubscriberView, PlanVersion, tuple[str, str, bool]]
# emit(index, meta, billable, covered, kopecks): see BatchRater.rate
Emit = Callable[[int, tuple, int, int, int], None]
# what a lookup's terms share across subscribers: (price row, unit step, [(slot, total)], money memo)
CommonTerms = tuple[tuple[int, Decimal] | None, int, list[tuple[tuple, int]], dict[int, int]]
# (unit step, unit price, [(bucket key, slot key, total)], meta, money memo, described meta)
LookupTerms = tuple[int, Decimal | None, list[tuple[tuple[int, str, tuple], tuple, int]], tuple, dict, Any]
# the same with the batch's buckets: [(bucket, total)]
Hit = tuple[int, Decimal | None, list[tuple[charges.Bucket, int]], tuple, dict, Any]
# write(indexes, metas, billables, covered, kopecks): see BatchRater.rate_slices
SliceWriter = Callable[[list[int], list[Any], list[int], list[int], list[int]], None]


class BatchRater:
    """Rates one batch: ``check`` each record first (to quarantine the unratable), then ``rate``
    them all in time order under the allowance rows' locks."""

    def __init__(self, ctx: RatingContext) -> None:
        self.ctx = ctx
        self._last: tuple[datetime, datetime, tuple[str, str, bool]] | None = None
        self.seen_periods: set[str] = set()
        self._state: dict[tuple[int, str, tuple], tuple[int, int]] = {}
        self._buckets: dict[tuple[int, str, tuple], charges.Bucket] = {}
        # per number: (from, until, answer) — ``check``'s cache; callers may look here first
        self.checked: dict[str, tuple[datetime, datetime, Checked]] = {}
        self._bounds: dict[int, list[datetime]] = {}

    def check(self, msisdn: str, moment: datetime) -> Checked:
        """The subscriber, price version and (own period, billed period, correction?) of a
        record, or ``NotRatable``. The answer is the same between two consecutive boundaries of
        the subscriber's plan periods, of those plans' price versions and of the months, so it
        is kept per number with the interval it holds for: most records of a batch are answered
        by two comparisons."""
        known = self.checked.get(msisdn)
        if known is not None and known[0] <= moment < known[1]:
            return known[2]
        held = self.ctx.holder_at(msisdn, moment)
        if held is None:
            raise NotRatable("unknown_number")
        held_from, held_until, sub = held
        plan = self.ctx.plan_version(sub, moment)
        if plan is None:
            raise NotRatable("not_connected")
        period = self._period(moment)
        bounds = self._bounds.get(sub.id)
        if bounds is None:
            bounds = self._bounds[sub.id] = self._boundaries(sub)
        at = bisect_right(bounds, moment)
        month_start, month_end = self._last[0], self._last[1]  # type: ignore[index]  # set by _period
        if 0 < at < len(bounds):
            low = max(bounds[at - 1], month_start, held_from)
            high = min(bounds[at], month_end, held_until)
            self.checked[msisdn] = (low, high, (sub, plan, period))
        return sub, plan, period

    def _boundaries(self, sub: SubscriberView) -> list[datetime]:
        """Sorted instants where ``plan_version(sub, ·)`` may change, between -inf and +inf."""
        instants = {_NEVER_BEFORE, _NEVER_AFTER}
        for start, end, plan_id in sub.plans:
            instants.add(start)
            if end is not None:
                instants.add(end)
            instants.update(self.ctx.catalogue.plan_starts.get(plan_id, ()))
        # in UTC, as the parsed starts are: comparing datetimes of one tzinfo is the cheap case
        return sorted({instant.astimezone(UTC) for instant in instants})

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

        ``items``: (subscriber, plan version, kind, start, quantity, destination, outgoing,
        period) with what ``check`` returned."""
        periods = {item[7][0] for item in items}
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

    def rate(self, items: Sequence[Item], *, emit: Emit | None = None) -> BatchOutcome:
        """Rate ``items`` (locked by ``lock`` first) in time order; no query. With ``emit``, each
        result goes to ``emit(index, meta, billable, covered, kopecks)``, where ``meta`` is
        (subscriber id, account id, terms id, price id or None, bill period key, correction?);
        without it the outcome lists a ``RatedRecord`` per item. ``save`` writes the allowance
        rows afterwards. (``rate_slices`` is the same rating, results given a slice at a time.)"""
        rated: list[RatedRecord | None] = [None] * len(items) if emit is None else []
        Charge = charges.Charge

        def write(
            indexes: list[int], metas: list[Any], billables: list[int], covered: list[int], kopecks: list[int]
        ) -> None:
            if emit is not None:
                for result in zip(indexes, metas, billables, covered, kopecks, strict=True):
                    emit(*result)
                return
            for index, meta, billable, cover, money in zip(indexes, metas, billables, covered, kopecks, strict=True):
                rated[index] = RatedRecord(
                    meta[0],
                    meta[1],
                    meta[2],
                    meta[3],
                    Charge(billable, cover, billable - cover, money, ()),
                    meta[4],
                    meta[5],
                )

        outcome = self.rate_slices(items, write=write)
        if emit is None:
            outcome.rated = [r for r in rated if r is not None]
        return outcome

    def rate_slices(
        self,
        items: Sequence[Item],
        *,
        write: SliceWriter,
        describe: Callable[[tuple], Any] | None = None,
        every: int = 4096,
    ) -> BatchOutcome:
        """Rate ``items`` (locked by ``lock`` first) in time order, no query, and hand the results
        over every ``every`` records as parallel lists: ``write(indexes, metas, billables,
        covered, kopecks)`` (indexes into ``items``, in rating order). ``meta`` is (subscriber id,
        account id, terms id, price id or None, bill period key, correction?), or what
        ``describe(meta)`` makes of it — computed once per lookup below, so the import formats
        its COPY text for the lookup once. The import streams each slice into an open COPY while
        it rates the next one.

        The arithmetic is ``charges.rate``'s, inlined (a function call and two objects per record
        were a third of the rating time): the same units, the same allowance order and the same
        money, computed by ``charges.money_for`` once per distinct (price, charged units) of the
        batch — ``to_kopecks`` stays the one rounding function (test_rating_fast_path_equals_charges_rate)."""
        ledger: dict[tuple[int, str], list[Any]] = {}
        starts = [item[3] for item in items]
        order = sorted(range(len(items)), key=starts.__getitem__)
        charged = 0
        # What a record needs besides itself (its price, unit step and allowance buckets) is the
        # same for every record of one subscriber, price version, month, kind, destination,
        # direction and set of services: found once per batch.
        found: dict[tuple[Any, ...], Hit] = {}
        shared = self.ctx.catalogue.lookups.setdefault(describe, {})
        service_version = self.ctx.catalogue.service_version
        shared_get = shared.get
        money_for = charges.money_for
        found_get = found.get
        ledger_get = ledger.get
        for offset in range(0, len(order), every):
            indexes = order[offset : offset + every]
            metas: list[Any] = []
            billables: list[int] = []
            covereds: list[int] = []
            moneys: list[int] = []
            add_meta, add_billable, add_covered, add_money = (
                metas.append,
                billables.append,
                covereds.append,
                moneys.append,
            )
            for index in indexes:
                sub, plan, kind, start, quantity, dest, outgoing, period = items[index]
                # the services' versions in force, not only their ids: a package's allowance
                # changed mid-month applies from its date even within one batch
                services = (
                    tuple((sid, id(service_version(sid, start))) for sid in sub.services_at(start))
                    if sub.products
                    else ()
                )
                lookup = (sub.id, plan.terms.id, period[0], kind, dest, outgoing, services)
                hit = found_get(lookup)
                if hit is None:  # once per batch; the terms once per import (the catalogue's life)
                    whole = (*lookup, sub.account_id, period)
                    base = shared_get(whole)
                    if base is None:
                        base = shared[whole] = self._lookup(sub, plan, kind, start, dest, outgoing, period, describe)
                    hit = found[lookup] = self._bind(base)
                step, unit_price, pairs, meta, money, described = hit
                if quantity <= 0:
                    billable = 0
                elif step == 1:
                    billable = quantity
                else:
                    billable = -(-quantity // step) * step
                if not unit_price:  # free: no allowance consumed
                    covered = kopecks = 0
                else:
                    left = billable
                    for bucket, total in pairs:  # ``total``: the allowance in force at this record's time
                        if left <= 0:
                            break
                        remaining = total - bucket.used
                        if remaining > 0:
                            take = remaining if remaining < left else left
                            bucket.used += take
                            left -= take
                    covered = billable - left
                    if left > 0:
                        known = money.get(left)
                        if known is None:
                            known = money[left] = money_for(kind=kind, units=left, unit_price=unit_price)
                        kopecks = known
                    else:
                        kopecks = 0
                    if kopecks:
                        charged += kopecks
                        group = ledger_get((meta[1], meta[4]))
                        if group is None:
                            group = ledger[(meta[1], meta[4])] = [0, 0, start, meta[5]]
                        group[0] += kopecks
                        group[1] += 1
                        if start > group[2]:
                            group[2] = start
                add_meta(described)
                add_billable(billable)
                add_covered(covered)
                add_money(kopecks)
            write(indexes, metas, billables, covereds, moneys)
        return BatchOutcome(
            [],
            ledger,
            # Only a debit can take a balance to or below zero: the prepaid guard needs to look at
            # the accounts this batch charged, not at every account it rated (thousands, mostly free).
            {account_id for account_id, _ in ledger},
            charged,
        )

    def _lookup(
        self,
        sub: SubscriberView,
        plan: PlanVersion,
        kind: str,
        start: datetime,
        dest: str,
        outgoing: bool,
        period: tuple[str, str, bool],
        describe: Callable[[tuple], Any] | None,
    ) -> LookupTerms:
        """What one lookup of ``rate_slices`` needs, the same in every batch: (unit step, unit
        price, [(bucket key, slot, total)] in consumption order, meta, money memo, described meta)."""
        terms = plan.terms
        common: CommonTerms | None
        if sub.products:  # the services' allowances go first: this subscriber's own terms
            common = self._common(plan, kind, dest, outgoing, self.ctx.allowances_for(sub, plan, start))
        else:  # the plan's alone: the same for every subscriber of this price version
            pkey = (id(plan), kind, dest, outgoing)  # price versions live as long as the catalogue
            cache = self.ctx.catalogue.plan_terms
            common = cache.get(pkey)
            if common is None:
                common = cache[pkey] = self._common(plan, kind, dest, outgoing, plan.allowances)
        price, step, specs, money = common
        slots = [((sub.id, period[0], key), key, total) for key, total in specs]
        meta = (sub.id, sub.account_id, terms.id, price[0] if price is not None else None, period[1], period[2])
        return step, price[1] if price is not None else None, slots, meta, money, describe(meta) if describe else meta

    def _common(
        self, plan: PlanVersion, kind: str, dest: str, outgoing: bool, allowances: list[AllowanceSpec]
    ) -> CommonTerms:
        """(price row, unit step, [(slot, total)] in consumption order, money memo) of a lookup."""
        price = plan.prices.get((kind, dest, outgoing))
        specs: list[tuple[tuple, int]] = []
        if price is not None and price[1]:
            specs = [(spec.key, spec.quantity) for spec in allowances if spec.covers(kind, dest)]
            # Two allowances of one slot (same owner, kind and destinations) share a bucket, which
            # holds one total: the last one's, as when ``charges.rate`` is given the buckets.
            last = dict(specs)
            specs = [(key, last[key]) for key, _ in specs]
        step = charges.billable_units(kind=kind, quantity=1, terms=plan.terms)  # 1 unit rounds up to one step
        unit_price = price[1] if price is not None else None
        memo = self.ctx.catalogue.money_memo
        money = memo.setdefault((kind, unit_price), {}) if unit_price else {}
        return price, step, specs, money

    def _bind(self, base: LookupTerms) -> Hit:
        """A lookup's terms with this batch's buckets (made for slots not stored yet)."""
        step, unit_price, slots, meta, money, described = base
        buckets = self._buckets
        pairs = []
        for bkey, key, total in slots:
            bucket = buckets.get(bkey)
            if bucket is None:
                bucket = buckets[bkey] = charges.Bucket(key, total, 0)
            pairs.append((bucket, total))
        return step, unit_price, pairs, meta, money, described

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
                [now, pg_array(row[0] for row in rows), pg_array(row[1] for row in rows)],
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
                [now, *(pg_array(row[i] for row in rows) for i in range(len(_INSERT_COLUMNS)))],
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
            reason = operator_text(_("Usage of a closed period, %(label)s"), label=label)
        else:
            effective = last_start
            reason = operator_text(_("Usage, %(label)s"), label=label)
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
