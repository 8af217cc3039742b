"""The bill as an Excel workbook (XlsxWriter, in memory; amounts as numbers in roubles with two
decimals: exact Decimal roubles from int kopecks, handed to Excel as its number type only at
the very edge; nothing is computed on them)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from issa.core import clock
from issa.core.money import to_roubles

from . import operator_details


def render_xlsx(view: Any) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Bill")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "# ##0.00"})
    money_bold = book.add_format({"num_format": "# ##0.00", "bold": True})
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 2, 16)
    op = operator_details()
    rows: list[tuple[Any, ...]] = [
        (op["name"],),
        (f"{op['address']}; {_('UNP')} {op['unp']}",),
        (),
        ((_("Bill for communication services") if view.issued else _("Charges of the current period"))
         + (f" № {view.number}" if view.number else ""),),
        (_("Period"), view.period_label),
        (_("Client"), view.client_name),
        (_("Account"), view.account_number),
        (_("Issued"), clock.local_date(view.issued_at).isoformat() if view.issued_at else ""),
        (),
    ]  # fmt: skip
    r = 0
    for values in rows:
        for c, value in enumerate(values):
            sheet.write(r, c, value, bold if c == 0 and r in (0, 3) else None)
        r += 1
    sheet.write_row(r, 0, [_("Service"), _("Quantity"), _("Amount, BYN")], bold)
    r += 1

    def amount(row: int, label: str, kopecks: int, strong: bool = False, qty: str = "") -> None:
        sheet.write(row, 0, label, bold if strong else None)
        sheet.write(row, 1, qty)
        sheet.write_number(row, 2, float(to_roubles(kopecks)), money_bold if strong else money)

    amount(r, _("Opening balance"), view.opening_balance, True)
    r += 1
    for section in view.sections:
        amount(r, str(section["label"]), section["total"], True)
        r += 1
        for line in section["lines"]:
            amount(r, "  " + line["label"], line["amount"], qty=line["qty"])
            r += 1
    for label, value, strong in (
        (_("Total charges for the period"), view.charges, True),
        (_("including VAT") + " 20%", view.vat, False),
        (_("Payments received"), view.payments, False),
        (_("Closing balance"), view.closing_balance, True),
        (_("Amount due"), view.amount_due, True),
    ):
        amount(r, label, value, strong)
        r += 1
    book.close()
    return buffer.getvalue()
