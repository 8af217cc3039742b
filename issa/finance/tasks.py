"""Background jobs of finance: plain arguments, idempotent (state checks and ledger keys)."""

from __future__ import annotations

from issa.core import clock

from .services import installments_charge_month, promised_expire_due, promised_sweep_awaiting


def promised_expire() -> str:
    """FIN-3: withdraw expired promised payments; show abandoned registrations as cancelled."""
    now = clock.now()
    expired = promised_expire_due(now=now)
    cancelled = promised_sweep_awaiting(now=now)
    return f"{expired} expired, {cancelled} unconfirmed cancelled"


def installments_monthly() -> str:
    """FIN-2: charge the installments due this month (and any missed before), once each."""
    return f"{installments_charge_month(now=clock.now())} installments charged"
