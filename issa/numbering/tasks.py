"""Background jobs of the number pool (run by the worker; idempotent)."""

from __future__ import annotations

from issa.core import clock

from . import services


def reservations_expire() -> int:
    """SVC-6: short reservations that ran out go back to the free pool."""
    return services.reservations_expire(now=clock.now())


def quarantine_release() -> int:
    """SVC-6: numbers whose quarantine ended are offered again."""
    return services.quarantine_release(now=clock.now())
