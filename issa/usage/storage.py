"""The usage table's storage, per database vendor (ADR 0006).

PostgreSQL: a table partitioned by month of ``start_time`` (Europe/Minsk months, the billing
periods), unique on (source, start_time, record_id), loaded with ``COPY``. SQLite: a plain table
with the same columns and unique index, loaded with ``executemany``. Callers see one interface:
``ensure_partitions``, ``existing_keys`` and ``write_records``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import Any

from django.db import connection

from issa.core.clock import Period, period_for_key

TABLE = "usage_usagerecord"
COLUMNS = (
    "source",
    "record_id",
    "start_time",
    "msisdn",
    "subscriber_id",
    "account_id",
    "kind",
    "outgoing",
    "destination",
    "other_party",
    "duration",
    "quantity",
    "up_bytes",
    "down_bytes",
    "service",
    "domain",
    "file_id",
    "line_no",
    "batch_id",
    "plan_terms_id",
    "usage_price_id",
    "billable",
    "from_allowances",
    "charge",
    "bill_period",
    "correction",
    "rated_at",
)

_START = COLUMNS.index("start_time")
_RATED = COLUMNS.index("rated_at")
assert len(COLUMNS) - 1 == _RATED  # noqa: S101 - the SQLite path relies on it


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def partition_name(period: Period) -> str:
    return f"{TABLE}_p{period.key.replace('-', '_')}"


def existing_partitions() -> set[str]:
    if not is_postgres():
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        return {row[0] for row in cursor.fetchall()}


def ensure_partitions(period_keys: Iterable[str]) -> list[str]:
    """Create the monthly partitions that are missing (PostgreSQL; nothing on SQLite).

    Returns the names created. The partition job creates months ahead, so an import rarely
    needs to; when it does (a record of a month never seen), it creates it before loading."""
    if not is_postgres():
        return []
    wanted = {partition_name(period_for_key(key)): key for key in period_keys}
    known = existing_partitions()  # one cheap catalogue query per batch; no cache to go stale
    created = []
    with connection.cursor() as cursor:
        for name, key in sorted(wanted.items()):
            if name in known:
                continue
            period = period_for_key(key)
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [period.start, period.end],
            )
            created.append(name)
    return created


_start_of = itemgetter(1)


def existing_keys(
    *, source: str, keys: Collection[tuple[str, datetime]], between: tuple[datetime, datetime] | None = None
) -> set[tuple[str, datetime]]:
    """Which of ``keys`` (record id, start time) of ``source`` are already stored.

    One query per 5000 keys, bounded by the keys' time range so that PostgreSQL prunes to the
    partitions concerned."""
    from .models import UsageRecord

    found: set[tuple[str, datetime]] = set()
    if not keys:
        return found
    wanted = keys if isinstance(keys, set | frozenset) else set(keys)
    if is_postgres():
        if between is not None:  # the caller knows the keys' earliest and latest start
            lowest, highest = between
        else:
            lowest, highest = min(wanted, key=_start_of)[1], max(wanted, key=_start_of)[1]
        # First the cheap question: what does the source have in the batch's time range? With the
        # key (source, start_time, record_id) it is a range scan of the index, and for new
        # records (the usual case) it finds nothing. Only when the range is crowded (a late file
        # spread over weeks of a busy source) are the ids sent, as one array parameter.
        limit = 2 * len(wanted) + 1000
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT record_id, start_time FROM {TABLE} WHERE source = %s "  # noqa: S608
                "AND start_time >= %s AND start_time <= %s LIMIT %s",
                [source, lowest, highest, limit],
            )
            rows = cursor.fetchall()
            if len(rows) < limit:
                return {key for key in rows if key in wanted}
            cursor.execute(
                f"SELECT record_id, start_time FROM {TABLE} WHERE source = %s AND record_id = ANY(%s) "  # noqa: S608
                "AND start_time >= %s AND start_time <= %s",
                [source, [rid for rid, _ in wanted], lowest, highest],
            )
            found.update(key for key in cursor.fetchall() if key in wanted)
        return found
    ordered = sorted(wanted, key=_start_of)
    for offset in range(0, len(ordered), 5000):
        chunk = ordered[offset : offset + 5000]
        rows = UsageRecord.objects.filter(
            source=source,
            record_id__in=[rid for rid, _ in chunk],
            start_time__gte=chunk[0][1],
            start_time__lte=chunk[-1][1],
        ).values_list("record_id", "start_time")
        found.update(key for key in rows if key in wanted)
    return found


# The column order of the streamed COPY text: the record's own fields, then what depends only on
# its rating lookup (formatted once per lookup), the charge, and the batch's constants.
COPY_TEXT_COLUMNS = (
    "record_id",
    "start_time",
    "msisdn",
    "kind",
    "outgoing",
    "destination",
    "other_party",
    "duration",
    "quantity",
    "up_bytes",
    "down_bytes",
    "service",
    "domain",
    "line_no",
    "subscriber_id",
    "account_id",
    "plan_terms_id",
    "usage_price_id",
    "bill_period",
    "correction",
    "billable",
    "from_allowances",
    "charge",
    "source",
    "file_id",
    "batch_id",
    "rated_at",
)
assert sorted(COPY_TEXT_COLUMNS) == sorted(COLUMNS)  # noqa: S101


# The first key of the usage import's advisory locks (pg_advisory_xact_lock(int, int)): "ISSA".
USAGE_LOCK_CLASS = 0x49535341


def lock_part(source_id: int, part: int) -> None:
    """PostgreSQL: one writer per usage source and part of a split import, until the end of the
    transaction (an advisory lock: the parts of one source run side by side)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [USAGE_LOCK_CLASS, (source_id * 64 + part) % (1 << 31)]
            )


