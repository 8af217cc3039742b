"""Call and SMS detail (BILL-3): a subscriber's own rated records of one period, one kind and one
direction, with a number filter, totals and pages.

The query always starts with ``subscriber_id`` and a ``start_time`` range, so it walks the index
``usage_record_sub_time`` (and, on PostgreSQL, one monthly partition); pages use a keyset on
``(start_time, record_id)`` and never an OFFSET that grows with the page number. Periods are the
current one and the previous ``BILL_HISTORY_MONTHS``; the current one is shown as of the end of the
previous day (as the bills are). Access rules (the step-up, BILL-4 window) live in the callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from issa.core import clock, rules
from issa.core.errors import DomainError
from issa.core.money import format_byn

from .models import UsageRecord

KINDS: dict[str, tuple[str, ...]] = {"calls": ("voice",), "sms": ("sms", "mms")}
KIND_LABELS: dict[str, Any] = {"calls": _("Calls"), "sms": _("SMS")}
DIRECTIONS: dict[str, bool] = {"out": True, "in": False}
DIRECTION_LABELS: dict[str, Any] = {"out": _("Outgoing"), "in": _("Incoming")}
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def detail_periods(*, now: datetime) -> list[clock.Period]:
    """The current period first, then the previous ``BILL_HISTORY_MONTHS`` (BILL-3, STAT-1)."""
    period = clock.period_of(now)
    periods = [period]
    for _i in range(int(rules.get("BILL_HISTORY_MONTHS"))):
        period = period.previous()
        periods.append(period)
    return periods


@dataclass(frozen=True)
class DetailQuery:
    period: str
    kind: str
    direction: str
    number: str = ""

    def params(self) -> dict[str, str]:
        out = {"period": self.period, "kind": self.kind, "direction": self.direction}
        if self.number:
            out["number"] = self.number
        return out


def _invalid(field: str) -> DomainError:
    return DomainError("detail_invalid", _("Choose a period, a kind and a direction from the list."), field=field)


def detail_query(data: Any, *, now: datetime) -> DetailQuery:
    """Validate the choice (a dict-like of strings); anything outside the lists is refused."""
    period = str(data.get("period") or "")
    kind = str(data.get("kind") or "")
    direction = str(data.get("direction") or "")
    number = "".join(ch for ch in str(data.get("number") or "") if ch.isdigit())[:32]
    if period not in {p.key for p in detail_periods(now=now)}:
        raise _invalid("period")
    if kind not in KINDS:
        raise _invalid("kind")
    if direction not in DIRECTIONS:
        raise _invalid("direction")
    return DetailQuery(period=period, kind=kind, direction=direction, number=number)


def detail_range(query: DetailQuery, *, now: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` of the period; the current one ends at the start of today (Minsk)."""
    period = clock.period_for_key(query.period)
    today = clock.start_of_local_day(clock.local_date(now))
    return period.start, min(period.end, today)


def detail_records(*, subscriber_id: int, query: DetailQuery, now: datetime) -> QuerySet[UsageRecord]:
    start, end = detail_range(query, now=now)
    qs = UsageRecord.objects.filter(
        subscriber_id=subscriber_id,
        start_time__gte=start,
        start_time__lt=end,
        kind__in=KINDS[query.kind],
        outgoing=DIRECTIONS[query.direction],
    )
    if query.number:
        qs = qs.filter(other_party__contains=query.number)
    return qs


@dataclass(frozen=True)
class DetailTotals:
    count: int
    duration: int  # seconds (calls)
    pieces: int  # SMS/MMS pieces
    charge: int  # kopecks

    @property
    def charge_display(self) -> str:
        return format_byn(self.charge)

    @property
    def duration_display(self) -> str:
        return format_duration(self.duration)


def detail_totals(*, subscriber_id: int, query: DetailQuery, now: datetime) -> DetailTotals:
    agg = detail_records(subscriber_id=subscriber_id, query=query, now=now).aggregate(
        n=Count("record_id"),
        duration=Sum("duration"),
        pieces=Sum("quantity", filter=Q(kind__in=("sms", "mms"))),
        charge=Sum("charge"),
    )
    return DetailTotals(
        count=int(agg["n"] or 0),
        duration=int(agg["duration"] or 0),
        pieces=int(agg["pieces"] or 0),
        charge=int(agg["charge"] or 0),
    )


