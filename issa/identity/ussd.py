"""USSD ``*141*0#`` (AUTH-3): set the ISSA password from the phone. It registers the number if
needed and recovers a forgotten password otherwise; an SMS confirms. A wrong password is asked
again (up to three tries in one dialogue)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from issa.core import rules
from issa.core.errors import DomainError
from issa.subscribers.selectors import subscriber_for_msisdn
from issa.ussd.registry import Menu, Reply, UssdContext, ussd_menu

from .services.access_hook import ensure_access
from .services.accounts import password_set_by_ussd

MAX_TRIES = 3


def _prompt() -> str:
    return _("ISSA password: reply with %(min)s to %(max)s letters or digits.") % {
        "min": rules.get("PASSWORD_MIN_LENGTH"),
        "max": rules.get("PASSWORD_MAX_LENGTH"),
    }


@ussd_menu(rules.DEFAULTS["USSD_REGISTER"])
class IssaPasswordMenu(Menu):
    def start(self, ctx: UssdContext) -> Reply:
        subscriber = subscriber_for_msisdn(ctx.msisdn)
        ensure_access(subscriber=subscriber)
        ctx.data["tries"] = 0
        return Reply(text=_prompt(), end=False, next_step="password")

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        try:
            created = password_set_by_ussd(
                msisdn=ctx.msisdn, password=(text or "").strip(), actor=ctx.actor, now=ctx.now
            )
        except DomainError as error:
            if error.code not in ("password_invalid", "password_mismatch"):
                raise
            ctx.data["tries"] = int(ctx.data.get("tries", 0)) + 1
            if ctx.data["tries"] >= MAX_TRIES:
                return Reply(text=error.text())
            return Reply(text=f"{error.text()} {_prompt()}", end=False, next_step="password")
        if created:
            return Reply(text=_("You are registered in ISSA. An SMS confirms it."))
        return Reply(text=_("Your ISSA password is changed. An SMS confirms it."))