def defer_flush() -> None:
    """PostgreSQL: the current transaction (one chunk of an import) commits without waiting for
    its WAL to reach the disk (``synchronous_commit = off``, for this transaction only). A crash
    of the server may lose the last chunks' commits, never a part of one: records, ledger,
    allowances and the file's checkpoint go together, and the import resumes from the last
    checkpoint that survived. The import's last transaction (the file marked done) commits
    normally, which flushes everything before it: a file is durable once its import returns."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


_BOOL_TEXT = {True: "t", False: "f"}
_TAB = "\t"


def own_copy_texts(columns: Sequence[Sequence[Any]], line_nos: Sequence[int]) -> list[str]:
    """The first 14 ``COPY_TEXT_COLUMNS`` of each record, as COPY text: ``columns`` are the
    parsed records' fields (``usage.format.Parsed`` order) as columns, ``line_nos`` their line
    numbers. Built by C-level ``map``/``zip``/``join``, no Python step per record."""
    rids, msisdns, kinds, _starts, durations, quantities, outgoings, others, dests, services, domains, ups, downs = (
        columns[:13]
    )
    start_texts = columns[13]
    return list(
        map(
            _TAB.join,
            zip(
                rids,
                start_texts,
                msisdns,
                kinds,
                map(_BOOL_TEXT.__getitem__, outgoings),
                dests,
                others,
                map(str, durations),
                map(str, quantities),
                map(str, ups),
                map(str, downs),
                services,
                domains,
                map(str, line_nos),
                strict=True,
            ),
        )
    )


def lookup_copy_text(meta: tuple[Any, ...]) -> str:
    """The six ``COPY_TEXT_COLUMNS`` after ``line_no``, from the rating's ``meta`` (subscriber id,
    account id, terms id, price id or None, bill period key, correction?)."""
    price = "\\N" if meta[3] is None else meta[3]
    return f"{meta[0]}\t{meta[1]}\t{meta[2]}\t{price}\t{meta[4]}\t{_BOOL_TEXT[bool(meta[5])]}"


def copy_rows(
    owns: Iterable[str],
    lookups: Iterable[str],
    billables: Iterable[int],
    covered: Iterable[int],
    kopecks: Iterable[int],
    batch: tuple[str, str, str, str],
) -> str:
    """Whole COPY text rows: ``own_copy_texts``, ``lookup_copy_text``, the charge (billable units,
    from allowances, kopecks) and the batch's (source, file id, batch id, rated at)."""
    end = _TAB.join(batch) + "\n"
    return "".join(
        map(_TAB.join, zip(owns, lookups, map(str, billables), map(str, covered), map(str, kopecks), repeat(end)))
    )


@contextmanager
def copy_text() -> Iterator[tuple[list[str], Callable[[], None]]]:
    """PostgreSQL: an open ``COPY`` into the usage table; the block gets ``(buffer, flush)``: it
    appends rows in COPY's text format (``COPY_TEXT_COLUMNS`` order, tab-separated, each ending
    in a newline) to ``buffer`` and calls ``flush()`` now and then (every few thousand rows); the
    rest is flushed at the end. The pipeline builds rows from the file's own field text, which
    the format guarantees holds no tab, newline or backslash. Blocks are sent by a writer thread
    (psycopg's ``QueuedLibpqWriter``), so the server loads while Python rates the next records."""
    from psycopg.copy import QueuedLibpqWriter

    buffer: list[str] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = f"COPY {TABLE} ({', '.join(COPY_TEXT_COLUMNS)}) FROM STDIN"
        with raw.copy(query, writer=QueuedLibpqWriter(raw)) as copy:

            def flush() -> None:
                if buffer:
                    copy.write("".join(buffer))
                    buffer.clear()

            yield buffer, flush
            flush()


def write_records(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rated records: ``COPY`` on PostgreSQL, ``executemany`` elsewhere. No ORM objects."""
    if not rows:
        return
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if is_postgres():
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Datetimes as the ORM stores them (UTC text on SQLite), so that lookups match.
            adapt = connection.ops.adapt_datetimefield_value
            stamped = [
                (*row[:_START], adapt(row[_START]), *row[_START + 1 : _RATED], adapt(row[_RATED])) for row in rows
            ]
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", stamped)  # noqa: S608
