"""``manage.py sso_register_melofon``: register the demo partner "Мелофон" (AUTH-14), idempotently.

The same as the demo loader ``issa/demo/loaders/sso.py``, for a database without the demo data.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from issa.core import clock
from issa.sso.services import melofon_register


class Command(BaseCommand):
    help = "Register the demo partner «Мелофон» as an OpenID Connect client of ISSA (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        application, created = melofon_register(now=clock.now())
        state = "registered" if created else "up to date"
        self.stdout.write(
            f"«{application.name}» {state}: client_id {application.client_id}, {application.redirect_uris}"
        )
