"""The order action registry (BSS-6). See ``issa.orders.actions`` for the contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind

from .network import NetworkAdapter

ACTIONS: dict[str, OrderAction] = {}

A = TypeVar("A", bound="type[OrderAction]")


class OrderAction:
    """One kind of order. Subclasses override what they need; every method is keyword-only.

    * ``title``: a human title of the kind (lazy translation), e.g. «Смена тарифного плана».
    * ``describe(params)``: the title of one order, e.g. «Подключение услуги «Безлимит»».
    * ``clean(subscriber, params)``: normalise the request's parameters (strip, parse numbers,
      look codes up); raise ``DomainError`` for bad input. The result is stored with the order.
    * ``validate(subscriber, params, now)``: may this subscriber have this now? (catalogue rules,
      what is connected). Raise ``DomainError``. Called at submit, at confirm and again by the
      worker before provisioning, so the state never drifts from the rules.
    * ``price(subscriber, params, now)``: the one-time price in kopecks that a prepaid balance
      must cover (SVC-4): connection fee plus the first subscription charge.
    * ``scheduled_for(subscriber, params, now)``: when the change is due (default: now).
    * ``provision(network, order)``: tell the network, idempotently (``order_request_id``).
    * ``complete(order, now)``: our state and one-time fees (``ledger_post`` with the key
      ``order:<id>:…``), inside the worker's transaction; must be safe to re-run after a crash.
    * ``allowed_while_paused``: only "restore" (SVC-5 / SVC-9).
    * ``lock_key(params)``: two open orders with the same key are refused (default: the action).
    """

    code: str = ""
    title: Any = ""
    allowed_while_paused: bool = False

    def describe(self, *, params: dict[str, Any]) -> str:
        return str(self.title)

    def clean(self, *, subscriber: Any, params: dict[str, Any]) -> dict[str, Any]:
        return dict(params or {})

    def validate(self, *, subscriber: Any, params: dict[str, Any], now: datetime) -> None:
        return None

    def price(self, *, subscriber: Any, params: dict[str, Any], now: datetime) -> int:
        return 0

    def scheduled_for(self, *, subscriber: Any, params: dict[str, Any], now: datetime) -> datetime:
        return now

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        raise NotImplementedError

    def complete(self, *, order: Any, now: datetime) -> None:
        raise NotImplementedError

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return self.code


def order_action(code: str) -> Callable[[A], A]:
    """Register an action class under ``code`` (one instance is kept)."""

    def decorate(cls: A) -> A:
        if (
            code in ACTIONS
            and type(ACTIONS[code]) is not cls
            and ACTIONS[code].__class__.__qualname__ != cls.__qualname__
        ):
            raise ValueError(f"order action {code!r} registered twice")
        cls.code = code
        ACTIONS[code] = cls()
        return cls

    return decorate


def get_action(code: str) -> OrderAction:
    try:
        return ACTIONS[code]
    except KeyError:
        raise DomainError(
            "order_action_unknown", _("There is no such operation."), kind=ErrorKind.INVALID, field="action"
        ) from None
