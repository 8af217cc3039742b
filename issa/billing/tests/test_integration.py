"""INFO-2, *100# and the prepaid guard over real rated usage (the usage app's import and rating)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from issa.billing.info import balance_screen
from issa.core import clock
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.usage.tests.helpers import MIN, import_lines, line, priced_plan

NOV = datetime(2026, 10, 31, 21, 0, tzinfo=UTC)  # 1 November 00:00 in Minsk


def day(n: int, hour: int = 12) -> datetime:
    return NOV + timedelta(days=n - 1, hours=hour)


@pytest.mark.django_db
def test_info_2_remaining_minutes_follow_rated_calls_on_the_page_and_on_100(client, tmp_path):
    terms = priced_plan(valid_from=NOV - timedelta(days=400), voice_seconds=100 * MIN, sms=50, data_bytes=0)
    sub = subscriber_with_balance(10_000, plan=terms.plan, now=NOV - timedelta(days=1))
    calls = [
        line(f"r{i}", sub.msisdn, "voice", day(3 + i), 10 * MIN, destination="offnet", outgoing=True,
             other_party="375447000000")
        for i in range(3)
    ]  # fmt: skip
    with time_machine.travel(day(6), tick=False):
        import_lines(tmp_path, calls, now=clock.now(), name="calls.cdr")
        client.force_login(UserFactory(subscriber=sub))
        html = client.get(reverse("portal:info")).content.decode()
        assert 'max="100" value="70"' in html  # 30 of 100 minutes used
        assert "Осталось: 70 мин, 50 SMS" in balance_screen(subscriber=sub, now=clock.now())
        data = client.get("/api/me/info").json()
        voice = next(a for a in data["allowances"] if a["kind"] == "voice")
        assert (voice["total"], voice["used"], voice["remaining"]) == (100, 30, 70)


@pytest.mark.django_db
def test_bss_3_rated_usage_to_zero_blocks_a_prepaid_subscriber_with_an_sms(
    tmp_path, django_capture_on_commit_callbacks
):
    terms = priced_plan(valid_from=NOV - timedelta(days=400), voice_seconds=0, sms=0, data_bytes=0)
    sub = subscriber_with_balance(100, plan=terms.plan, now=NOV - timedelta(days=1))  # 1.00 BYN
    calls = [line("c1", sub.msisdn, "voice", day(3), 10 * MIN, destination="offnet", outgoing=True,
                  other_party="375447000000")]  # fmt: skip
    with time_machine.travel(day(4), tick=False), django_capture_on_commit_callbacks(execute=True):
        import_lines(tmp_path, calls, now=clock.now(), name="c.cdr")
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.BLOCKED_FUNDS
    assert "Пополните счёт" in SmsMessage.objects.get(msisdn=sub.msisdn).body
