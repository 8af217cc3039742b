"""Demo loader: register the demo partner "Мелофон" as an OpenID Connect client (AUTH-14).

Idempotent: a second run finds the client unchanged and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

ORDER = 90


def load(*, stdout: Any, now: datetime) -> None:
    from issa.sso.services import melofon_register

    application, created = melofon_register(now=now)
    stdout.write(
        f"sso: partner «{application.name}» {'registered' if created else 'up to date'} "
        f"(client_id {application.client_id}, redirect {application.redirect_uris})"
    )
