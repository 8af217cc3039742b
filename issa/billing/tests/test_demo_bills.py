"""The demo's bills loader: bills for the two previous months, e-mail delivery for the first
well-known number, idempotent on a second run."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from issa.billing.models import Bill, BillDelivery, DeliverySetting, LedgerEntry
from issa.billing.services import ledger_post
from issa.core.clock import OPERATOR_TZ
from issa.demo.loaders import bills as loader
from issa.testing.factories import subscriber_with_balance


def test_bss_5_demo_loader_bills_previous_months_once(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    now = datetime(2026, 11, 25, 10, tzinfo=OPERATOR_TZ)
    sub = subscriber_with_balance(2000, now=datetime(2026, 8, 1, tzinfo=OPERATOR_TZ), msisdn=loader.WELL_KNOWN)
    ledger_post(
        account=sub.account, amount=-990, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE, reason="fee", idempotency_key="f",
        now=datetime(2026, 10, 1, tzinfo=OPERATOR_TZ),
    )  # fmt: skip
    out = io.StringIO()
    loader.load(stdout=out, now=now)
    assert sorted(Bill.objects.values_list("period", flat=True)) == ["2026-09", "2026-10"]
    assert Bill.objects.get(period="2026-10").closing_balance == 1010
    assert DeliverySetting.objects.get().method == "email"
    assert BillDelivery.objects.count() == 2
    loader.load(stdout=io.StringIO(), now=now)
    assert Bill.objects.count() == 2
    assert BillDelivery.objects.count() == 2
    assert "2026-10: 1 bills" in out.getvalue()