def format_duration(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class DetailRow:
    start_time: datetime
    record_id: str
    kind: str
    other_party: str
    destination: str
    duration: int
    quantity: int
    charge: int

    @property
    def local_start(self) -> datetime:
        return clock.local(self.start_time)

    @property
    def charge_display(self) -> str:
        return format_byn(self.charge)

    @property
    def amount_display(self) -> str:
        return format_duration(self.duration) if self.kind == "voice" else str(self.quantity)


FIELDS = ("start_time", "record_id", "kind", "other_party", "destination", "duration", "quantity", "charge")


def _cursor_decode(cursor: str) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    stamp, _sep, rid = cursor.partition("~")
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        raise DomainError("detail_invalid", _("The page link is broken. Start again."), field="after") from None
    if moment.tzinfo is None or not rid:
        raise DomainError("detail_invalid", _("The page link is broken. Start again."), field="after")
    return moment, rid


def cursor_of(row: DetailRow) -> str:
    return f"{row.start_time.isoformat()}~{row.record_id}"


def detail_page(
    *, subscriber_id: int, query: DetailQuery, now: datetime, after: str = "", size: int = PAGE_SIZE
) -> tuple[list[DetailRow], str]:
    """One page in time order after the cursor; returns the rows and the next cursor ("" at the end)."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    qs = detail_records(subscriber_id=subscriber_id, query=query, now=now)
    position = _cursor_decode(after)
    if position:
        moment, rid = position
        # ``start_time >= moment`` beside the OR lets the (subscriber, start) index begin at the
        # cursor instead of the start of the month (page 40 read the 39 pages before it).
        qs = qs.filter(start_time__gte=moment).filter(
            Q(start_time__gt=moment) | Q(start_time=moment, record_id__gt=rid)
        )
    rows = [DetailRow(**values) for values in qs.order_by("start_time", "record_id").values(*FIELDS)[: size + 1]]
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor_of(rows[-1]) if more else "")


def detail_all(*, subscriber_id: int, query: DetailQuery, now: datetime) -> list[DetailRow]:
    """Every row, for the documents (a period of one subscriber: thousands, not millions)."""
    qs = detail_records(subscriber_id=subscriber_id, query=query, now=now).order_by("start_time", "record_id")
    return [DetailRow(**values) for values in qs.values(*FIELDS).iterator(chunk_size=2000)]


# --- The step-up (BILL-3): one rule for the portal and the API ------------------------------

PUK_DEVICES = {"tablet", "modem"}  # Subscriber.Device values whose owners identify by PUK1


def step_up_uses_puk(subscriber: Any) -> bool:
    """A tablet or a modem cannot read an SMS: its owner proves the SIM with PUK1 instead."""
    return subscriber.device in PUK_DEVICES


def step_up_start(*, subscriber: Any, actor: Any, now: datetime) -> str:
    """Begin the step-up: send the M-code by SMS (phones) or ask for PUK1. Returns the method."""
    if step_up_uses_puk(subscriber):
        return "puk1"
    from issa.identity.models import OtpChallenge
    from issa.identity.services.otp import otp_send

    otp_send(msisdn=subscriber.msisdn, purpose=OtpChallenge.Purpose.STEP_UP, actor=actor, now=now)
    return "smsCode"


def step_up_verify(*, subscriber: Any, code: str, actor: Any, now: datetime) -> None:
    """Check the M-code or the PUK1, audited either way. Wrong PUK1 tries count in the same
    per-number and per-IP lockout as passwords (checked before the comparison), so a new
    session or another channel does not reset them."""
    from django.db import transaction

    from issa.identity.models import OtpChallenge
    from issa.identity.services import limits
    from issa.identity.services.audit import audit_record
    from issa.identity.services.otp import otp_verify

    puk = step_up_uses_puk(subscriber)
    if puk:
        limits.guard(msisdn=subscriber.msisdn, ip=actor.ip, now=now)
        sim = getattr(subscriber, "sim", None)
        if sim is None or not sim.puk1_matches(code):
            limits.record_failure(msisdn=subscriber.msisdn, ip=actor.ip, now=now)
            with transaction.atomic():
                audit_record(actor=actor, action="detail.step_up", now=now, subscriber=subscriber, outcome="denied")
            raise DomainError("puk_invalid", _("The PUK1 code is wrong."), field="code")
    else:
        otp_verify(msisdn=subscriber.msisdn, purpose=OtpChallenge.Purpose.STEP_UP, code=code, actor=actor, now=now)
    with transaction.atomic():
        audit_record(actor=actor, action="detail.step_up", now=now, subscriber=subscriber, details={"puk": puk})
