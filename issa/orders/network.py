"""The provisioning adapter (BSS-6): how an order talks to the network.

An action's ``provision`` calls the adapter with idempotent commands, each with a ``request_id``
unique to the order and step (``order_request_id(order, "step")``): the network applies a
request id once, so a retried order never does anything twice.

Commands and their ``params``:

* ``set_plan`` {"plan": code}
* ``add_service`` {"service": code, "settings": {...}} (replaces the settings when present)
* ``update_service`` {"service": code, "settings": {...}}
* ``remove_service`` {"service": code}
* ``suspend`` {} / ``resume`` {} (Pause, operator blocks)
* ``change_msisdn`` {"new": msisdn} (SVC-6)
* ``send_settings`` {"kinds": ["internet", "mms", "streaming"]} (SVC-10; changes no state)
* ``sync`` {"plan": code, "services": {...}, "suspended": bool} (a new SIM, the demo loader)

``state(msisdn)`` answers ``{"plan": code, "services": {code: settings}, "suspended": bool}``:
the same shape as ``issa.orders.selectors.expected_network_state``, so tests compare the two.

The adapter in use is ``settings.ISSA_NETWORK_ADAPTER`` (a dotted class path, env
``ISSA_NETWORK_ADAPTER``); the default is the simulated network element in ``simulator.py``.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

COMMANDS = frozenset(
    {
        "set_plan",
        "add_service",
        "update_service",
        "remove_service",
        "suspend",
        "resume",
        "change_msisdn",
        "send_settings",
        "sync",
    }
)
DEFAULT_ADAPTER = "issa.orders.simulator.SimulatedNetwork"


class NetworkError(Exception):
    """The network did not do it. ``permanent=False`` (a timeout, a busy element): the order is
    retried with backoff; ``permanent=True`` (the element refused): the order fails at once."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NetworkAdapter(ABC):
    @abstractmethod
    def execute(self, *, msisdn: str, command: str, params: dict[str, Any], request_id: str) -> dict[str, Any]:
        """Apply one command once per ``request_id``; raise ``NetworkError`` when it did not."""

    @abstractmethod
    def state(self, *, msisdn: str) -> dict[str, Any]:
        """What is active on the SIM now."""

    # Convenience wrappers: actions read better with them.
    def set_plan(self, *, msisdn: str, plan: str, request_id: str) -> None:
        self.execute(msisdn=msisdn, command="set_plan", params={"plan": plan}, request_id=request_id)

    def add_service(
        self, *, msisdn: str, service: str, request_id: str, settings: dict[str, Any] | None = None
    ) -> None:
        params = {"service": service, "settings": settings or {}}
        self.execute(msisdn=msisdn, command="add_service", params=params, request_id=request_id)

    def update_service(self, *, msisdn: str, service: str, settings: dict[str, Any], request_id: str) -> None:
        params = {"service": service, "settings": settings}
        self.execute(msisdn=msisdn, command="update_service", params=params, request_id=request_id)

    def remove_service(self, *, msisdn: str, service: str, request_id: str) -> None:
        self.execute(msisdn=msisdn, command="remove_service", params={"service": service}, request_id=request_id)

    def suspend(self, *, msisdn: str, request_id: str) -> None:
        self.execute(msisdn=msisdn, command="suspend", params={}, request_id=request_id)

    def resume(self, *, msisdn: str, request_id: str) -> None:
        self.execute(msisdn=msisdn, command="resume", params={}, request_id=request_id)

    def change_msisdn(self, *, msisdn: str, new: str, request_id: str) -> None:
        self.execute(msisdn=msisdn, command="change_msisdn", params={"new": new}, request_id=request_id)

    def send_settings(self, *, msisdn: str, kinds: list[str], request_id: str) -> None:
        self.execute(msisdn=msisdn, command="send_settings", params={"kinds": kinds}, request_id=request_id)

    def sync(self, *, msisdn: str, state: dict[str, Any], request_id: str) -> None:
        self.execute(msisdn=msisdn, command="sync", params=state, request_id=request_id)


def order_request_id(order: Any, step: str = "main") -> str:
    """The request id of one step of an order: the same on every retry of that order."""
    return f"order:{order.pk}:{step}"[:80]


def get_network() -> NetworkAdapter:
    path = getattr(settings, "ISSA_NETWORK_ADAPTER", None) or os.environ.get("ISSA_NETWORK_ADAPTER") or DEFAULT_ADAPTER
    cls = import_string(path)
    adapter: NetworkAdapter = cls()
    return adapter
