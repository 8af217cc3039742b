"""Bills as the portal, the API and the documents read them (BILL-1, BILL-2, BILL-4).

One set of selectors for every channel. Every lookup starts from an account the caller already
owns (``bill_accounts_for_user``); a bill of another account is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Destination, Kind
from issa.core import clock, rules
from issa.core.clock import Period, period_for_key
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.money import format_byn
from issa.customers.models import Account

from .billrun import SECTIONS, bill_preview
from .models import Bill, LedgerEntry

WINDOW_MESSAGE = _(
    "This service is not available while the bills for communication services are being made "
    "(from the %(first)s to the %(last)s of every month)."
)


def bills_window_check(*, now: datetime) -> None:
    """BILL-4: bills, call detail and delivery changes are closed from the 1st to the 3rd (rule
    ``BILL_RUN_CLOSED_DAYS``) while the bill run works. Raises ``DomainError`` (UNAVAILABLE)."""
    first, last = rules.get("BILL_RUN_CLOSED_DAYS")
    day = clock.local_date(now).day
    if first <= day <= last:
        raise DomainError("bills_closed", WINDOW_MESSAGE, kind=ErrorKind.UNAVAILABLE, first=first, last=last)


def bills_window_open(*, now: datetime) -> bool:
    try:
        bills_window_check(now=now)
    except DomainError:
        return False
    return True


SECTION_LABELS: dict[str, Any] = {
    "fees": _("Subscription fees"),
    "usage": _("Usage"),
    "one_time": _("One-time charges"),
    "discounts": _("Discounts"),
    "corrections": _("Corrections of earlier periods"),
    "payments": _("Payments"),
}

CODE_LABELS: dict[str, Any] = {
    "subscription_fee": _("Subscription fee"),
    "pause_credit": _("Pause: fee reduction"),
    "discount": _("Discount"),
    "adjustment": _("Adjustment"),
    "usage_other": _("Other usage"),
    "one_time_fee": _("One-time fees"),
    "installment": _("Installment"),
}

DIRECTION_LABELS = {True: _("outgoing"), False: _("incoming")}
UNIT_OF_KIND = {Kind.VOICE: "s", Kind.SMS: "pcs", Kind.MMS: "pcs", Kind.DATA: "B"}


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def _destination_label(destination: str) -> str:
    return str(Destination(destination).label) if destination in Destination.values else destination


def line_label(line: dict[str, Any]) -> str:
    """A bill line as people read it, in the active language (lines store codes, not text)."""
    code = str(line.get("code", ""))
    if code.startswith("usage:"):
        text = f"{_kind_label(line['usage_kind'])}, {DIRECTION_LABELS[bool(line['outgoing'])]}: "
        text += _destination_label(line["destination"])
        if line.get("section") == "corrections":
            text = str(_("Late records: %(what)s")) % {"what": text}
        return text
    if code.startswith("late:"):
        kind = code.split(":", 1)[1]
        label = LedgerEntry.Kind(kind).label if kind in LedgerEntry.Kind.values else kind
        return str(_("Late entries: %(what)s")) % {"what": label}
    if code.startswith("payment:"):
        kind = code.split(":", 1)[1]
        return str(LedgerEntry.Kind(kind).label) if kind in LedgerEntry.Kind.values else kind
    return str(CODE_LABELS.get(code, code))


def line_quantity(line: dict[str, Any]) -> str:
    """Usage quantity in display units: minutes:seconds, pieces, megabytes."""
    if "usage_kind" not in line or "quantity" not in line:
        return ""
    kind, quantity = line["usage_kind"], int(line["quantity"])
    if kind == Kind.VOICE:
        return f"{quantity // 60}:{quantity % 60:02d} {_('min')}"
    if kind == Kind.DATA:
        megabytes = quantity * 100 // (1024 * 1024)
        return f"{megabytes // 100},{megabytes % 100:02d} {_('MB')}"
    return f"{quantity} {_('pcs')}"


@dataclass
class BillView:
    """A bill (issued, or the current period's preview) ready to show or render."""

    period: str
    number: str
    account_number: str
    client_name: str
    period_start: datetime
    period_end: datetime
    issued_at: datetime | None
    opening_balance: int
    charges: int
    vat: int
    payments: int
    closing_balance: int
    amount_due: int
    lines: list[dict[str, Any]]
    issued: bool = True
    client_address: str = ""
    client_unp: str = ""
    sections: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for section in SECTIONS:
            rows = [line for line in self.lines if line["section"] == section]
            if rows:
                self.sections.append(
                    {
                        "code": section,
                        "label": SECTION_LABELS[section],
                        "lines": [
                            {
                                **row,
                                "label": line_label(row),
                                "qty": line_quantity(row),
                                "display": format_byn(row["amount"]),
                            }
                            for row in rows
                        ],
                        "total": sum(row["amount"] for row in rows),
                        "total_display": format_byn(sum(row["amount"] for row in rows)),
                    }
                )

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def subscription_fee(self) -> int:
        return sum(line["amount"] for line in self.lines if line["section"] in ("fees", "discounts"))

    def display(self, name: str) -> str:
        return format_byn(int(getattr(self, name)))

    @property
    def as_of(self) -> datetime:
        """The last moment included (the day before the request, for the current period)."""
        return self.period_end - timedelta(seconds=1)

    @property
    def url_key(self) -> str:
        return self.period if self.issued else "current"

    @property
    def opening_balance_display(self) -> str:
        return format_byn(self.opening_balance)

    @property
    def charges_display(self) -> str:
        return format_byn(self.charges)

    @property
    def vat_display(self) -> str:
        return format_byn(self.vat)

    @property
    def payments_display(self) -> str:
        return format_byn(self.payments)

    @property
    def closing_balance_display(self) -> str:
        return format_byn(self.closing_balance)

    @property
    def amount_due_display(self) -> str:
        return format_byn(self.amount_due)

    @property
    def subscription_fee_display(self) -> str:
        return format_byn(self.subscription_fee)


MONTHS = [
    _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
    _("July"), _("August"), _("September"), _("October"), _("November"), _("December"),
]  # fmt: skip


def period_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def bill_view(bill: Bill, account: Account) -> BillView:
    client = account.client
    return BillView(
        period=bill.period,
        number=bill.number,
        account_number=account.number,
        client_name=client.name,
        client_address=client.address,
        client_unp=client.unp,
        period_start=bill.period_start,
        period_end=bill.period_end,
        issued_at=bill.issued_at,
        opening_balance=bill.opening_balance,
        charges=bill.charges,
        vat=bill.vat,
        payments=bill.payments,
        closing_balance=bill.closing_balance,
        amount_due=bill.amount_due,
        lines=list(bill.lines),
    )


def current_view(*, account: Account, now: datetime) -> BillView:
    """BILL-1/BILL-2: the current period as of the previous day (not a bill: nothing is issued)."""
    data = bill_preview(account=account, now=now)
    client = account.client
    return BillView(
        period=data["period"],
        number="",
        account_number=account.number,
        client_name=client.name,
        client_address=client.address,
        client_unp=client.unp,
        period_start=data["period_start"],
        period_end=data["period_end"],
        issued_at=None,
        opening_balance=data["opening_balance"],
        charges=data["charges"],
        vat=data["vat"],
        payments=data["payments"],
        closing_balance=data["closing_balance"],
        amount_due=data["amount_due"],
        lines=data["lines"],
        issued=False,
    )


def history_periods(*, now: datetime) -> list[Period]:
    """The previous ``BILL_HISTORY_MONTHS`` periods, latest first (BILL-1)."""
    periods = []
    period = clock.period_of(now)
    for _i in range(int(rules.get("BILL_HISTORY_MONTHS"))):
        period = period.previous()
        periods.append(period)
    return periods


def bills_list(*, account: Account, now: datetime) -> list[Bill]:
    """Issued bills of the last ``BILL_HISTORY_MONTHS`` months, latest first: one query."""
    keys = [p.key for p in history_periods(now=now)]
    return list(Bill.objects.filter(account=account, period__in=keys).order_by("-period"))


def bill_get(*, account: Account, period_key: str, now: datetime) -> Bill:
    """One bill of the account within the history window; anything else is "not found"."""
    try:
        period = period_for_key(period_key)
    except ValueError:
        raise not_found() from None
    if period.key not in {p.key for p in history_periods(now=now)}:
        raise not_found()
    bill = Bill.objects.filter(account=account, period=period.key).first()
    if bill is None:
        raise not_found()
    return bill


@dataclass(frozen=True)
class SpendingBar:
    period: str
    label: str
    total: int
    parts: dict[str, int]


SPENDING_GROUPS = ["fees", "voice", "sms", "data", "other"]
SPENDING_LABELS: dict[str, Any] = {
    "fees": _("Subscription fees"),
    "voice": _("Calls"),
    "sms": _("SMS and MMS"),
    "data": _("Mobile Internet"),
    "other": _("Other"),
}


def _spending_group(line: dict[str, Any]) -> str | None:
    section = line["section"]
    if section == "payments":
        return None
    if section in ("fees", "discounts"):
        return "fees"
    kind = line.get("usage_kind")
    if kind == Kind.VOICE:
        return "voice"
    if kind in (Kind.SMS, Kind.MMS):
        return "sms"
    if kind == Kind.DATA:
        return "data"
    return "other"


def spending(*, bills: list[Bill], current: BillView | None) -> list[SpendingBar]:
    """Charges by month and by kind for the chart, oldest first (from bills already loaded)."""
    bars = []
    sources: list[tuple[str, list[dict[str, Any]]]] = [(b.period, list(b.lines)) for b in bills]
    if current is not None:
        sources.append((current.period, current.lines))
    for key, lines in sorted(sources):
        parts = dict.fromkeys(SPENDING_GROUPS, 0)
        for line in lines:
            group = _spending_group(line)
            if group is not None:
                parts[group] += int(line["amount"])
        parts = {k: max(0, v) for k, v in parts.items()}
        bars.append(SpendingBar(key, period_label(key), sum(parts.values()), parts))
    return bars


def spending_svg(bars: list[SpendingBar]) -> str:
    """A stacked bar chart as inline SVG (no script, no inline style: CSP-safe); colours come from
    classes in the bills stylesheet. Returned as markup built from numbers and escaped labels."""
    from django.utils.html import escape

    width, height, pad, legend = 480, 320, 8, 72
    if not bars:
        return ""
    top = max(bar.total for bar in bars) or 1
    slot = (width - pad) / len(bars)
    bar_width = slot * 0.6
    base = height - 28  # bars stand here; month names below
    chart_h = base - legend - 20  # room above the tallest bar for its amount
    out = [
        f'<svg class="bills-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(str(_("Spending by month")))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, bar in enumerate(bars):
        x = pad + index * slot + (slot - bar_width) / 2
        y: float = base  # drawing coordinates, not money
        for group in SPENDING_GROUPS:
            value = bar.parts[group]
            if value <= 0:
                continue
            h = chart_h * value / top
            y -= h
            out.append(
                f'<rect class="seg-{group}" x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{h:.1f}">'
                f"<title>{escape(bar.label)}: {escape(str(SPENDING_LABELS[group]))} "
                f"{escape(format_byn(value))}</title></rect>"
            )
        out.append(
            f'<text x="{x + bar_width / 2:.1f}" y="{height - 8}" text-anchor="middle" class="bills-chart-label">'
            f"{escape(bar.label.split(' ')[0][:3])}</text>"
        )
        out.append(
            f'<text x="{x + bar_width / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
            f'class="bills-chart-value">{escape(format_byn(bar.total))}</text>'
        )
    for index, group in enumerate(SPENDING_GROUPS):
        lx, ly = pad + (index % 2) * (width - pad) / 2, 4 + (index // 2) * 22
        out.append(f'<rect class="seg-{group}" x="{lx:.1f}" y="{ly}" width="14" height="14"/>')
        out.append(
            f'<text x="{lx + 20:.1f}" y="{ly + 12}" class="bills-chart-legend">'
            f"{escape(str(SPENDING_LABELS[group]))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def bill_account(*, user: Any, account_number: str | None = None) -> Account:
    """The account whose bills the caller may see: their own number's account, or (for a corporate
    administrator, or a supervisor with the finance right) another account of the client they
    administer. Anything else is "not found" — the same answer as for an account that does not
    exist."""
    subscriber_id = getattr(user, "subscriber_id", None)
    if subscriber_id is None or not getattr(user, "is_authenticated", False):
        raise not_found()
    own = Account.objects.select_related("client").filter(subscribers__id=subscriber_id).first()
    if own is None:
        raise not_found()
    if not account_number or account_number == own.number:
        return own
    from issa.access.models import CorporateRole
    from issa.access.selectors import corporate_role_for

    role = corporate_role_for(user=user)
    if role is None or not role.has_right(CorporateRole.Right.FINANCE):
        raise not_found()
    other = Account.objects.select_related("client").filter(number=account_number, client_id=role.client_id).first()
    if other is None:
        raise not_found()
    return other
