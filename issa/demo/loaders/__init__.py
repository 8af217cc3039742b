"""The demo operator, built by a registry of loaders (``manage.py demo_load``).

Every module of this package that defines

    ORDER: int
    def load(*, stdout, now) -> None

is a loader. ``run_all`` imports them all and runs them in ascending ``ORDER`` (ties by module
name), each in its own transaction, so a failing loader leaves nothing half-written. Modules whose
name starts with ``_`` (shared data, helpers) and modules without both names are skipped.

Orders taken so far (leave gaps; pick a free number for a new loader):

    10  catalogue    tariff plans, terms, usage prices, allowances, services, number categories
    20  subscribers  clients, accounts, subscribers, SIMs, plan periods, products, opening balances
    30  users        ISSA users of the well-known demo numbers, the staff superuser ``admin``
    57  fee_history  the subscription fees of every day since the first billed month, and top-ups
    60  bills        the bill run of the two months before the current one
    100+             later issues (usage records, bills, payments, orders, …)

Rules for a loader, so that ``demo_load`` stays idempotent and fast:

- a second run creates nothing new and posts nothing twice: look rows up by their natural key
  (code, number, msisdn, idempotency key) and create only the missing ones;
- the data is the same on every run: draw from ``random.Random(<fixed seed>)`` and consume the
  same random stream whether or not rows already exist (generate first, then filter);
- money moves only through ``issa.billing.services.ledger_post`` with keys like ``demo:<what>:<id>``;
- write with ``bulk_create``; never hash a password in a loop (Argon2 is slow on purpose);
- ``stdout`` is the command's output wrapper: write one summary line, not one line per row;
- ``now`` is the time of this run (aware UTC); use it instead of reading the clock.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from datetime import datetime
from types import ModuleType
from typing import Any

from django.db import transaction


def discover() -> list[ModuleType]:
    """The loader modules of this package, in the order they run."""
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        order = getattr(module, "ORDER", None)
        if isinstance(order, int) and not isinstance(order, bool) and callable(getattr(module, "load", None)):
            modules.append(module)
    return sorted(modules, key=lambda m: (m.ORDER, m.__name__))


def loader_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def run_all(*, stdout: Any, now: datetime, only: list[str] | None = None) -> dict[str, float]:
    """Run every loader (or those named in ``only``) in order; return seconds spent per loader."""
    timings: dict[str, float] = {}
    for module in discover():
        name = loader_name(module)
        if only and name not in only:
            continue
        started = time.perf_counter()
        with transaction.atomic():
            module.load(stdout=stdout, now=now)
        timings[name] = time.perf_counter() - started
    return timings
