"""The demo operator's fee history (BSS-3, SVC-9): the subscription fees of every day from the start
of the first billed month (the bills loader's ``MONTHS`` before the current one) up to today,
charged by the real fee engine (``issa.billing.fees.fees_charge_days``: ``fees_charge_day``'s
charges and keys, a batch of subscribers over all the days at a time), so that the past bills show
the plans' and services' fees like a real operator's bills.

The fees would drain every balance by two to three months of fees, so each account pays them:
one *auto top-up* per account and month (``demo:topup:<account>:<yyyy-mm>:<n>``) of the month's fees
(not counting Pause credits, which are returned money and come on top), dated 00:00 of the month's
first fee day (the same instant as that fee). The engine runs without its prepaid guard
(``guard=False``); the loader runs the guard itself once the top-ups are booked, so an account's
balance is then the balance it had before this loader, and the guard blocks nobody whom the usage
of the demo month had not already put at or below zero (and sends no "blocked"/"unblocked" SMS pair).

Idempotent: the fees carry the engine's keys (``fee:…``, ``pausecredit:…``), the same keys the
running demo's hourly job (``billing.fees``, today and yesterday) uses, so it books nothing twice; a
second run of the same day tops up nothing (the month is paid). A run on a later day of the month
pays the fees of the new days with the next top-up number (``…:2``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from issa.billing import fees
from issa.billing.guard import prepaid_guard
from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core import clock
from issa.customers.models import Account

from . import bills

ORDER = 57  # after the usage (50) and home (55) loaders, before the bill run (60)
TOPUP_PREFIX = "demo:topup:"
TOPUP_REASON = "Автоплатёж: абонентская плата за {month}"


def fee_days(now: datetime) -> list[date]:
    """Every fee day from the 1st of the first billed month up to today (Europe/Minsk), in order."""
    period = clock.period_of(now)
    for _ in range(bills.MONTHS):
        period = period.previous()
    first = clock.local_date(period.start)
    today = clock.local_date(now)
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def booked_fees(days: list[date]) -> dict[tuple[int, str], dict[date, int]]:
    """Kopecks of the fees (not the Pause credits) booked for ``days``, per account and month
    (``yyyy-mm``), by fee day."""
    lo, hi = clock.start_of_local_day(days[0]), clock.start_of_local_day(days[-1] + timedelta(days=1))
    rows = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, amount__lt=0, effective_at__gte=lo, effective_at__lt=hi
    ).values_list("account_id", "effective_at", "amount")
    fees_by: dict[tuple[int, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for account_id, effective_at, amount in rows:
        day = clock.local_date(effective_at)
        fees_by[(account_id, f"{day:%Y-%m}")][day] -= amount
    return fees_by


def _paid() -> dict[tuple[str, str], tuple[int, int]]:
    """Top-ups already booked: (account number, month) -> (kopecks, how many)."""
    paid: dict[tuple[str, str], tuple[int, int]] = {}
    for key, amount in LedgerEntry.objects.filter(idempotency_key__startswith=TOPUP_PREFIX).values_list(
        "idempotency_key", "amount"
    ):
        number, month, _n = key[len(TOPUP_PREFIX) :].split(":")
        total, count = paid.get((number, month), (0, 0))
        paid[(number, month)] = (total + amount, count + 1)
    return paid


def topups_post(*, fees_by: dict[tuple[int, str], dict[date, int]], now: datetime) -> list[int]:
    """Pay each account's fees of each month that are not paid yet; return the accounts topped up."""
    accounts = Account.objects.in_bulk({account_id for account_id, _month in fees_by})
    paid = _paid()
    posted = []
    for (account_id, month), by_day in sorted(fees_by.items(), key=lambda item: (item[0][1], item[0][0])):
        account = accounts[account_id]
        already, count = paid.get((account.number, month), (0, 0))
        owed = sum(by_day.values()) - already
        if owed <= 0:
            continue
        # Dated at the first fee day the earlier top-ups do not cover.
        covered, first_day = 0, min(by_day)
        for day in sorted(by_day):
            covered += by_day[day]
            if covered > already:
                first_day = day
                break
        ledger_post(
            account=account,
            amount=owed,
            kind=LedgerEntry.Kind.PAYMENT,
            reason=TOPUP_REASON.format(month=f"{first_day:%m.%Y}"),
            idempotency_key=f"{TOPUP_PREFIX}{account.number}:{month}:{count + 1}",
            now=now,
            effective_at=clock.start_of_local_day(first_day),
            details={"source": "bank", "demo": "auto top-up", "month": month},  # as if paid through ERIP
        )
        posted.append(account_id)
    return posted


def load(*, stdout: Any, now: datetime) -> None:
    days = fee_days(now)
    runs = fees.fees_charge_days(days=days, now=now, guard=False)  # the guard once the top-ups are in
    fees_by = booked_fees(days)
    posted = topups_post(fees_by=fees_by, now=now)
    touched = set(posted)
    if any(run.booked for run in runs):
        touched |= {account_id for account_id, _month in fees_by}
    if touched:
        prepaid_guard(account_ids=touched, now=now)
    booked = sum(run.booked for run in runs)
    amount = sum(run.amount for run in runs)
    stdout.write(
        f"fee history: {days[0]:%d.%m.%Y}–{days[-1]:%d.%m.%Y} ({len(days)} days), {booked} fees and Pause credits "
        f"booked ({-amount / 100:.2f} BYN net), {len(posted)} auto top-ups"
    )
