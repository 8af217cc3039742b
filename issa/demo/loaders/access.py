"""Corporate roles of the demo (AUTH-11): +375 29 100-00-05 is the administrator of its legal
entity, so the corporate page (/corporate/) has someone to show it to. Idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from issa.access.models import CorporateRole
from issa.access.services import corporate_role_assign
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber

ORDER = 35
ADMINISTRATOR = "375291000005"


def load(*, stdout: Any, now: datetime) -> None:
    subscriber = Subscriber.objects.select_related("account__client").filter(msisdn=ADMINISTRATOR).first()
    if subscriber is None:
        return
    if CorporateRole.objects.filter(subscriber=subscriber, revoked_at__isnull=True).exists():
        return  # a role (perhaps changed by staff since) is already held: leave it
    corporate_role_assign(
        subscriber=subscriber,
        role=CorporateRole.Role.ADMINISTRATOR,
        application="demo: written application of the client",
        actor=Actor.system("demo_load"),
        now=now,
    )
    stdout.write(f"  corporate administrator: +{ADMINISTRATOR} for {subscriber.account.client.name}\n")
