"""Call and SMS detail as Excel (XlsxWriter) and PDF (reportlab, DejaVu Sans as the bills use)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from issa.billing.documents.pdf import FONT, FONT_BOLD, _fonts
from issa.core.money import format_byn
from issa.core.phone import format_msisdn

from .detail import DIRECTION_LABELS, KIND_LABELS, DetailQuery, DetailRow, DetailTotals


def _title(msisdn: str, query: DetailQuery) -> str:
    return _("Detail for %(number)s, %(period)s: %(kind)s, %(direction)s") % {
        "number": format_msisdn(msisdn),
        "period": query.period,
        "kind": str(KIND_LABELS[query.kind]).lower(),
        "direction": str(DIRECTION_LABELS[query.direction]).lower(),
    }


def _headers(query: DetailQuery) -> list[str]:
    amount = _("Duration") if query.kind == "calls" else _("Pieces")
    return [_("Date and time"), _("Number"), _("Zone"), amount, _("Charge, BYN")]


def _cells(row: DetailRow) -> list[str]:
    return [f"{row.local_start:%d.%m.%Y %H:%M:%S}", row.other_party, row.destination, row.amount_display]


def detail_xlsx(*, msisdn: str, query: DetailQuery, rows: list[DetailRow], totals: DetailTotals) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Detail")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    sheet.write(0, 0, _title(msisdn, query), bold)
    for col, name in enumerate(_headers(query)):
        sheet.write(2, col, name, bold)
    r = 3
    for row in rows:
        for col, value in enumerate(_cells(row)):
            sheet.write_string(r, col, value)
        sheet.write_number(r, 4, float(Decimal(row.charge) / 100), money)
        r += 1
    sheet.write(r + 1, 0, _("Total"), bold)
    sheet.write(r + 1, 1, str(totals.count))
    sheet.write(r + 1, 3, totals.duration_display if query.kind == "calls" else str(totals.pieces))
    sheet.write_number(r + 1, 4, float(Decimal(totals.charge) / 100), money)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 4, 16)
    book.close()
    return buffer.getvalue()


def detail_pdf(*, msisdn: str, query: DetailQuery, rows: list[DetailRow], totals: DetailTotals) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    _width, height = A4
    left = 15 * mm
    cols = [left, left + 45 * mm, left + 90 * mm, left + 125 * mm, left + 155 * mm]

    def line(y: float, values: list[str], font: str = FONT) -> float:
        pdf.setFont(font, 9)
        for x, value in zip(cols, values, strict=False):
            pdf.drawString(x, y, value)
        return y - 5 * mm

    def new_page() -> float:
        pdf.setFont(FONT_BOLD, 11)
        pdf.drawString(left, height - 15 * mm, _title(msisdn, query))
        return line(height - 25 * mm, _headers(query), FONT_BOLD)

    y = new_page()
    for row in rows:
        if y < 20 * mm:
            pdf.showPage()
            y = new_page()
        y = line(y, [*_cells(row), format_byn(row.charge)])
    if y < 30 * mm:
        pdf.showPage()
        y = new_page()
    amount = totals.duration_display if query.kind == "calls" else str(totals.pieces)
    line(y - 3 * mm, [_("Total"), str(totals.count), "", amount, format_byn(totals.charge)], FONT_BOLD)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
