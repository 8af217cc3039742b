"""BSS-2/BSS-3: an import split between worker processes (``UsageFile.parts``, ADR 0006) rates
exactly what one process rates — the same records, charges, allowances, balances, duplicates and
quarantine — and accounts for every line. PostgreSQL only: the workers are forked processes
with their own connections, so the data they rate must be committed (transactional tests)."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.rating.models import AllowanceUsage
from issa.subscribers.models import Product
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import QuarantinedLine, UsageBatch, UsageFile, UsageRecord, UsageSource
from issa.usage.services import import_workers, part_of, usage_import_file

from .helpers import ACTOR, MB, MIN, line, package, priced_plan, write_file

NOV = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)
# Records are rated in time order within a chunk and chunk after chunk: which record an allowance
# covers depends on the chunks, so exact comparisons give each process one chunk of the file.
ONE_CHUNK = 10_000


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need PostgreSQL (SQLite imports in one process)")


def _subscribers(count: int, group: str = "a") -> list[Any]:
    """``count`` subscribers on one plan; two groups made alike rate alike."""
    terms = priced_plan(
        code=f"smart-{group}",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        voice_seconds=20 * MIN,
        sms=5,
        data_bytes=50 * MB,
    )
    subs = [subscriber_with_balance(50_000, plan=terms.plan, now=NOV - timedelta(days=5)) for _ in range(count)]
    pack = package(code=f"talk-{group}", valid_from=datetime(2026, 1, 1, tzinfo=UTC), quantity=10 * MIN)
    for sub in subs[::3]:  # every third one has a voice package, used before the plan's minutes
        Product.objects.create(subscriber=sub, service=pack.service, active_from=NOV - timedelta(days=3))
    return subs


def _lines(subs: list[Any], count: int, seed: int) -> list[str]:
    """Calls, SMS, data and roaming of ``subs``, a few broken lines, an unknown number and a
    record id repeated within the file."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        sub = rng.choice(subs)
        start = NOV + timedelta(seconds=rng.randrange(26 * 24 * 3600))
        kind = rng.choice(["voice", "voice", "sms", "data"])
        if kind == "voice":
            dest = rng.choice(["onnet", "offnet", "fixed", "roaming_1"])
            out.append(line(f"r{i}", sub.msisdn, "voice", start, rng.randrange(1, 900), destination=dest))
        elif kind == "sms":
            out.append(line(f"r{i}", sub.msisdn, "sms", start, 1, destination=rng.choice(["onnet", "offnet"])))
        else:
            up, down = rng.randrange(MB), rng.randrange(8 * MB)
            out.append(line(f"r{i}", sub.msisdn, "data", start, 600, destination="home", up_bytes=up, down_bytes=down))
        if i % 97 == 5:
            out.append(f"broken-{i}|{sub.msisdn}|voice|not-a-time|60|out||offnet|||0|0")
        if i % 113 == 7:
            out.append(line(f"u{i}", "375290000001", "voice", start, 60, destination="offnet"))
        if i % 89 == 3:
            out.append(out[-1])  # the same record twice in one file
    return out


def _outcome(subs: list[Any], file: UsageFile) -> dict[str, Any]:
    """Everything the import of ``file`` decided for ``subs`` (by their place in the list),
    independent of how it was batched."""
    place = {sub.pk: n for n, sub in enumerate(subs)}
    records = UsageRecord.objects.filter(file_id=file.pk).values_list(
        "record_id", "subscriber_id", "billable", "from_allowances", "charge", "line_no", "bill_period"
    )
    allowances = AllowanceUsage.objects.filter(subscriber_id__in=place).values_list(
        "subscriber_id", "period", "owner", "kind", "destinations", "used"
    )
    accounts = [sub.account_id for sub in subs]
    usage = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USAGE, account_id__in=accounts)
    return {
        "counts": (file.status, file.lines_read, file.loaded, file.duplicates, file.quarantined, file.charged),
        "records": sorted((r[0], place[r[1]], *r[2:]) for r in records),
        "allowances": sorted((place[a[0]], *a[1:]) for a in allowances),
        "balances": [account_balance(account_id=account) for account in accounts],
        "usage_total": sum(usage.values_list("amount", flat=True)),
        "quarantine": sorted(QuarantinedLine.objects.filter(file=file).values_list("line_no", "reason")),
    }


