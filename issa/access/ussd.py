"""USSD *141*3*6# (AUTH-10): the subscriber closes or opens their own ISSA access.

    *141*3*6#    -> the state and the menu "1 — закрыть доступ, 2 — открыть доступ"
    *141*3*6*1#  -> close at once
    *141*3*6*2#  -> open: asks for the PUK1 (never taken in the dialled string, which gateways log)

The menu parses and calls the services; refusals become the reply text. A wrong PUK1 is answered
here rather than raised, so that the try it counts is committed with the dialogue's transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from issa.core import rules
from issa.core.errors import DomainError
from issa.subscribers.selectors import subscriber_for_msisdn
from issa.ussd.registry import Menu, Reply, UssdContext, ussd_menu

from .models import AccessBlock
from .selectors import access_state
from .services import access_close_by_subscriber, access_open_by_subscriber

CLOSE = "1"
OPEN = "2"


@ussd_menu(rules.DEFAULTS["USSD_ACCESS"])
class AccessMenu(Menu):
    def start(self, ctx: UssdContext) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        if ctx.params:
            return self._choose(ctx, ctx.params[0])
        state = access_state(subscriber=subscriber)
        header = _("Access to the personal account is open.") if state.open else _("Access is closed.")
        return Reply(
            text="\n".join([header, _("1 — close access"), _("2 — open access")]),
            end=False,
            next_step="choose",
        )

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        text = (text or "").strip()
        if ctx.step == "choose":
            return self._choose(ctx, text)
        if ctx.step == "puk":
            return self._open(ctx, text)
        return Reply(text=_("Unknown request. Check the number and dial again."))

    def _choose(self, ctx: UssdContext, choice: str) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        if choice == CLOSE:
            access_close_by_subscriber(subscriber=subscriber, actor=ctx.actor, now=ctx.now)
            return Reply(
                text=_("Access to the personal account is closed. To open it, dial %(ussd)s.")
                % {"ussd": rules.get("USSD_ACCESS")}
            )
        if choice == OPEN:
            state = access_state(subscriber=subscriber)
            if state.open:
                return Reply(text=_("Access is already open."))
            if AccessBlock.Reason.SUBSCRIBER not in state.reasons and state.denial is not None:
                return Reply(text=state.denial.text())  # not the subscriber's to lift: no PUK1 asked
            return Reply(text=_("Enter the PUK1 code of your SIM card:"), end=False, next_step="puk")
        return Reply(text=_("Unknown request. Check the number and dial again."))

    def _open(self, ctx: UssdContext, puk1: str) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        try:
            access_open_by_subscriber(subscriber=subscriber, puk1=puk1, actor=ctx.actor, now=ctx.now)
        except DomainError as error:
            return Reply(text=error.text())
        return Reply(text=_("Access to the personal account is open."))
