"""Worker tasks of the orders app (queued with ``issa.core.queue.enqueue``; ids only)."""

from __future__ import annotations

from issa.core import clock


def order_execute(order_id: int) -> str:
    from .services import order_execute as execute

    order = execute(order_id=order_id, now=clock.now())
    return order.state if order is not None else "missing"


def run_due() -> int:
    from .services import drafts_sweep, orders_run_due

    now = clock.now()
    drafts_sweep(now=now)
    return orders_run_due(now=now)
