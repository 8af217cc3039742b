"""Call detail query time (BILL-3): what the detail page runs for one subscriber with 20k records in
a month, when the usage table holds 1M and then 10M records (goal: ≤ 50 ms and flat).

Data: a scratch PostgreSQL database built by the real migrations (so the partitioned table and its
index ``usage_record_sub_time`` are the real ones), four monthly partitions (2026-08..2026-11),
records in time order spread over many subscribers (about 60 a month each), loaded with COPY and
ANALYZEd. One subscriber holds 20k records in October and 20k in November, interleaved with the
others' (so its rows sit on many heap pages, as they would in production). Each size is a fresh
table (TRUNCATE, then load), so the subscriber's rows are as scattered as the size implies.

Measured (warm cache, median and p95 over 30 calls each): ``issa.usage.detail.detail_page`` (first
page, and a later page through the keyset cursor) and ``detail_totals`` for calls, outgoing, in the
previous (closed) month and the current one, as the portal calls them. One ``EXPLAIN (ANALYZE,
BUFFERS)`` of each query confirms the index is used; its plan's nodes go in the figure's note.

Run alone: ``python -m bench --output /tmp/detail.md detail_query`` (``--quick``: tiny sizes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.harness import Figure

SIZES = (1_000_000, 10_000_000)
QUICK_SIZES = (20_000, 40_000)
TARGET_RECORDS = 20_000
QUICK_TARGET_RECORDS = 1_000
MONTHS = ("2026-08", "2026-09", "2026-10", "2026-11")
TARGET_MONTHS = ("2026-10", "2026-11")
RECORDS_PER_SUBSCRIBER_MONTH = 60
TARGET_ID = 1  # the measured subscriber; the others are 2..
NOW = "2026-11-25T12:00:00+03:00"  # the current period (November) is shown up to the 24th
REPEATS = 30
LATER_PAGE = 40  # the keyset page measured besides the first (page size 50)


def run(quick: bool) -> list[Figure]:
    from bench.baselines import bench_pg_url

    sizes = QUICK_SIZES if quick else SIZES
    target = QUICK_TARGET_RECORDS if quick else TARGET_RECORDS
    env = dict(os.environ, DATABASE_URL=bench_pg_url(), DJANGO_SETTINGS_MODULE="issa.config.settings", DEBUG="0")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "bench.detail_query", str(target), *map(str, sizes)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    sys.stderr.write(done.stderr[-4000:])
    if done.returncode != 0:
        raise RuntimeError(f"detail_query child failed: {done.stderr[-3000:]}")
    results = json.loads(done.stdout.strip().splitlines()[-1])
    figures: list[Figure] = []
    small = results["runs"][0]
    for r in results["runs"]:
        n = _count(r["rows"])
        for key, m in r["measures"].items():
            note = f"p95 {m['p95']:.1f} ms over {m['samples']}; {m['rows']} rows"
            if r is not small:
                ratio = m["median"] / small["measures"][key]["median"]
                note += f"; {ratio:.2f}× of the {_count(small['rows'])} table"
            if m.get("plan"):
                note += f"; plan: {m['plan']}"
            figures.append(
                Figure(
                    "detail_query",
                    f"{m['label']}, subscriber with {_count(r['target'])} records/month, table {n} records",
                    m["median"],
                    "ms",
                    False,
                    note=note,
                )
            )
        figures.append(
            Figure(
                "detail_query", f"COPY load of {n} records (setup, not the goal)", r["load_rows_per_s"], "rows/s", True
            )
        )
    return figures


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


# --- The child: scratch database, COPY, measurements -----------------------------------------


def _load(total: int, target: int) -> float:
    """``total`` records in time order over ``MONTHS``; the target's ``target`` per month in
    ``TARGET_MONTHS`` interleaved evenly. Returns rows per second of the load."""
    from django.db import connection

    from issa.core.clock import period_for_key
    from issa.usage import storage

    storage.ensure_partitions(MONTHS)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE usage_usagerecord")
    per_month = total // len(MONTHS)
    subscribers = max(2, total // (len(MONTHS) * RECORDS_PER_SUBSCRIBER_MONTH))
    kinds = (  # kind, outgoing, destination, duration, quantity, charge
        ("voice", "t", "onnet", 95, 95, 0),
        ("voice", "t", "offnet", 130, 130, 41),
        ("voice", "f", "onnet", 60, 60, 0),
        ("sms", "t", "offnet", 0, 1, 8),
        ("data", "t", "home", 0, 5242880, 54),
        ("voice", "t", "fixed", 45, 45, 11),
        ("voice", "f", "offnet", 210, 210, 0),
    )
    rated = "2026-12-01 00:00:00+00"
    started = time.perf_counter()
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY usage_usagerecord ({', '.join(storage.COLUMNS)}) FROM STDIN") as copy,
    ):
        for key in MONTHS:
            period = period_for_key(key)
            base = period.start.timestamp()
            step = (period.end - period.start).total_seconds() / per_month
            every = per_month // target if key in TARGET_MONTHS else 0
            buf: list[str] = []
            for i in range(per_month):
                if every and i % every == 0 and i // every < target:
                    sub = TARGET_ID
                else:
                    sub = 2 + (i * 7919) % (subscribers - 1)
                kind, out, dest, duration, qty, charge = kinds[(i + sub) % len(kinds)]
                moment = datetime.fromtimestamp(base + i * step, UTC).isoformat(sep=" ")
                buf.append(
                    f"BENCH\t{key}-{i}\t{moment}\t3752{sub:08d}\t{sub}\t{sub}\t{kind}\t{out}\t{dest}\t"
                    f"37529{(i * 31) % 10_000_000:07d}\t{duration}\t{qty}\t0\t{qty if kind == 'data' else 0}\t\t\t"
                    f"\\N\t{i}\t1\t\\N\t\\N\t{qty}\t0\t{charge}\t{key}\tf\t{rated}\n"
                )
                if len(buf) >= 20_000:
                    copy.write("".join(buf))
                    written += len(buf)
                    buf = []
            copy.write("".join(buf))
            written += len(buf)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does to an insert-only partition (PostgreSQL 13+ vacuums on inserts): the
        # visibility map it sets is what lets the covering index answer the totals without the heap.
        cursor.execute("VACUUM (ANALYZE) usage_usagerecord")
    return written / seconds


def _plan_summary(node: dict[str, Any]) -> str:
    """The plan's nodes, top first, with the index each scan uses and the buffers it read."""
    parts: list[str] = []

    def walk(n: dict[str, Any]) -> None:
        label = n["Node Type"]
        if n.get("Index Name"):
            label += f" using {n['Index Name']}"
        elif n.get("Relation Name"):
            label += f" on {n['Relation Name']}"
        if n is node:
            hit, read = n.get("Shared Hit Blocks", 0), n.get("Shared Read Blocks", 0)
            label += f" (buffers hit={hit} read={read})"
        parts.append(label)
        for child in n.get("Plans", []):
            walk(child)

    walk(node)
    return " → ".join(parts[:4]) + (" …" if len(parts) > 4 else "")


