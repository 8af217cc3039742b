"""BSS-3: two imports rating the same subscriber at the same time (PostgreSQL: real concurrent
transactions) never give more than the allowance, never lose a charge."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from issa.billing.selectors import account_balance
from issa.rating.models import AllowanceUsage
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import UsageRecord
from issa.usage.tests.helpers import ACTOR, MIN, line, priced_plan, write_file

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_bss_3_concurrent_imports_share_the_allowance_exactly(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    from issa.usage.services import usage_import_file

    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=10 * MIN, sms=0, data_bytes=0)
    sub = subscriber_with_balance(10_000, plan=terms.plan, now=datetime(2026, 11, 1, tzinfo=UTC))
    paths = []
    for n, source in enumerate(("MSC1", "MSC2")):
        calls = [
            line(f"{source}-{i}", sub.msisdn, "voice", T0 + timedelta(minutes=10 * i + n), MIN, destination="offnet")
            for i in range(15)
        ]
        paths.append(write_file(tmp_path / f"{source}.cdr", calls, source=source))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(path):
        try:
            barrier.wait()
            usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=5)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # 30 one-minute offnet calls, 10 minutes free: 20 charged at 0.20 = 4.00 BYN
    assert UsageRecord.objects.count() == 30
    assert AllowanceUsage.objects.get().used == 10 * MIN
    assert sum(UsageRecord.objects.values_list("charge", flat=True)) == 400
    assert account_balance(account_id=sub.account_id) == 10_000 - 400
