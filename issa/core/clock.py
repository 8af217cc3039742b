"""Time: aware UTC in storage, billing periods half-open in the operator's zone.

Services take ``now`` as an argument; callers at the edge (views, tasks, commands) get it from
``clock.now()``. Tests move time with time-machine, which this module follows because it only
reads Django's ``timezone.now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

OPERATOR_TZ = ZoneInfo("Europe/Minsk")


def now() -> datetime:
    """The current aware UTC time."""
    return timezone.now()


def local(dt: datetime) -> datetime:
    """An aware datetime in the operator's zone (Europe/Minsk)."""
    if timezone.is_naive(dt):
        raise ValueError("naive datetime: ISSA only handles aware times")
    return dt.astimezone(OPERATOR_TZ)


def local_date(dt: datetime) -> date:
    return local(dt).date()


def start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OPERATOR_TZ)


@dataclass(frozen=True)
class Period:
    """A billing period ``[start, end)`` — the calendar month in Europe/Minsk."""

    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return f"{local(self.start):%Y-%m}"

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> Period:
        return period_of(self.start - timedelta(seconds=1))

    def next(self) -> Period:
        return period_of(self.end)

    @property
    def days(self) -> int:
        return (local(self.end).date() - local(self.start).date()).days


def period_of(moment: datetime) -> Period:
    """The billing month that contains ``moment``."""
    day = local(moment).date()
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(start_of_local_day(first), start_of_local_day(nxt))


def period_for_key(key: str) -> Period:
    """``2026-11`` -> that month; ValueError for anything else."""
    year, month = (int(part) for part in key.split("-"))
    return period_of(datetime(year, month, 15, 12, tzinfo=OPERATOR_TZ))