def test_bss_2_split_import_rates_exactly_what_one_process_rates(tmp_path):
    _postgres_only()
    subs, twins = _subscribers(12, "a"), _subscribers(12, "b")
    path = write_file(tmp_path / "day.cdr", _lines(subs, 3000, seed=5), source="MSC-A")
    twin_path = write_file(tmp_path / "twin.cdr", _lines(twins, 3000, seed=5), source="MSC-B")

    split = usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=ONE_CHUNK, workers=3)
    assert split.parts == 3
    parts = Counter(UsageBatch.objects.values_list("part", flat=True))
    assert sorted(parts) == [0, 1, 2]  # every worker committed batches of its own
    assert split.lines_read == split.loaded + split.duplicates + split.quarantined  # every line accounted for
    # 34 repeated lines, one of them a broken line (quarantined twice); 31 broken, 27 unknown number
    assert (split.duplicates, split.quarantined) == (33, 59)
    by_split = _outcome(subs, split)

    single = usage_import_file(twin_path, now=NOW, actor=ACTOR, chunk_lines=ONE_CHUNK, workers=1)
    assert single.parts == 1
    by_single = _outcome(twins, single)
    assert by_split == by_single
    assert by_single["usage_total"] < 0  # something was charged beyond the allowances


def test_bss_2_split_import_of_the_same_file_again_rates_nothing_twice(tmp_path):
    _postgres_only()
    subs = _subscribers(6)
    path = write_file(tmp_path / "a.cdr", _lines(subs, 800, seed=9))
    first = usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=200, workers=2)
    balances = [account_balance(account_id=sub.account_id) for sub in subs]
    records = UsageRecord.objects.count()

    again = usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=200, workers=2)
    assert again.pk != first.pk
    assert again.status == UsageFile.Status.DONE
    assert again.loaded == 0
    assert again.duplicates == first.loaded + first.duplicates
    assert UsageRecord.objects.count() == records
    assert [account_balance(account_id=sub.account_id) for sub in subs] == balances


def test_bss_2_split_import_resumed_inside_a_transaction_runs_its_parts_in_turn(tmp_path):
    """A split file whose workers died before their first commit, finished by a caller that holds
    a transaction: the parts run one after the other in that process (a worker could not see the
    caller's uncommitted rows), and the result is the single process's."""
    _postgres_only()
    subs, twins = _subscribers(6, "a"), _subscribers(6, "b")
    path = write_file(tmp_path / "b.cdr", _lines(subs, 1200, seed=11), source="MSC-A")
    twin_path = write_file(tmp_path / "twin.cdr", _lines(twins, 1200, seed=11), source="MSC-B")
    expected = _outcome(twins, usage_import_file(twin_path, now=NOW, actor=ACTOR, chunk_lines=ONE_CHUNK, workers=1))

    data = path.read_bytes()
    started = UsageFile.objects.create(
        source=UsageSource.objects.get_or_create(code="MSC-A")[0],
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        started_at=NOW,
        lines_read=data.count(b"\n") - 1,
        parts=2,
    )
    with transaction.atomic():
        finished = usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=ONE_CHUNK)
    assert finished.pk == started.pk
    assert finished.parts == 2
    assert set(UsageBatch.objects.values_list("part", flat=True)) == {0, 1}
    assert _outcome(subs, finished) == expected


def test_bss_2_import_workers_one_on_sqlite_and_inside_a_transaction(settings):
    settings.ISSA_USAGE_IMPORT_WORKERS = 3
    if connection.vendor == "postgresql":
        assert import_workers() == 3
    else:
        assert import_workers() == 1
    with transaction.atomic():
        assert import_workers() == 1


def test_bss_2_part_of_splits_by_number_stably():
    raw = line("x1", "375291234567", "voice", NOV, 60)
    assert part_of(raw, 1) == 0
    assert {part_of(raw, 2) for _ in range(3)} == {part_of(raw, 2)}  # no per-process hash seed
    assert part_of("no separator at all", 4) == 0
    plus = raw.replace("|375291234567|", "|+375291234567|")
    assert all(part_of(plus, n) == part_of(raw, n) for n in range(2, 9))  # one number, one part
    numbers = [f"37529{n:07d}" for n in range(1000)]
    shares = Counter(part_of(line("x", n, "sms", NOV, 1), 2) for n in numbers)
    assert 400 < shares[0] < 600  # an even split of numbers
