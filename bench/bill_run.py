"""The monthly bill run (BSS-5): accounts per second at two sizes, cost per account, peak memory of
the run's process, and the PDF render time per bill.

Data: N accounts, one subscriber each, 30 rated usage records per account in October 2026 (voice,
SMS, data; several destinations; a few late corrections), and per account a monthly fee, a Pause
credit on some, a payment and usage ledger entries — loaded with COPY (the run only reads them; how
fast rating writes them is ``bench/usage_ingest.py``). The run is the real ``billrun_run`` on
PostgreSQL, in a fresh process so that its peak resident size (VmHWM) is its own (goal ≤ 300 MB). Goals: the 100k run
within 5 minutes; per-account cost at 100k within 1.2× of 10k; PDF median ≤ 100 ms.

Run alone: ``python -m bench bill_run`` (``--quick``: 1k and 2k accounts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import Figure

SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000, 2_000)
RECORDS_PER_ACCOUNT = 30
PERIOD = "2026-10"


def run(quick: bool) -> list[Figure]:
    from bench.baselines import bench_pg_url

    sizes = QUICK_SIZES if quick else SIZES
    env = dict(os.environ, DATABASE_URL=bench_pg_url(), DJANGO_SETTINGS_MODULE="issa.config.settings")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "bench.bill_run", *map(str, sizes)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bill_run child failed: {done.stderr[-3000:]}")
    results = json.loads(done.stdout.strip().splitlines()[-1])
    figures: list[Figure] = []
    per_account = {r["accounts"]: r["seconds"] / r["accounts"] for r in results["runs"]}
    small = min(per_account)
    for r in results["runs"]:
        n = f"{r['accounts']:,}".replace(",", " ")
        figures.append(
            Figure(
                "bill_run",
                f"bill run, {n} accounts × {RECORDS_PER_ACCOUNT} records",
                r["accounts"] / r["seconds"],
                "accounts/s",
                True,
                note=f"{r['seconds']:.1f} s in all; {r['bills']} bills, {r['failed']} failed; "
                f"{per_account[r['accounts']] * 1e6:.0f} µs per account "
                f"({per_account[r['accounts']] / per_account[small]:.2f}× of the {small} accounts run)",
            )
        )
        figures.append(
            Figure("bill_run", f"peak resident memory (VmHWM) of the run, {n} accounts", r["peak_rss_mb"], "MB", False)
        )
    figures.append(
        Figure(
            "bill_run",
            "PDF bill render (reportlab), median",
            results["pdf_ms_median"],
            "ms",
            False,
            note=f"p95 {results['pdf_ms_p95']:.1f} ms over {results['pdf_samples']} bills of the run; "
            f"Excel median {results['xlsx_ms_median']:.1f} ms",
        )
    )
    return figures


# --- The child: a scratch PostgreSQL database, data by COPY, the run in a grandchild ------------


def _setup(count: int) -> None:
    """``count`` accounts with their records and ledger entries for October 2026."""
    from datetime import date
    from decimal import Decimal

    from django.db import connection, transaction

    from issa.catalog.models import PlanTerms, TariffPlan
    from issa.core.clock import OPERATOR_TZ, period_for_key
    from issa.customers.models import Account, Client
    from issa.subscribers.models import Subscriber
    from issa.usage import storage

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE billing_bill, billing_billrun, billing_billrunfailure, billing_billdelivery, "
            "usage_usagerecord, billing_ledgerentry, rating_closedperiod, subscribers_subscriber, "
            "customers_account, customers_client CASCADE"
        )
    plan = TariffPlan.objects.get_or_create(code="bench", defaults={"name": "Bench"})[0]
    PlanTerms.objects.get_or_create(
        plan=plan, valid_from=datetime(2026, 1, 1, tzinfo=UTC), defaults={"fee": Decimal("19.90")}
    )
    period = period_for_key(PERIOD)
    storage.ensure_partitions([period.previous().key, PERIOD, period.next().key])
    with transaction.atomic():
        clients = Client.objects.bulk_create(
            (Client(kind="person", name=f"Bench {i}") for i in range(count)), batch_size=5000
        )
        accounts = Account.objects.bulk_create(
            (
                Account(number=f"B{i:09d}", client=c, payment_method="postpaid", opened_on=date(2025, 1, 1))
                for i, c in enumerate(clients)
            ),
            batch_size=5000,
        )
        subs = Subscriber.objects.bulk_create(
            (
                Subscriber(msisdn=f"3752{6000000 + i:08d}"[:12], account=a, plan=plan, activated_on=date(2025, 1, 1))
                for i, a in enumerate(accounts)
            ),
            batch_size=5000,
        )
    start = period.start
    kinds = [
        ("voice", "onnet", True, 120, 0),
        ("voice", "offnet", True, 95, 32),
        ("voice", "onnet", False, 60, 0),
        ("sms", "offnet", True, 1, 8),
        ("data", "home", True, 5 * 1024 * 1024, 54),
        ("voice", "fixed", True, 45, 11),
    ]
    now = datetime(2026, 10, 31, 22, tzinfo=UTC).isoformat()
    cols = ", ".join(storage.COLUMNS)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY usage_usagerecord ({cols}) FROM STDIN") as copy:
            for n, sub in enumerate(subs):
                usage = 0
                for r in range(RECORDS_PER_ACCOUNT):
                    kind, dest, out, qty, charge = kinds[(n + r) % len(kinds)]
                    moment = (start + timedelta(minutes=1440 * (r % 30) + (n % 1000))).isoformat()
                    usage += charge
                    copy.write_row(
                        ("BENCH", f"{n}-{r}", moment, sub.msisdn, sub.pk, sub.account_id, kind, out, dest, "",
                         qty if kind == "voice" else 0, qty, 0, qty if kind == "data" else 0, "", "", None, r, 1,
                         None, None, qty, 0, charge, PERIOD, False, now)
                    )  # fmt: skip
        with cursor.cursor.copy(
            "COPY billing_ledgerentry (account_id, subscriber_id, amount, kind, reason, idempotency_key, "
            "effective_at, booked_at, details) FROM STDIN"
        ) as copy:
            for n, sub in enumerate(subs):
                aid = sub.account_id
                usage = sum(kinds[(n + r) % len(kinds)][4] for r in range(RECORDS_PER_ACCOUNT))
                rows = [
                    (5000, "opening", f"o:{aid}", start - timedelta(days=40)),
                    (-1990, "subscription_fee", f"f:{aid}", start),
                    (-usage, "usage", f"u:{aid}", start + timedelta(days=29)),
                    (3000, "payment", f"p:{aid}", start + timedelta(days=10)),
                ]
                if n % 10 == 0:
                    rows.append((400, "subscription_fee", f"pc:{aid}", start + timedelta(days=15)))
                for amount, kind, key, when in rows:
                    details = '{"pause_credit": true}' if key.startswith("pc:") else "{}"
                    copy.write_row((aid, sub.pk, amount, kind, kind, key, when.isoformat(), when.isoformat(), details))
        cursor.execute("ANALYZE usage_usagerecord")
        cursor.execute("ANALYZE billing_ledgerentry")
    _ = OPERATOR_TZ


def _run_only() -> dict[str, Any]:
    """The grandchild: the bill run alone, so that ru_maxrss is the run's own peak."""
    import resource

    import django

    django.setup()
    from issa.billing.billrun import billrun_run
    from issa.core.clock import OPERATOR_TZ

    started = time.perf_counter()
    result = billrun_run(period_key=PERIOD, now=datetime(2026, 11, 1, 3, tzinfo=OPERATOR_TZ))
    seconds = time.perf_counter() - started
    # VmHWM (the peak resident size of this process's own memory map): ru_maxrss would not do,
    # Linux carries it over from the parent across fork and execve (it showed the parent's 350 MB).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return {"seconds": seconds, "bills": result.billed, "failed": result.failed, "peak_rss_mb": peak}


