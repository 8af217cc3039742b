"""ISSA logins of the well-known demo numbers (password ``demo1234``) and the staff superuser.

Only these few users get a password hash: Argon2id is slow on purpose, so hashing is done once
per user and never for the ≈1,000 generated subscribers (they register through the portal).
The superuser ``admin`` takes its password from ``ISSA_ADMIN_PASSWORD`` (default ``admin12345``),
printed only when the account is created.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password

from issa.identity.models import User
from issa.subscribers.models import Subscriber

from .subscribers import DEMO_NUMBERS, DEMO_PIN1, DEMO_PUK1

ORDER = 30
DEMO_PASSWORD = "demo1234"  # noqa: S105 -- the published password of the demo numbers
ADMIN_LOGIN = "admin"
ADMIN_DEFAULT_PASSWORD = "admin12345"  # noqa: S105 -- development default, overridden by env


def load(*, stdout: Any, now: datetime) -> None:
    wanted = [d for d in DEMO_NUMBERS if d.user]
    existing = set(User.objects.filter(login__in=[d.msisdn for d in wanted]).values_list("login", flat=True))
    subscribers = {s.msisdn: s for s in Subscriber.objects.select_related("account__client").filter(
        msisdn__in=[d.msisdn for d in wanted])}  # fmt: skip
    new = [
        User(
            login=d.msisdn,
            kind=User.Kind.MOBILE,
            subscriber=subscribers[d.msisdn],
            full_name=d.name,
            email=subscribers[d.msisdn].account.client.email if d.company is None else "",
            password=make_password(DEMO_PASSWORD),
            date_joined=now - timedelta(days=30 * (i + 1)),
            password_changed_at=now - timedelta(days=30 * (i + 1)),
        )
        for i, d in enumerate(wanted)
        if d.msisdn not in existing
    ]
    User.objects.bulk_create(new)

    admin_created = False
    if not User.objects.filter(login=ADMIN_LOGIN).exists():
        password = os.environ.get("ISSA_ADMIN_PASSWORD") or ADMIN_DEFAULT_PASSWORD
        User.objects.create_superuser(ADMIN_LOGIN, password, full_name="Администратор ISSA")
        admin_created = True
        stdout.write(f"users: staff superuser created: login {ADMIN_LOGIN}, password {password} (shown once)")

    stdout.write(f"users: created {len(new)} demo logins{' and the superuser' if admin_created else ''}")
    stdout.write(f"Demo numbers (ISSA password {DEMO_PASSWORD}; SIM PIN1 {DEMO_PIN1}, PUK1 {DEMO_PUK1}):")
    for d in DEMO_NUMBERS:
        login = "login" if d.user else "no login"
        stdout.write(f"  +{d.msisdn}  {login:8}  {d.role}")
