from datetime import UTC, datetime

import pytest
import time_machine

from issa.core import clock


def test_now_follows_the_frozen_clock():
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_period_is_the_month_in_minsk_half_open():
    # 2026-02-28 21:30 UTC is already 1 March 00:30 in Minsk (UTC+3).
    period = clock.period_of(datetime(2026, 2, 28, 21, 30, tzinfo=UTC))
    assert period.key == "2026-03"
    assert period.start == datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)
    assert period.start in period
    assert period.end not in period
    assert period.days == 31
    assert period.previous().key == "2026-02"
    assert period.next().key == "2026-04"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        clock.local(datetime(2026, 1, 1))  # noqa: DTZ001


def test_period_for_key():
    assert clock.period_for_key("2026-12").next().key == "2027-01"
