"""The bill as PDF with reportlab's canvas (≈ms per page; docs/performance.md has the figures).

Cyrillic needs a TrueType font: DejaVu Sans from Debian's ``fonts-dejavu-core``
(/usr/share/fonts/truetype/dejavu/), or the path in settings.ISSA_PDF_FONT_DIR. Fonts are
registered once per process.
"""

from __future__ import annotations

import io
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from issa.core import clock
from issa.core.money import format_byn

from . import operator_details

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
FONT, FONT_BOLD = "IssaSans", "IssaSans-Bold"
_SECOND = timedelta(seconds=1)


@cache
def _fonts() -> None:
    from django.conf import settings
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    dirs = [Path(d) for d in [getattr(settings, "ISSA_PDF_FONT_DIR", "")] if d] + FONT_DIRS
    for folder in dirs:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
            return
    raise RuntimeError("DejaVu Sans not found: install Debian's fonts-dejavu-core (or set ISSA_PDF_FONT_DIR)")


def _date(moment: Any) -> str:
    return formats.date_format(clock.local(moment).date(), "d.m.Y") if moment else ""


def render_pdf(view: Any) -> bytes:
    """One A4 bill: operator and client details, period, lines by section, totals, VAT, amount due."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    op = operator_details()
    pdf.setTitle(f"{_('Bill')} {view.number or view.period}")
    pdf.setAuthor(op["name"])

    def header(y: float) -> float:
        pdf.setFont(FONT_BOLD, 11)
        pdf.drawString(left, y, op["name"])
        pdf.setFont(FONT, 8)
        y -= 12
        pdf.drawString(left, y, f"{op['address']}; {_('UNP')} {op['unp']}")
        y -= 10
        pdf.drawString(left, y, op["bank"])
        y -= 10
        pdf.drawString(left, y, f"{_('Contact centre')}: {op['phone']}")
        pdf.setStrokeColorRGB(0.6, 0.6, 0.6)
        pdf.line(left, y - 6, right, y - 6)
        return y - 22

    y = header(height - 18 * mm)
    pdf.setFont(FONT_BOLD, 14)
    title = _("Bill for communication services") if view.issued else _("Charges of the current period")
    pdf.drawString(left, y, title + (f" № {view.number}" if view.number else ""))
    y -= 16
    pdf.setFont(FONT, 9)
    rows = [
        (_("Period"), f"{view.period_label} ({_date(view.period_start)} – {_date(view.period_end - _SECOND)})"),
        (_("Client"), view.client_name + (f", {_('UNP')} {view.client_unp}" if view.client_unp else "")),
        (_("Account"), view.account_number),
    ]
    if view.client_address:
        rows.append((_("Address"), view.client_address))
    if view.issued_at:
        rows.append((_("Issued"), _date(view.issued_at)))
    for label, value in rows:
        pdf.drawString(left, y, f"{label}:")
        pdf.drawString(left + 32 * mm, y, str(value)[:95])
        y -= 12
    y -= 6

    amount_x = right
    qty_x = right - 38 * mm

    def new_page() -> float:
        pdf.showPage()
        pdf.setFont(FONT, 9)
        return height - 18 * mm

    def row(y: float, label: str, qty: str, amount: str, bold: bool = False, size: float = 9) -> float:
        if y < 30 * mm:
            y = new_page()
        pdf.setFont(FONT_BOLD if bold else FONT, size)
        pdf.drawString(left + (0 if bold else 4 * mm), y, label[:90])
        if qty:
            pdf.drawRightString(qty_x, y, qty)
        pdf.drawRightString(amount_x, y, amount)
        return y - (size + 4)

    pdf.setFillColorRGB(0.93, 0.93, 0.93)
    pdf.rect(left, y - 3, right - left, 14, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    y = row(y, _("Service"), _("Quantity"), _("Amount, BYN"), bold=True)
    y = row(y - 2, _("Opening balance"), "", format_byn(view.opening_balance), bold=True)
    for section in view.sections:
        y = row(y - 4, str(section["label"]), "", section["total_display"], bold=True)
        for line in section["lines"]:
            y = row(y, line["label"], line["qty"], line["display"])
    y -= 6
    pdf.line(left, y + 8, right, y + 8)
    y = row(y, _("Total charges for the period"), "", format_byn(view.charges), bold=True)
    y = row(y, _("including VAT") + " 20%", "", format_byn(view.vat))
    y = row(y, _("Payments received"), "", format_byn(view.payments))
    y = row(y, _("Closing balance"), "", format_byn(view.closing_balance), bold=True)
    y = row(y - 4, _("Amount due"), "", format_byn(view.amount_due), bold=True, size=12)
    pdf.setFont(FONT, 7)
    pdf.drawString(left, 15 * mm, _("Amounts include VAT. A positive balance is an advance; a negative one is a debt."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
