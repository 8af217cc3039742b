"""Traffic of a line by day and by month (HOME-1: the home and office user's «Трафик»), read from
the rated usage records (data records only), in Europe/Minsk days and billing months.

One aggregate query over ``[start, end)`` on the (subscriber, start) index; days and months are
folded from its rows in Python, so the page costs one query whatever the window. A record counts
in the day and month of its start time (as the network reported it), also when it was rated late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from issa.core import clock

from .models import UsageRecord

GB = 1024**3
MB = 1024**2
RECEIVED = pgettext_lazy("traffic", "Received")
SENT = pgettext_lazy("traffic", "Sent")


@dataclass(frozen=True)
class Volume:
    """Bytes down (to the user) and up, with their display in GB or MB."""

    key: str  # "2026-11-05" for a day, "2026-11" for a month
    label: str
    down: int = 0
    up: int = 0

    @property
    def total(self) -> int:
        return self.down + self.up

    @property
    def total_display(self) -> str:
        return format_volume(self.total)

    @property
    def down_display(self) -> str:
        return format_volume(self.down)

    @property
    def up_display(self) -> str:
        return format_volume(self.up)


def format_volume(size: int) -> str:
    """``5368709120`` -> ``5,00 ГБ`` (GB from 1 GB, MB below; two decimals, Russian comma)."""
    if size >= GB:
        value, unit = Decimal(size) / GB, _("GB")
    else:
        value, unit = Decimal(size) / MB, _("MB")
    text = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")
    return f"{text} {unit}"


def traffic_by_day(*, subscriber_id: int, start: datetime, end: datetime) -> dict[date, tuple[int, int]]:
    """{Minsk day: (bytes down, bytes up)} of the line's data records started in ``[start, end)``."""
    rows = (
        UsageRecord.objects.filter(subscriber_id=subscriber_id, kind="data", start_time__gte=start, start_time__lt=end)
        .annotate(day=TruncDate("start_time", tzinfo=clock.OPERATOR_TZ))
        .values("day")
        .annotate(down=Sum("down_bytes"), up=Sum("up_bytes"))
        .order_by("day")
    )
    return {row["day"]: (int(row["down"] or 0), int(row["up"] or 0)) for row in rows}


@dataclass
class Traffic:
    """The months of the window (oldest first) and the days of the chosen month (first to last)."""

    months: list[Volume]
    days: list[Volume]
    month: clock.Period

    @property
    def month_total(self) -> Volume:
        return next((m for m in self.months if m.key == self.month.key), Volume(self.month.key, ""))


def traffic_of(*, subscriber_id: int, periods: list[clock.Period], month: clock.Period, now: datetime) -> Traffic:
    """Traffic of ``periods`` (billing months, any order) by month, and of ``month`` by day up to
    today. One query."""
    ordered = sorted(periods, key=lambda p: p.start)
    by_day = traffic_by_day(subscriber_id=subscriber_id, start=ordered[0].start, end=min(ordered[-1].end, now))
    months = []
    for period in ordered:
        first, last = clock.local_date(period.start), clock.local_date(period.end)
        down = sum(v[0] for d, v in by_day.items() if first <= d < last)
        up = sum(v[1] for d, v in by_day.items() if first <= d < last)
        months.append(Volume(period.key, month_label(period.key), down, up))
    days = []
    day = clock.local_date(month.start)
    last_day = min(clock.local_date(month.end), date.fromordinal(clock.local_date(now).toordinal() + 1))
    while day < last_day:
        down, up = by_day.get(day, (0, 0))
        days.append(Volume(day.isoformat(), day.strftime("%d.%m"), down, up))
        day = date.fromordinal(day.toordinal() + 1)
    return Traffic(months=months, days=days, month=month)


def month_label(key: str) -> str:
    from issa.billing.bills import period_label

    return period_label(key)


def traffic_svg(bars: list[Volume], *, label: Any, short: bool = False) -> str:
    """A stacked bar chart (down, then up) as inline SVG, like the bills' spending chart: no
    script, no inline style (CSP), colours from the bills stylesheet's classes. ``short``: days
    (labels of every few bars only) rather than months."""
    width, height, pad, legend = 480, 300, 8, 30
    if not bars:
        return ""
    top = max(bar.total for bar in bars) or 1
    slot = (width - pad) / len(bars)
    bar_width = slot * (0.7 if short else 0.6)
    base = height - 28
    chart_h = base - legend - 22
    every = max(1, len(bars) // 8) if short else 1
    out = [
        f'<svg class="bills-chart traffic-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(str(label))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, bar in enumerate(bars):
        x = pad + index * slot + (slot - bar_width) / 2
        y: float = base  # drawing coordinates
        for css, value, name in (("seg-fees", bar.down, RECEIVED), ("seg-data", bar.up, SENT)):
            if value <= 0:
                continue
            h = chart_h * value / top
            y -= h
            out.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{h:.1f}">'
                f"<title>{escape(bar.label)}: {escape(str(name))} {escape(format_volume(value))}</title></rect>"
            )
        if index % every == 0:
            text = bar.label[:2] if short else bar.label.split(" ")[0][:3]
            out.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                f'class="bills-chart-label">{escape(text)}</text>'
            )
        if not short and bar.total:
            out.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
                f'class="bills-chart-value">{escape(format_volume(bar.total))}</text>'
            )
    for index, (css, name) in enumerate((("seg-fees", RECEIVED), ("seg-data", SENT))):
        lx = pad + index * (width - pad) / 2
        out.append(f'<rect class="{css}" x="{lx:.1f}" y="4" width="14" height="14"/>')
        out.append(f'<text x="{lx + 20:.1f}" y="16" class="bills-chart-legend">{escape(str(name))}</text>')
    out.append("</svg>")
    return "".join(out)
