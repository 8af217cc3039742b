"""USSD menus of the spine. Other apps register theirs in their own ``ussd.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from issa.billing.selectors import account_balance
from issa.core import rules
from issa.core.money import format_byn
from issa.subscribers.selectors import subscriber_for_msisdn

from .registry import Menu, Reply, UssdContext, ussd_menu


@ussd_menu(rules.DEFAULTS["USSD_BALANCE"])
class BalanceMenu(Menu):
    """*100#: the balance of the caller's account."""

    def start(self, ctx: UssdContext) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        balance = account_balance(account_id=subscriber.account_id)
        return Reply(text=_("Balance: %(amount)s") % {"amount": format_byn(balance, "ru")})