def _explain(func: Any) -> str:
    """Run ``func`` once, capturing its last SQL, and EXPLAIN (ANALYZE, BUFFERS) that SQL."""
    from django.db import connection

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        func()
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    return f"{_plan_summary(top)}, {plan[0].get('Execution Time', 0):.1f} ms"


def _measure(total: int, target: int) -> dict[str, Any]:
    import statistics

    from issa.core import clock
    from issa.usage.detail import DetailQuery, detail_page, detail_totals

    now = datetime.fromisoformat(NOW)
    current = clock.period_of(now).key
    previous = clock.period_of(now).previous().key
    measures: dict[str, Any] = {}
    for period, label in ((previous, "previous month"), (current, "current month")):
        query = DetailQuery(period=period, kind="calls", direction="out")
        cursor = ""
        for _ in range(LATER_PAGE - 1):  # the cursor of page LATER_PAGE, walked once
            _rows, cursor = detail_page(subscriber_id=TARGET_ID, query=query, now=now, after=cursor)
        page = f"page {LATER_PAGE} (keyset)"
        common: dict[str, Any] = {"subscriber_id": TARGET_ID, "query": query, "now": now}
        calls: dict[str, tuple[str, Callable[[], Any]]] = {
            "first": (f"detail_page, calls out, {label}, first page", partial(detail_page, **common)),
            "later": (f"detail_page, calls out, {label}, {page}", partial(detail_page, **common, after=cursor)),
            "totals": (f"detail_totals, calls out, {label}", partial(detail_totals, **common)),
        }
        for name, (text, func) in calls.items():
            result: Any = func()  # warm-up
            rows = result.count if name == "totals" else len(result[0])
            samples = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                func()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            measures[f"{period}:{name}"] = {
                "label": text,
                "median": statistics.median(samples),
                "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
                "samples": len(samples),
                "rows": rows,
                "plan": _explain(func),
            }
            print(f"{total} {text}: {measures[f'{period}:{name}']}", file=sys.stderr, flush=True)
    return measures


def child(target: int, sizes: list[int]) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issa.config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, keepdb=False, serialized_aliases=())
    runs = []
    try:
        if connection.vendor != "postgresql":
            raise RuntimeError("detail_query needs PostgreSQL (ISSA_BENCH_PG_URL)")
        for size in sizes:
            started = time.perf_counter()
            rate = _load(size, target)
            print(f"load {size}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            runs.append({"rows": size, "target": target, "load_rows_per_s": rate, "measures": _measure(size, target)})
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)
    return {"runs": runs}


if __name__ == "__main__":
    arguments = [int(arg) for arg in sys.argv[1:]]
    print(json.dumps(child(arguments[0], arguments[1:])))
