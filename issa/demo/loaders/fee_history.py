"""The demo operator's fee history (BSS-3, SVC-9): the subscription fees of every day from the start
of the first billed month (the bills loader's ``MONTHS`` before the current one) up to today,
charged by the real fee engine (``issa.billing.fees.fees_charge_days``: ``fees_charge_day``'s
charges and keys, a batch of subscribers over all the days at a time), so that the past bills show
the plans' and services' fees like a real operator's bills.

The fees would drain every balance by two to three months of fees, so each account first pays them:
one *auto top-up* per account and month (``demo:topup:<account>:<yyyy-mm>:<n>``) of the month's fees,
dated 00:00 of the month's first fee day (the same instant as that fee, booked before it). The
amounts come from a dry run of the engine (``fees_preview``: its own rules over the same plan
periods and products), so an account's balance after this loader is the balance it had before
it (Pause credits, which are returned money, come on top). Because the top-ups are booked before any
fee, no balance ever dips below where it was, and the prepaid guard, which the engine runs after
each batch, blocks nobody whom the usage of the demo month had not already put at or below zero.

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


def planned_fees(preview: list[tuple[date, list[fees.Charge]]]) -> dict[tuple[int, str], dict[date, int]]:
    """Kopecks of fees (not credits) per account and month (``yyyy-mm``), by fee day, from a dry
    run of the fee engine (``fees.fees_preview``: the engine's own rules over the same rows)."""
    planned: dict[tuple[int, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, charges in preview:
        month = f"{day:%Y-%m}"
        for charge in charges:
            if charge.amount < 0:
                planned[(charge.account_id, month)][day] -= charge.amount
    return planned


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


def topups_post(*, preview: list[tuple[date, list[fees.Charge]]], now: datetime) -> int:
    """Pay each account's fees of each month of the preview that are not paid yet; return how many
    top-ups were booked."""
    planned = planned_fees(preview)
    accounts = Account.objects.in_bulk({account_id for account_id, _month in planned})
    paid = _paid()
    posted = 0
    for (account_id, month), by_day in sorted(planned.items(), key=lambda item: (item[0][1], item[0][0])):
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
            details={"source": "demo auto top-up", "month": month},
        )
        posted += 1
    return posted


def load(*, stdout: Any, now: datetime) -> None:
    days = fee_days(now)
    preview = list(fees.fees_preview(days=days))
    posted = topups_post(preview=preview, now=now)
    booked_keys = set(
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, effective_at__gte=clock.start_of_local_day(days[0])
        ).values_list("idempotency_key", flat=True)
    )
    missing = any(charge.key not in booked_keys for _day, charges in preview for charge in charges)
    runs = fees.fees_charge_days(days=days, now=now) if missing else []  # a second run: all booked
    booked = sum(run.booked for run in runs)
    amount = sum(run.amount for run in runs)
    stdout.write(
        f"fee history: {days[0]:%d.%m.%Y}–{days[-1]:%d.%m.%Y} ({len(days)} days), {booked} fees and Pause credits "
        f"booked ({-amount / 100:.2f} BYN net), {posted} auto top-ups"
    )
