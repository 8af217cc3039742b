"""What the tests of orders compare before and after a refused request."""

from __future__ import annotations

from typing import Any

from issa.billing.models import LedgerEntry
from issa.numbering.models import PoolNumber
from issa.orders.models import Order, SimulatedCommand
from issa.orders.network import get_network
from issa.subscribers.models import Product, Subscriber


def snapshot(subscriber: Subscriber) -> dict[str, Any]:
    subscriber.refresh_from_db()
    return {
        "orders": Order.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "network_commands": SimulatedCommand.objects.count(),
        "network": get_network().state(msisdn=subscriber.msisdn),
        "msisdn": subscriber.msisdn,
        "products": list(Product.objects.order_by("pk").values_list("pk", "service_id", "active_to", "settings")),
        "pool": list(PoolNumber.objects.order_by("msisdn").values_list("msisdn", "state", "holder_id", "order_ref")),
    }
