"""USSD menus of the spine. Other apps register theirs in their own ``ussd.py``."""

from __future__ import annotations

from issa.billing.info import balance_screen
from issa.core import clock, rules
from issa.subscribers.selectors import subscriber_for_msisdn

from .registry import Menu, Reply, UssdContext, ussd_menu


@ussd_menu(rules.DEFAULTS["USSD_BALANCE"])
class BalanceMenu(Menu):
    """*100#: the balance of the caller's account and the remaining allowances, on one screen."""

    def start(self, ctx: UssdContext) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        return Reply(text=balance_screen(subscriber=subscriber, now=ctx.now or clock.now()))
