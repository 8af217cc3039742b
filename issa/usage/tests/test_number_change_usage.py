"""BSS-2 with SVC-6: a usage record belongs to whoever held its number at the record's time. Late
records of a number changed since are rated to the old holder (who now has another number), a
recycled number's records to its new holder only from when they got it, and a new number's
records from before the change to nobody (quarantined)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from issa.billing.selectors import account_balance
from issa.catalog.models import NumberCategory
from issa.numbering.models import NumberAssignment, PoolNumber
from issa.numbering.services import number_change_apply
from issa.subscribers.models import PlanPeriod, Subscriber
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import QuarantinedLine, UsageRecord

from .helpers import ACTOR, MIN, import_lines, line, priced_plan

pytestmark = pytest.mark.django_db

OLD, NEW = "375295550001", "375295550002"
CHANGE = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)  # A moves from OLD to NEW
B_FROM = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # B is connected with the recycled OLD
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def call(rid: str, msisdn: str, at: datetime) -> str:
    return line(rid, msisdn, "voice", at, MIN, destination="offnet")  # one minute offnet: 20 kopecks


@pytest.fixture
def holders():
    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=0, sms=0, data_bytes=0)
    a = subscriber_with_balance(10_000, plan=terms.plan, msisdn=OLD, now=datetime(2026, 11, 1, tzinfo=UTC))
    category = NumberCategory.objects.create(code="simple", name="Простой", rank=9)
    PoolNumber.objects.create(
        msisdn=NEW,
        category=category,
        state=PoolNumber.State.RESERVED,
        holder=a,
        reserved_until=CHANGE + timedelta(hours=1),
        order_ref="order:1",
        changed_at=CHANGE,
    )
    number_change_apply(subscriber=a, new_msisdn=NEW, order_ref="order:1", actor=ACTOR, now=CHANGE)
    a.refresh_from_db()
    assert a.msisdn == NEW
    # B gets the recycled OLD on a new SIM (the factory derives the ICCID from the number)
    b = subscriber_with_balance(
        10_000, plan=terms.plan, msisdn="375295550009", now=B_FROM, activated_on=date(2026, 11, 18)
    )
    Subscriber.objects.filter(pk=b.pk).update(msisdn=OLD)
    PlanPeriod.objects.filter(subscriber=b).update(valid_from=B_FROM)
    b.refresh_from_db()
    return a, b


def test_bss_2_late_records_of_a_changed_number_go_to_who_held_it_then(tmp_path, holders):
    a, b = holders
    a_before = account_balance(account_id=a.account_id)
    b_before = account_balance(account_id=b.account_id)
    lines = [
        call("r1", OLD, CHANGE - timedelta(days=5)),  # A's old number, a late record: A's
        call("r2", OLD, CHANGE - timedelta(minutes=1)),  # still A's, the last minute before the change
        call("r3", OLD, B_FROM + timedelta(days=1)),  # the recycled number, now B's
        call("r4", NEW, CHANGE + timedelta(days=1)),  # A's new number after the change
        call("r5", NEW, CHANGE - timedelta(days=3)),  # NEW before A had it: nobody's
        call("r6", OLD, CHANGE + timedelta(days=1)),  # OLD in the pool's quarantine: B not yet connected
    ]
    result = import_lines(tmp_path, lines, now=NOW)

    assert (result.lines_read, result.loaded, result.quarantined) == (6, 4, 2)
    owners = dict(UsageRecord.objects.values_list("record_id", "subscriber_id"))
    assert owners == {"r1": a.pk, "r2": a.pk, "r3": b.pk, "r4": a.pk}
    msisdns = dict(UsageRecord.objects.values_list("record_id", "msisdn"))
    assert msisdns == {"r1": OLD, "r2": OLD, "r3": OLD, "r4": NEW}  # as the network sent them
    assert account_balance(account_id=a.account_id) == a_before - 3 * 20
    assert account_balance(account_id=b.account_id) == b_before - 20
    reasons = {q.raw.split("|")[0]: q.reason for q in QuarantinedLine.objects.all()}
    assert reasons == {"r5": "unknown_number", "r6": "not_connected"}


def test_bss_2_a_number_never_changed_is_its_current_holder_s(tmp_path, holders):
    """No history rows for a number: the subscriber who has it now, as before the change rules."""
    a, _b = holders
    assert not NumberAssignment.objects.filter(msisdn="375295550003").exists()
    c = subscriber_with_balance(10_000, plan=a.plan, msisdn="375295550003", now=datetime(2026, 11, 1, tzinfo=UTC))
    result = import_lines(tmp_path, [call("c1", c.msisdn, CHANGE)], now=NOW)
    assert result.loaded == 1
    assert UsageRecord.objects.get(record_id="c1").subscriber_id == c.pk
