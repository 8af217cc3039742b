"""USSD *122*code# (FIN-4): pay with an express card from the phone.

    *122#         -> asks for the code
    *122*CODE#    -> credits at once

Refusals (wrong code, used card, too many attempts) become the reply text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from issa.core import rules
from issa.core.money import format_byn
from issa.subscribers.selectors import subscriber_for_msisdn
from issa.ussd.registry import Menu, Reply, UssdContext, ussd_menu

from .services import express_card_redeem


@ussd_menu(rules.DEFAULTS["EXPRESS_CARD_USSD"])
class ExpressCardMenu(Menu):
    def start(self, ctx: UssdContext) -> Reply:
        if ctx.params:
            return self._redeem(ctx, "".join(ctx.params))
        return Reply(
            text=_("Enter the %(digits)s-digit code of the express card:")
            % {"digits": rules.get("EXPRESS_CARD_DIGITS")},
            end=False,
            next_step="code",
        )

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        return self._redeem(ctx, text)

    def _redeem(self, ctx: UssdContext, code: str) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        card, _entry = express_card_redeem(
            subscriber=subscriber, code=code, actor=ctx.actor, now=ctx.now, limit_ip=False
        )
        return Reply(text=_("%(amount)s credited to your account.") % {"amount": format_byn(card.face_value)})
