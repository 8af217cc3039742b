"""/api/bills: bills shaped after TMF678 Customer Bill (BILL-1, BILL-2, BILL-4), PDF and Excel.

Field names follow TMF678 where they fit (``billNo``, ``billDate``, ``billingPeriod``,
``amountDue``, ``taxIncludedAmount``, ``taxExcludedAmount``, ``taxItem``, ``state``,
``billDocument``); money is given both as TMF's ``{unit, value}`` (value a decimal string, never a
float) and as int kopecks. The same selectors as the portal; the caller's own account, or
``?account=<number>`` of a client a corporate administrator manages; anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from issa.core import clock
from issa.core.money import to_roubles

from .api import _auths, _user
from .bills import BillView, bill_account, bill_get, bill_view, bills_list, bills_window_check, current_view
from .documents import bill_document

router = Router(tags=["bills"], auth=_auths())


class Money(Schema):
    unit: str
    value: str


class Period(Schema):
    startDateTime: str
    endDateTime: str


class TaxItem(Schema):
    taxCategory: str
    taxRate: str
    taxAmount: Money


class Document(Schema):
    href: str
    mimeType: str


class Line(Schema):
    section: str
    code: str
    label: str
    quantity: str
    amount_kopecks: int
    amount: Money


class CustomerBill(Schema):
    id: str
    href: str
    billNo: str
    billDate: str | None
    state: str
    category: str
    billingAccount: dict[str, str]
    billingPeriod: Period
    openingBalance: Money
    taxIncludedAmount: Money
    taxExcludedAmount: Money
    taxItem: list[TaxItem]
    paymentsReceived: Money
    closingBalance: Money
    amountDue: Money
    amounts_kopecks: dict[str, int]
    billDocument: list[Document]
    lines: list[Line]


def _money(kopecks: int) -> dict[str, str]:
    return {"unit": "BYN", "value": str(to_roubles(kopecks))}


def _shape(view: BillView, with_lines: bool) -> dict[str, Any]:
    key = view.url_key
    href = f"/api/bills/{key}"
    sections = [line for section in view.sections for line in section["lines"]] if with_lines else []
    return {
        "id": key,
        "href": href,
        "billNo": view.number,
        "billDate": view.issued_at.isoformat() if view.issued_at else None,
        "state": "new" if view.issued else "inProgress",
        "category": "normal",
        "billingAccount": {"id": view.account_number},
        "billingPeriod": {"startDateTime": view.period_start.isoformat(), "endDateTime": view.period_end.isoformat()},
        "openingBalance": _money(view.opening_balance),
        "taxIncludedAmount": _money(view.charges),
        "taxExcludedAmount": _money(view.charges - view.vat),
        "taxItem": [{"taxCategory": "VAT", "taxRate": "0.20", "taxAmount": _money(view.vat)}],
        "paymentsReceived": _money(view.payments),
        "closingBalance": _money(view.closing_balance),
        "amountDue": _money(view.amount_due),
        "amounts_kopecks": {
            "opening_balance": view.opening_balance,
            "charges": view.charges,
            "vat": view.vat,
            "payments": view.payments,
            "closing_balance": view.closing_balance,
            "amount_due": view.amount_due,
        },
        "billDocument": [
            {"href": f"{href}/pdf", "mimeType": "application/pdf"},
            {"href": f"{href}/xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ],
        "lines": [
            {
                "section": line["section"],
                "code": line["code"],
                "label": line["label"],
                "quantity": line["qty"],
                "amount_kopecks": line["amount"],
                "amount": _money(line["amount"]),
            }
            for line in sections
        ],
    }


def _account(request: HttpRequest, account: str | None) -> Any:
    bills_window_check(now=clock.now())
    return bill_account(user=_user(request) or request.user, account_number=account)


def _view(request: HttpRequest, bill_id: str, account: str | None) -> BillView:
    acc = _account(request, account)
    now = clock.now()
    if bill_id == "current":
        return current_view(account=acc, now=now)
    return bill_view(bill_get(account=acc, period_key=bill_id, now=now), acc)


@router.get("", response=list[CustomerBill], summary="Bills of the last 6 months and the current period (BILL-1)")
def bills(request: HttpRequest, account: str | None = None) -> list[dict[str, Any]]:
    acc = _account(request, account)
    now = clock.now()
    views = [current_view(account=acc, now=now)] + [bill_view(b, acc) for b in bills_list(account=acc, now=now)]
    return [_shape(view, with_lines=False) for view in views]


@router.get("/{bill_id}", response=CustomerBill, summary="One bill with its lines ('current': this month, BILL-2)")
def bill(request: HttpRequest, bill_id: str, account: str | None = None) -> dict[str, Any]:
    return _shape(_view(request, bill_id, account), with_lines=True)


@router.get("/{bill_id}/{fmt}", summary="The bill as PDF or Excel", response={200: None})
def bill_file(request: HttpRequest, bill_id: str, fmt: str, account: str | None = None) -> HttpResponse:
    from issa.core.errors import not_found

    if fmt not in ("pdf", "xlsx"):
        raise not_found()
    name, content, mime = bill_document(_view(request, bill_id, account), fmt)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
