"""Bills as documents: PDF (reportlab, chosen by measurement: docs/performance.md) and Excel
(XlsxWriter). Both render a ``issa.billing.bills.BillView`` in the active language (Russian by
default); ``bill_document`` is the one entry point for the portal, the API and e-mail."""

from __future__ import annotations

from typing import Any

from django.utils import translation

OPERATOR: dict[str, str] = {
    "name": "ИП «ИССА Мобайл» (демонстрационный оператор)",
    "address": "220030, г. Минск, ул. Примерная, 1",
    "unp": "190000001",
    "bank": "р/с BY00 DEMO 3012 0000 0000 0000 0000 в ОАО «Демобанк», БИК DEMOBY2X",
    "phone": "411",
}


def operator_details() -> dict[str, str]:
    """Company details printed on bills; settings.ISSA_OPERATOR overrides any of them."""
    from django.conf import settings

    return {**OPERATOR, **(getattr(settings, "ISSA_OPERATOR", {}) or {})}


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bill_document(view: Any, fmt: str, language: str = "ru") -> tuple[str, bytes, str]:
    """(file name, content, MIME type) of ``view`` as ``pdf`` or ``xlsx``."""
    name = f"bill-{view.number or view.period}"
    with translation.override(language):
        if fmt == "pdf":
            from .pdf import render_pdf

            return f"{name}.pdf", render_pdf(view), PDF
        if fmt == "xlsx":
            from .xlsx import render_xlsx

            return f"{name}.xlsx", render_xlsx(view), XLSX
    raise ValueError(fmt)
