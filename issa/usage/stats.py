"""Internet statistics (STAT-1..4): one chosen day of a subscriber's data sessions, aggregated by
service (service name, domain names, incoming and outgoing bytes).

Domains map to services through ``ServiceDomain`` (staff maintain it; a mapping covers
subdomains, the longest match wins); everything else is "Other" (STAT-2). Rows are sorted by
total traffic, largest first (STAT-3). At most ``STAT_REQUESTS_PER_DAY`` answered requests per
subscriber and Minsk day (STAT-4): the subscriber row is locked while counting, so parallel
requests cannot slip past the limit; a refused request records nothing and costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from issa.core import clock, rules
from issa.core.errors import DomainError, ErrorKind

from .detail import detail_periods
from .models import UsageRecord
from .models_stats import ServiceDomain, StatRequest

OTHER = "Other"


@dataclass
class StatRow:
    service: str
    domains: list[str] = field(default_factory=list)
    up_bytes: int = 0
    down_bytes: int = 0

    @property
    def total(self) -> int:
        return self.up_bytes + self.down_bytes


def stat_days(*, now: datetime) -> tuple[date, date]:
    """The first and last day that may be chosen: the start of the oldest of the 6 previous
    periods up to today (STAT-1)."""
    oldest = detail_periods(now=now)[-1]
    return clock.local_date(oldest.start), clock.local_date(now)


def stat_day(raw: str, *, now: datetime) -> date:
    first, last = stat_days(now=now)
    try:
        day = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise DomainError("stat_day_invalid", _("Enter a date as YYYY-MM-DD."), field="day") from None
    if not first <= day <= last:
        raise DomainError(
            "stat_day_out_of_range",
            _("Choose a day from %(first)s to %(last)s."),
            field="day",
            first=first.isoformat(),
            last=last.isoformat(),
        )
    return day


def service_for(domain: str, mapping: dict[str, str]) -> str:
    """The service of the longest mapped suffix of ``domain``; "Other" when none (STAT-2)."""
    name = domain.strip().lower().rstrip(".")
    while name:
        if name in mapping:
            return mapping[name]
        _head, _dot, name = name.partition(".")
    return OTHER


def stat_rows(*, subscriber_id: int, day: date) -> list[StatRow]:
    """The aggregation itself (no limit): one grouped query by domain, then services in memory."""
    start = clock.start_of_local_day(day)
    end = clock.start_of_local_day(day + timedelta(days=1))
    grouped = (
        UsageRecord.objects.filter(subscriber_id=subscriber_id, start_time__gte=start, start_time__lt=end, kind="data")
        .values("domain")
        .annotate(up=Sum("up_bytes"), down=Sum("down_bytes"))
        .order_by()
    )
    mapping = dict(ServiceDomain.objects.values_list("domain", "service"))
    rows: dict[str, StatRow] = {}
    for item in grouped:
        domain = (item["domain"] or "").strip().lower()
        service = service_for(domain, mapping) if domain else OTHER
        row = rows.setdefault(service, StatRow(service=service))
        if domain and domain not in row.domains:
            row.domains.append(domain)
        row.up_bytes += int(item["up"] or 0)
        row.down_bytes += int(item["down"] or 0)
    for row in rows.values():
        row.domains.sort()
    return sorted(rows.values(), key=lambda r: (-r.total, r.service == OTHER, r.service))


def stat_request(*, subscriber_id: int, raw_day: str, now: datetime) -> tuple[date, list[StatRow], int]:
    """STAT-1..4: validate the day, count the request against the daily limit, aggregate.

    Returns the day, the rows and how many requests remain today."""
    from issa.subscribers.models import Subscriber

    day = stat_day(raw_day, now=now)
    limit = int(rules.get("STAT_REQUESTS_PER_DAY"))
    today = clock.local_date(now)
    with transaction.atomic():
        Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        used = StatRequest.objects.filter(subscriber_id=subscriber_id, local_day=today).count()
        if used >= limit:
            raise DomainError(
                "stat_daily_limit",
                _("You can request internet statistics at most %(limit)s times a day. Try again tomorrow."),
                kind=ErrorKind.RATE_LIMITED,
                limit=limit,
            )
        StatRequest.objects.create(subscriber_id=subscriber_id, local_day=today, chosen_day=day, created_at=now)
    return day, stat_rows(subscriber_id=subscriber_id, day=day), limit - used - 1


def stat_remaining(*, subscriber_id: int, now: datetime) -> int:
    used = StatRequest.objects.filter(subscriber_id=subscriber_id, local_day=clock.local_date(now)).count()
    return max(0, int(rules.get("STAT_REQUESTS_PER_DAY")) - used)
