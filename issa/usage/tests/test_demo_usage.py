"""The demo's month of usage (issa/demo/loaders/usage.py): believable, rated, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest

from issa.billing.models import LedgerEntry
from issa.demo import loaders
from issa.rating.models import AllowanceUsage
from issa.usage.models import QuarantinedLine, UsageFile, UsageRecord

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_bss_2_demo_month_of_usage_is_rated_with_a_quarantine_and_loads_once(settings, tmp_path, monkeypatch):
    from issa.demo.loaders import usage as demo_usage

    settings.ISSA_USAGE_DIR = tmp_path / "usage"
    monkeypatch.setattr(demo_usage, "RECORDS", 6000)  # the same code paths, a smaller month
    out = StringIO()
    loaders.run_all(stdout=out, now=NOW, only=["catalogue", "subscribers", "usage"])
    files = UsageFile.objects.all()
    assert files.count() == 11  # 5 weeks × (MSC, GGSN) + the roaming partner's file
    assert all(f.status == "done" and f.accounted == f.lines_read for f in files)
    records = UsageRecord.objects.count()
    assert 5500 < records < 6100
    assert UsageRecord.objects.filter(destination__startswith="roaming_").exists()
    assert UsageRecord.objects.filter(kind="data").exists()
    reasons = set(QuarantinedLine.objects.values_list("reason", flat=True))
    assert reasons == {"unknown_number", "broken_field", "impossible_time"}
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USAGE).exists()
    assert AllowanceUsage.objects.filter(used__gt=0).exists()
    assert "records rated" in out.getvalue()

    loaders.run_all(stdout=StringIO(), now=NOW, only=["catalogue", "subscribers", "usage"])
    assert UsageRecord.objects.count() == records
    assert UsageFile.objects.count() == 11
