"""One USSD request in, one reply out. DomainErrors become the reply text here, in one place."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from issa.core.errors import DomainError
from issa.identity.actor import Actor

from .models import UssdSession
from .registry import Reply, UssdContext, resolve

MAX_REPLY = 182  # GSM 03.38 characters that fit one USSD screen


def handle(*, session_id: str, msisdn: str, text: str, now: datetime, ip: str | None = None) -> Reply:
    with translation.override("ru"):
        return _handle(session_id=session_id, msisdn=msisdn, text=text, now=now, ip=ip)


def _handle(*, session_id: str, msisdn: str, text: str, now: datetime, ip: str | None) -> Reply:
    actor = Actor(channel="ussd", ip=ip, label=f"USSD {msisdn}")
    session = UssdSession.objects.filter(session_id=session_id).first()
    try:
        with transaction.atomic():
            if session is None or session.ended:
                menu_cls, params = resolve(text)
                if menu_cls is None:
                    return Reply(text=_("Unknown request. Check the number and dial again."))
                # A gateway may reuse a session id once its dialogue has ended: start afresh on that row.
                session, _created = UssdSession.objects.update_or_create(
                    session_id=session_id,
                    defaults={
                        "msisdn": msisdn,
                        "menu": menu_cls.code,
                        "step": "start",
                        "data": {},
                        "started_at": now,
                        "updated_at": now,
                        "ended": False,
                    },
                )
                ctx = UssdContext(msisdn=msisdn, session_id=session_id, now=now, actor=actor, params=params)
                reply = menu_cls().start(ctx)
            else:
                if session.msisdn != msisdn:
                    return Reply(text=_("Unknown request. Check the number and dial again."))
                menu_cls, _params = resolve(session.menu)
                if menu_cls is None:
                    return Reply(text=_("Unknown request. Check the number and dial again."))
                ctx = UssdContext(
                    msisdn=msisdn, session_id=session_id, now=now, actor=actor, step=session.step, data=session.data
                )
                reply = menu_cls().answer(ctx, text)
            session.step = reply.next_step or session.step
            session.data = ctx.data
            session.updated_at = now
            session.ended = reply.end
            session.save(update_fields=["step", "data", "updated_at", "ended"])
    except DomainError as error:
        UssdSession.objects.filter(session_id=session_id).update(ended=True, updated_at=now)
        return Reply(text=error.text()[:MAX_REPLY], end=True)
    reply.text = reply.text[:MAX_REPLY]
    return reply
