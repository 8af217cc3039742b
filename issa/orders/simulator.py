"""The simulated network element shipped with ISSA (BSS-6): keeps, in its own tables, what the
network has active on each SIM (plan, services with their settings, suspension), so that a test
or the demo can compare it with ISSA's own state.

For the demo it behaves like a real element: each command takes ``delay`` seconds and fails with
probability ``failure_rate`` (a transient error: the order is retried). Both come from settings
``ISSA_NETWORK_SIM = {"delay_seconds": 2, "failure_rate": 0.1, "seed": 1}`` or the environment
(``ISSA_NETWORK_SIM_DELAY``, ``ISSA_NETWORK_SIM_FAILURE_RATE``). The defaults (no delay, no
failures) keep tests deterministic; a test asks for failures with ``failure_rate`` 1.0 or by
listing numbers in ``fail_msisdns``.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SimulatedCommand, SimulatedSim
from .network import COMMANDS, NetworkAdapter, NetworkError

_random = random.Random(0)  # noqa: S311 - a simulation, not security


def sim_config() -> dict[str, Any]:
    conf: dict[str, Any] = {
        "delay_seconds": float(os.environ.get("ISSA_NETWORK_SIM_DELAY", "0") or 0),
        "failure_rate": float(os.environ.get("ISSA_NETWORK_SIM_FAILURE_RATE", "0") or 0),
        "fail_msisdns": [],
    }
    conf.update(getattr(settings, "ISSA_NETWORK_SIM", {}) or {})
    return conf


def empty_state() -> dict[str, Any]:
    return {"plan": "", "services": {}, "suspended": False}


class SimulatedNetwork(NetworkAdapter):
    def execute(self, *, msisdn: str, command: str, params: dict[str, Any], request_id: str) -> dict[str, Any]:
        if command not in COMMANDS:
            raise NetworkError(f"unknown command {command}", permanent=True)
        conf = sim_config()
        if conf["delay_seconds"]:
            time.sleep(float(conf["delay_seconds"]))
        if SimulatedCommand.objects.filter(request_id=request_id).exists():
            return self.state(msisdn=msisdn)  # already applied: a retry changes nothing
        rate = float(conf["failure_rate"])
        if msisdn in conf["fail_msisdns"] or (rate and _random.random() < rate):
            raise NetworkError("network element timeout (simulated)")
        with transaction.atomic():
            sim, _created = SimulatedSim.objects.select_for_update().get_or_create(
                msisdn=msisdn, defaults={"updated_at": timezone.now()}
            )
            self._apply(sim, command, params)
            sim.updated_at = timezone.now()
            sim.save()
            SimulatedCommand.objects.create(
                request_id=request_id, msisdn=msisdn, command=command, params=params, at=timezone.now()
            )
        return self.state(msisdn=sim.msisdn)

    @staticmethod
    def _apply(sim: SimulatedSim, command: str, params: dict[str, Any]) -> None:
        services = dict(sim.services or {})
        if command == "set_plan":
            sim.plan = params["plan"]
        elif command == "add_service":
            services[params["service"]] = params.get("settings") or {}
        elif command == "update_service":
            if params["service"] not in services:
                raise NetworkError(f"service {params['service']} is not active", permanent=True)
            services[params["service"]] = params.get("settings") or {}
        elif command == "remove_service":
            services.pop(params["service"], None)
        elif command == "suspend":
            sim.suspended = True
        elif command == "resume":
            sim.suspended = False
        elif command == "change_msisdn":
            if SimulatedSim.objects.filter(msisdn=params["new"]).exclude(pk=sim.pk).exists():
                raise NetworkError("the new number is in use on the network", permanent=True)
            sim.msisdn = params["new"]
        elif command == "sync":
            sim.plan = params.get("plan", "")
            services = dict(params.get("services") or {})
            sim.suspended = bool(params.get("suspended"))
        # send_settings changes nothing on the SIM's state
        sim.services = services

    def state(self, *, msisdn: str) -> dict[str, Any]:
        sim = SimulatedSim.objects.filter(msisdn=msisdn).first()
        if sim is None:
            return empty_state()
        return {"plan": sim.plan, "services": dict(sim.services or {}), "suspended": sim.suspended}
