"""The corporate cabinet's list of numbers as an Excel workbook (AUTH-11).

Written row by row from a queryset iterator in XlsxWriter's ``constant_memory`` mode into a
temporary file, so that a client with thousands of numbers costs neither memory nor a query per
row; the caller streams the file out. Money columns only when the role may see money (FINANCE):
exact Decimal roubles from int kopecks, handed to Excel as its number type only at the edge.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from issa.core.money import to_roubles

from .models import AccessBlock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_LABELS = dict(AccessBlock.Reason.choices)


def access_label(number: Any) -> str:
    if not number.access_closed:
        return pgettext("access state", "Open")
    return str(REASON_LABELS.get(number.access_reason, pgettext("access state", "Closed")))


def corporate_numbers_xlsx(*, numbers: Iterable[Any], finance: bool, title: str) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (rewound) and the number of rows written."""
    import xlsxwriter

    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet(_("Numbers")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "# ##0.00"})
    headers = [_("Number"), _("User"), _("Tariff plan"), _("Status"), _("Access to the personal account")]
    widths = [16, 30, 22, 18, 36]
    if finance:
        headers += [
            _("Account"),
            _("Numbers on the account"),
            _("Balance of the account, BYN"),
            _("Spent this month, BYN"),
        ]
        widths += [16, 12, 18, 18]
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.write(0, 0, title, bold)
    sheet.write_row(1, 0, headers, bold)
    row = 2
    for number in numbers:
        sheet.write_string(row, 0, f"+{number.msisdn}")
        sheet.write_string(row, 1, number.user_name or "")
        sheet.write_string(row, 2, number.plan.name)
        sheet.write_string(row, 3, str(number.get_status_display()))
        sheet.write_string(row, 4, access_label(number))
        if finance:
            sheet.write_string(row, 5, number.account.number)
            sheet.write_number(row, 6, number.account_numbers)
            sheet.write_number(row, 7, float(to_roubles(int(number.balance))), money)
            sheet.write_number(row, 8, float(to_roubles(int(number.spent))), money)
        row += 1
    sheet.freeze_panes(2, 0)
    book.close()
    out.seek(0)
    return out, row - 2