def _pdf_times(samples: int = 200) -> dict[str, Any]:
    import statistics

    from issa.billing.bills import bill_view
    from issa.billing.documents import bill_document
    from issa.billing.models import Bill

    bills = list(Bill.objects.select_related("account__client").order_by("id")[:samples])
    pdf, xlsx = [], []
    bill_document(bill_view(bills[0], bills[0].account), "pdf")  # fonts registered once per process
    for bill in bills:
        view = bill_view(bill, bill.account)
        t = time.perf_counter()
        bill_document(view, "pdf")
        pdf.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        bill_document(view, "xlsx")
        xlsx.append((time.perf_counter() - t) * 1000)
    pdf.sort()
    return {
        "pdf_ms_median": statistics.median(pdf),
        "pdf_ms_p95": pdf[int(len(pdf) * 0.95) - 1],
        "pdf_samples": len(pdf),
        "xlsx_ms_median": statistics.median(xlsx),
    }


def child(sizes: list[int]) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issa.config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, keepdb=False, serialized_aliases=())
    runs = []
    extra: dict[str, Any] = {}
    try:
        settings = connection.settings_dict
        url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        for size in sizes:
            started = time.perf_counter()
            _setup(size)
            print(f"setup {size}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            connection.close()
            done = subprocess.run(
                [sys.executable, "-m", "bench.bill_run", "--run-only"],
                env=dict(os.environ, DATABASE_URL=url, DEBUG="0"),  # a worker runs without the query log
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-3000:])
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["accounts"] = size
            runs.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
        extra = _pdf_times()
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)
    return {"runs": runs, **extra}


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["--run-only"]:
        print(json.dumps(_run_only()))
    else:
        print(json.dumps(child([int(arg) for arg in args])))
