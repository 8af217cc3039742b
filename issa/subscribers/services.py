"""Subscriber use cases that are not orders: revealing the SIM's codes (INFO-4)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from issa.core.errors import not_found
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import Sim, Subscriber


def sim_reveal_codes(*, subscriber: Subscriber, actor: Actor, now: datetime) -> dict[str, str]:
    """PIN1, PUK1, PIN2, PUK2 of the subscriber's own SIM, on an explicit request only (INFO-4).

    The request is audited (who, when, from where, through which channel) in the same transaction
    as the read; the codes themselves never reach the audit, a log or a cache.
    """
    sim = Sim.objects.filter(subscriber=subscriber).first()
    if sim is None:
        raise not_found()
    with transaction.atomic():
        audit_record(actor=actor, action="sim.codes_revealed", now=now, subscriber=subscriber, obj=sim)
        return sim.reveal()
