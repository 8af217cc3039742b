"""Background jobs of identity (run by the worker; idempotent)."""

from __future__ import annotations

from issa.core import clock

from .services.pending import pending_sweep as _sweep


def pending_sweep() -> int:
    """AUTH-9: cancel pending requests whose session ended without coming back."""
    return _sweep(now=clock.now())
