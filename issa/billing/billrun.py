"""The monthly bill run (BSS-5): one bill per account for a closed period, exactly once.

What a bill holds (all int kopecks; docs/bills.md has worked examples):

* **The window.** A run has a *cut-off* (``BillRun.cutoff``, the moment it started). The bill of
  period P holds the account's ledger entries dated in P (``effective_at``) and booked before the
  cut-off, plus *corrections*: entries dated before P that were booked after the previous run's
  cut-off (so they were on no bill yet). An entry dated in P but booked after the cut-off lands
  on the next bill as a correction. So every entry is on exactly one bill and
  ``closing balance = opening balance + Σ window`` = the previous closing balance + …: the bills
  chain without gaps or overlaps.
* **Usage** comes from the rated records (``usage.UsageRecord``) billed in P (``bill_period``),
  grouped by kind, destination and direction; late records of a closed month were billed by
  rating into the next open month with ``correction = true`` (ADR 0007) and appear in the
  corrections section. The usage ledger entries are the money; if they and the records ever
  differ, the difference is shown as its own line so the totals stay the ledger's.
* **Fees, discounts**: subscription fees; Pause credits (positive ``subscription_fee`` entries)
  and ``discount`` entries are discounts. One-time fees and installments; adjustments.
* **Payments** (payments, promised payments and their withdrawal, refunds, transfers).
* VAT is the part included in the charges (``money.vat_included``); the amount due is the debt
  at the close, if any.

Exactly once and resumable: ``BillRun`` (unique per period) keeps a checkpoint (the last account
id done) and the counts; accounts are billed in batches in id order, each batch's bills, failures
and the new checkpoint commit together under the run's row lock, and ``Bill`` is unique per
(account, period). Killed anywhere and started again, the run continues after the last committed
batch. An account whose bill cannot be made is recorded in ``BillRunFailure`` with the reason and
the run goes on. Each batch costs a fixed number of queries (no query per account): accounts,
previous bills, opening balances, the ledger window grouped by account and kind, the usage records
grouped by account, kind, destination and direction, and the inserts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When

from issa.core import clock
from issa.core.clock import Period, period_for_key
from issa.core.money import vat_included
from issa.customers.models import Account
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import Bill, BillRun, BillRunFailure, LedgerEntry

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# How far back a late entry or record of an earlier period is looked for (the usage import refuses
# records older than USAGE_MAX_AGE_DAYS = 93 days; a month more for safety).
LOOKBACK = timedelta(days=124)

K = LedgerEntry.Kind
CHARGE_KINDS = {K.USAGE, K.SUBSCRIPTION_FEE, K.ONE_TIME_FEE, K.INSTALLMENT, K.DISCOUNT, K.ADJUSTMENT}
PAYMENT_KINDS = {K.PAYMENT, K.PROMISED, K.PROMISED_REVERSAL, K.REFUND, K.TRANSFER, K.OPENING}

# Sections of a bill, in the order they are printed.
SECTIONS = ["fees", "usage", "one_time", "discounts", "corrections", "payments"]


@dataclass
class AccountData:
    """What the batch queries found for one account."""

    account_id: int
    number: str
    opening: int = 0
    ledger: list[tuple[str, bool, bool, int, int]] = field(default_factory=list)  # kind, positive, late, sum, n
    usage: list[tuple[str, str, bool, bool, int, int, int]] = field(default_factory=list)
    # (kind, destination, outgoing, correction, charge, quantity, records)


@dataclass(frozen=True)
class Window:
    """Which ledger entries and usage records a bill (or the preview of a period) holds."""

    key: str
    start: datetime
    end: datetime  # entries dated before this (the period's end; "yesterday's end" for a preview)
    cutoff: datetime  # booked before this
    previous_cutoff: datetime | None  # the previous run's cut-off (None: there was no run)


def _line(section: str, code: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {"section": section, "code": code, "amount": amount, **extra}


def build_bill(data: AccountData, window: Window) -> dict[str, Any]:
    """The bill of one account from its aggregated rows: lines, totals. Pure; raises on bad data."""
    lines: list[dict[str, Any]] = []
    charges = 0
    payments = 0
    ledger_usage = 0
    for kind, positive, late, total, count in sorted(data.ledger):
        if kind in PAYMENT_KINDS:
            payments += total
            lines.append(_line("payments", f"payment:{kind}", -total, kind=kind, count=count))
            continue
        if kind not in CHARGE_KINDS:
            raise ValueError(f"unknown ledger kind {kind!r}")
        charges -= total
        if kind == K.USAGE:
            ledger_usage -= total
            continue  # shown from the records below
        if late:
            lines.append(_line("corrections", f"late:{kind}", -total, kind=kind, count=count))
        elif kind == K.SUBSCRIPTION_FEE and positive:
            lines.append(_line("discounts", "pause_credit", -total, kind=kind, count=count))
        elif kind == K.SUBSCRIPTION_FEE:
            lines.append(_line("fees", "subscription_fee", -total, kind=kind, count=count))
        elif kind == K.DISCOUNT:
            lines.append(_line("discounts", "discount", -total, kind=kind, count=count))
        elif kind == K.ADJUSTMENT:
            lines.append(_line("corrections", "adjustment", -total, kind=kind, count=count))
        else:
            lines.append(_line("one_time", kind, -total, kind=kind, count=count))
    records_usage = 0
    for kind, destination, outgoing, correction, charge, quantity, count in sorted(data.usage):
        records_usage += charge
        if charge == 0 and not outgoing:
            continue  # free incoming usage: in the detail (BILL-3), not on the bill
        lines.append(
            _line(
                "corrections" if correction else "usage",
                f"usage:{kind}:{destination}:{'out' if outgoing else 'in'}",
                charge,
                usage_kind=kind,
                destination=destination,
                outgoing=outgoing,
                quantity=quantity,
                count=count,
            )
        )
    if records_usage != ledger_usage:
        lines.append(_line("usage", "usage_other", ledger_usage - records_usage))
    lines = [line for line in lines if line["amount"] != 0 or line["section"] == "usage"]
    lines.sort(key=lambda line: (SECTIONS.index(line["section"]), line["code"]))
    # Merge lines of the same code (e.g. a kind that is both regular and late stays separate by code).
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for line in lines:
        key = (line["section"], line["code"])
        if key in merged:
            merged[key]["amount"] += line["amount"]
            for name in ("count", "quantity"):
                if name in line:
                    merged[key][name] = merged[key].get(name, 0) + line[name]
        else:
            merged[key] = dict(line)
    closing = data.opening - charges + payments
    return {
        "opening_balance": data.opening,
        "charges": charges,
        "vat": vat_included(charges),
        "payments": payments,
        "closing_balance": closing,
        "amount_due": max(0, -closing),
        "lines": list(merged.values()),
    }


def _ledger_rows(account_ids: list[int], window: Window, with_previous: bool) -> Iterable[Any]:
    """The window's entries grouped by account, kind, sign and lateness: one query."""
    qs = LedgerEntry.objects.filter(account_id__in=account_ids, booked_at__lt=window.cutoff)
    if with_previous and window.previous_cutoff is not None:
        qs = qs.filter(
            Q(effective_at__gte=window.start, effective_at__lt=window.end)
            | Q(
                effective_at__gte=window.start - LOOKBACK,
                effective_at__lt=window.start,
                booked_at__gte=window.previous_cutoff,
            )
        )
    else:
        qs = qs.filter(effective_at__gte=window.start, effective_at__lt=window.end)
    return (
        qs.annotate(
            positive=Case(When(amount__gt=0, then=Value(True)), default=Value(False), output_field=BooleanField()),
            late=Case(
                When(effective_at__lt=window.start, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values("account_id", "kind", "positive", "late")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list("account_id", "kind", "positive", "late", "total", "n")
        .order_by()
    )


def _usage_rows(account_ids: list[int], window: Window) -> Iterable[Any]:
    """Rated records billed in the window's period, grouped: one query (uses the subscriber/time
    index through the batch's subscribers; corrections reach back ``LOOKBACK``)."""
    from issa.subscribers.models import Subscriber
    from issa.usage.models import UsageRecord

    subscriber_ids = list(Subscriber.objects.filter(account_id__in=account_ids).values_list("id", flat=True))
    if not subscriber_ids:
        return []
    return (
        UsageRecord.objects.filter(
            subscriber_id__in=subscriber_ids,
            account_id__in=account_ids,
            start_time__gte=window.start - LOOKBACK,
            start_time__lt=window.end,
            bill_period=window.key,
        )
        .values("account_id", "kind", "destination", "outgoing", "correction")
        .annotate(charge=Sum("charge"), quantity=Sum("quantity"), n=Count("id"))
        .values_list("account_id", "kind", "destination", "outgoing", "correction", "charge", "quantity", "n")
        .order_by()
    )


def gather(accounts: list[tuple[int, str]], window: Window) -> dict[int, AccountData]:
    """Everything the bills of ``accounts`` need, in a fixed number of queries."""
    by_id = {aid: AccountData(aid, number) for aid, number in accounts}
    ids = list(by_id)
    previous_key = period_for_key(window.key).previous().key
    previous = dict(
        Bill.objects.filter(account_id__in=ids, period=previous_key).values_list("account_id", "closing_balance")
    )
    for aid, closing in previous.items():
        by_id[aid].opening = int(closing)
    fresh = [aid for aid in ids if aid not in previous]
    if fresh:
        for aid, total in (
            LedgerEntry.objects.filter(account_id__in=fresh, effective_at__lt=window.start, booked_at__lt=window.cutoff)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
            .order_by()
        ):
            by_id[aid].opening = int(total or 0)
    for group, with_previous in ((list(previous), True), (fresh, False)):
        if not group:
            continue
        for aid, kind, positive, late, total, n in _ledger_rows(group, window, with_previous):
            by_id[aid].ledger.append((kind, bool(positive), bool(late), int(total), int(n)))
    for aid, kind, destination, outgoing, correction, charge, quantity, n in _usage_rows(ids, window):
        by_id[aid].usage.append(
            (kind, destination, bool(outgoing), bool(correction), int(charge or 0), int(quantity or 0), int(n))
        )
    return by_id


def _accounts_query(period: Period) -> Any:
    return Account.objects.filter(opened_on__lt=clock.local_date(period.end))


def bill_number(period_key: str, account_number: str) -> str:
    return f"{period_key.replace('-', '')}-{account_number}"


@dataclass
class RunResult:
    run: BillRun
    batches: int = 0
    billed: int = 0
    failed: int = 0


class Interrupted(Exception):
    """Raised by a test's ``on_batch`` hook to kill the run at a chosen point."""


def billrun_start(*, period_key: str, now: datetime, actor: Actor | None = None) -> BillRun:
    """Create (or find) the run of ``period_key``: close the period for rating first, so that from
    here on late records of it are billed in the next period, then fix the cut-off."""
    from issa.rating.services import period_close

    actor = actor or Actor.system("billrun")
    period = period_for_key(period_key)
    existing = BillRun.objects.filter(period=period.key).first()
    if existing is not None:
        return existing
    period_close(key=period.key, actor=actor, now=now)
    _wait_for_rating()
    cutoff = now
    previous = BillRun.objects.filter(period=period.previous().key).values_list("cutoff", flat=True).first()
    with transaction.atomic():
        run, created = BillRun.objects.get_or_create(
            period=period.key,
            defaults={
                "cutoff": cutoff,
                "previous_cutoff": previous,
                "started_at": now,
                "updated_at": now,
                "total": _accounts_query(period).count(),
            },
        )
        if created:
            audit_record(
                actor=actor, action="billing.billrun_started", now=now, obj=run, details={"period": run.period}
            )
    return run


def _wait_for_rating() -> None:
    """Wait for usage chunks in flight: they hold their source's row lock while rating, and load
    the closed periods only after taking it; so once we have had every source's lock, no chunk can
    still bill records into the period we just closed."""
    from issa.usage.models import UsageSource

    with transaction.atomic():
        list(UsageSource.objects.select_for_update().values_list("id", flat=True))


def billrun_run(
    *,
    period_key: str,
    now: datetime,
    actor: Actor | None = None,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    on_batch: Callable[[int, list[dict[str, Any]]], None] | None = None,
) -> RunResult:
    """Bill every account of ``period_key`` (or continue a run that was stopped). Safe to call again
    and from two workers at once: batches are taken under the run's row lock."""
    actor = actor or Actor.system("billrun")
    period = period_for_key(period_key)
    if period.end > clock.period_of(now).start:
        from django.utils.translation import gettext_lazy as _

        from issa.core.errors import DomainError, ErrorKind

        raise DomainError("period_not_over", _("A period can be billed only after it ended."), kind=ErrorKind.CONFLICT)
    run = billrun_start(period_key=period.key, now=now, actor=actor)
    result = RunResult(run=run)
    window = Window(period.key, period.start, period.end, run.cutoff, run.previous_cutoff)
    while max_batches is None or result.batches < max_batches:
        began = time.perf_counter()
        with transaction.atomic():
            run = BillRun.objects.select_for_update().get(pk=run.pk)
            if run.status == BillRun.Status.DONE:
                break
            accounts = list(
                _accounts_query(period)
                .filter(id__gt=run.last_account_id)
                .order_by("id")
                .values_list("id", "number")[:batch_size]
            )
            if not accounts:
                run.status = BillRun.Status.DONE
                run.finished_at = now
                run.updated_at = now
                run.save(update_fields=["status", "finished_at", "updated_at"])
                audit_record(
                    actor=actor,
                    action="billing.billrun_done",
                    now=now,
                    obj=run,
                    details={"period": run.period, "done": run.done, "failed": run.failed},
                )
                break
            billed, failed = _bill_batch(run=run, accounts=accounts, window=window, now=now, on_batch=on_batch)
            run.last_account_id = accounts[-1][0]
            run.done += billed
            run.failed += failed
            run.batches += 1
            run.updated_at = now
            run.seconds += time.perf_counter() - began
            run.save(update_fields=["last_account_id", "done", "failed", "batches", "updated_at", "seconds"])
        result.batches += 1
        result.billed += billed
        result.failed += failed
    result.run = run
    return result


def _bill_batch(
    *,
    run: BillRun,
    accounts: list[tuple[int, str]],
    window: Window,
    now: datetime,
    on_batch: Callable[[int, list[dict[str, Any]]], None] | None,
) -> tuple[int, int]:
    already = set(
        Bill.objects.filter(period=run.period, account_id__in=[a for a, _ in accounts]).values_list(
            "account_id", flat=True
        )
    )
    todo = [(aid, number) for aid, number in accounts if aid not in already]
    data = gather(todo, window) if todo else {}
    bills: list[Bill] = []
    failures: list[BillRunFailure] = []
    for aid, number in todo:
        try:
            built = build_bill(data[aid], window)
        except Exception as exc:
            log.warning("bill run %s: account %s failed: %s", run.period, aid, exc)
            failures.append(
                BillRunFailure(run=run, account_id=aid, reason=f"{type(exc).__name__}: {exc}"[:2000], created_at=now)
            )
            continue
        bills.append(
            Bill(
                account_id=aid,
                run=run,
                period=run.period,
                number=bill_number(run.period, number),
                period_start=window.start,
                period_end=window.end,
                issued_at=now,
                **built,
            )
        )
    try:
        with transaction.atomic():
            Bill.objects.bulk_create(bills, batch_size=1000)
    except IntegrityError:
        bills = _insert_one_by_one(run=run, bills=bills, failures=failures, now=now)
    if failures:
        BillRunFailure.objects.bulk_create(failures, ignore_conflicts=True)
    if on_batch is not None:
        on_batch(run.batches + 1, [{"account_id": b.account_id, "amount_due": b.amount_due} for b in bills])
    return len(bills), len(failures)


def _insert_one_by_one(*, run: BillRun, bills: list[Bill], failures: list[BillRunFailure], now: datetime) -> list[Bill]:
    """A batch insert failed (e.g. a bill made meanwhile by hand): find the culprits one by one."""
    done: list[Bill] = []
    for bill in bills:
        try:
            with transaction.atomic():
                bill.save()
            done.append(bill)
        except IntegrityError as exc:
            if Bill.objects.filter(account_id=bill.account_id, period=run.period).exists():
                continue  # already billed: exactly once
            failures.append(BillRunFailure(run=run, account_id=bill.account_id, reason=str(exc)[:2000], created_at=now))
    return done


def preview_window(*, period: Period, now: datetime) -> Window:
    """The current period as of the previous day (BILL-1): entries dated before today's start."""
    today = clock.start_of_local_day(clock.local_date(now))
    end = min(period.end, max(period.start, today))
    previous = BillRun.objects.filter(period=period.previous().key).values_list("cutoff", flat=True).first()
    return Window(period.key, period.start, end, now, previous)


def bill_preview(*, account: Account, now: datetime) -> dict[str, Any]:
    """The unissued bill of the current period so far (as of the end of yesterday)."""
    period = clock.period_of(now)
    window = preview_window(period=period, now=now)
    data = gather([(account.pk, account.number)], window)[account.pk]
    built = build_bill(data, window)
    built.update(period=period.key, period_start=period.start, period_end=window.end, number="", issued_at=None)
    return built


def billrun_previous_month(*, now: datetime, actor: Actor | None = None) -> RunResult | None:
    """The periodic job: on the 1st–3rd, bill the month that ended (BSS-5)."""
    period = clock.period_of(now).previous()
    run = BillRun.objects.filter(period=period.key).first()
    if run is not None and run.status == BillRun.Status.DONE:
        return None
    return billrun_run(period_key=period.key, now=now, actor=actor)
