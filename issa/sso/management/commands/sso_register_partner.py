"""``manage.py sso_register_partner``: register a partner service as an OpenID Connect client
(AUTH-14) — confidential, authorization code with PKCE, RS256, consent required.

The client secret is generated here and printed once; ISSA keeps only its hash. Running the
command again for the same client id updates name and redirect URIs and keeps the secret, unless
``--new-secret`` is given.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from oauth2_provider.models import get_application_model

from issa.core import clock
from issa.identity.actor import Actor
from issa.sso.services import partner_client_register


class Command(BaseCommand):
    help = "Register or update a partner service (OpenID Connect client) and print its credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--name", required=True, help="shown to subscribers on the consent screen")
        parser.add_argument("--redirect-uri", action="append", required=True, help="exact callback URI; repeatable")
        parser.add_argument("--new-secret", action="store_true", help="issue a new client secret")

    def handle(self, *args: Any, **options: Any) -> None:
        client_id: str = options["client_id"]
        existing = get_application_model().objects.filter(client_id=client_id).first()
        secret = secrets.token_urlsafe(48) if existing is None or options["new_secret"] else None
        try:
            application, created = partner_client_register(
                client_id=client_id,
                client_secret=secret,
                name=options["name"],
                redirect_uris=options["redirect_uri"],
                actor=Actor.system("manage.py sso_register_partner"),
                now=clock.now(),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{'Registered' if created else 'Updated'} «{application.name}»: client_id {client_id}")
        if secret is not None:
            self.stdout.write(f"client_secret {secret}")
            self.stdout.write("Hand the secret to the partner now: ISSA stores only its hash.")
