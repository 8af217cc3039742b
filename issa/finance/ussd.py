"""USSD promised payment (FIN-3): ``*141*7#`` (rule ``USSD_PROMISED``).

    *141*7#        -> the terms and "Введите сумму"
    *141*7*2.50#   -> the amount given at once
    then           -> "1 — подтвердить, 2 — отмена": the dialogue's own confirm-or-cancel step

The menu parses and calls the finance services; refusals become the reply text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from issa.core import rules
from issa.core.errors import DomainError
from issa.core.money import format_byn, parse_roubles, to_kopecks
from issa.subscribers.selectors import subscriber_for_msisdn
from issa.ussd.registry import Menu, Reply, UssdContext, ussd_menu

from .services import promised_register_direct

CONFIRM = "1"


@ussd_menu(rules.DEFAULTS["USSD_PROMISED"])
class PromisedMenu(Menu):
    def start(self, ctx: UssdContext) -> Reply:
        subscriber_for_msisdn(ctx.msisdn)
        if ctx.params:
            return self._amount(ctx, ctx.params[0].replace("*", ""))
        limit = format_byn(to_kopecks(rules.get("PROMISED_PAYMENT_MAX")))
        return Reply(
            text=_("Promised payment up to %(max)s for %(days)s days. Enter the amount:")
            % {"max": limit, "days": rules.get("PROMISED_PAYMENT_DAYS")},
            end=False,
            next_step="amount",
        )

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        text = (text or "").strip()
        if ctx.step == "amount":
            return self._amount(ctx, text)
        if ctx.step == "confirm":
            if text != CONFIRM:
                return Reply(text=_("The promised payment is cancelled."))
            subscriber = subscriber_for_msisdn(ctx.msisdn)
            try:
                row = promised_register_direct(
                    subscriber=subscriber, amount=int(ctx.data["amount"]), actor=ctx.actor, now=ctx.now
                )
            except DomainError as error:
                return Reply(text=error.text())
            return Reply(
                text=_("%(amount)s credited for %(days)s days.")
                % {"amount": format_byn(row.amount), "days": rules.get("PROMISED_PAYMENT_DAYS")}
            )
        return Reply(text=_("Unknown request. Check the number and dial again."))

    def _amount(self, ctx: UssdContext, text: str) -> Reply:
        try:
            amount = parse_roubles(text)
        except ValueError:
            amount = 0
        limit = to_kopecks(rules.get("PROMISED_PAYMENT_MAX"))
        if amount <= 0 or amount > limit:
            return Reply(text=_("A promised payment is from 0,01 to %(max)s.") % {"max": format_byn(limit)})
        ctx.data["amount"] = amount
        return Reply(
            text=_("Credit %(amount)s?\n1 — confirm\n2 — cancel") % {"amount": format_byn(amount)},
            end=False,
            next_step="confirm",
        )
