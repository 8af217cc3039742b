"""The demo operator's staff: one login per back-office role (issa/backoffice/roles.py) with a
TOTP device whose key is fixed here, and the same kind of device for the superuser ``admin``.

The keys are published (this file), so the demo is usable without a phone: the virtual phone's
page /phone/staff/ shows each demo login's current code, in development only (ADR 0009). One
password for all of them, hashed once per run and only when a login is missing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.backoffice.roles import ROLE_BY_KEY, roles_sync
from issa.identity.models import User

from .users import ADMIN_LOGIN

ORDER = 32  # after the users (30): the superuser gets its TOTP device too
STAFF_PASSWORD = "staff12345"  # noqa: S105 -- the published password of the demo staff logins
DEVICE_NAME = "ISSA demo"


@dataclass(frozen=True)
class DemoStaff:
    login: str
    name: str
    role: str  # a key of issa.backoffice.roles.ROLES; "" for the superuser


DEMO_STAFF = [
    DemoStaff("cc411", "Оператор контакт-центра 411", "cc411"),
    DemoStaff("sales", "Специалист центра продаж", "sales"),
    DemoStaff("finance", "Специалист финансового отдела", "finance"),
    DemoStaff("catalog", "Менеджер каталога", "catalog"),
    DemoStaff("billing", "Инженер биллинга", "billing"),
    DemoStaff("support", "Специалист поддержки", "support"),
]
ALL_LOGINS = [ADMIN_LOGIN, *(s.login for s in DEMO_STAFF)]


def demo_key(login: str) -> str:
    """The fixed TOTP key (20 bytes, hex) of a demo staff login."""
    return hashlib.sha1(f"issa-demo-staff-totp:{login}".encode()).hexdigest()  # noqa: S324 -- a published demo key


def load(*, stdout: Any, now: datetime) -> None:
    roles_sync(audit=False)  # the groups exist after migrate; made sure of here too
    existing = set(User.objects.filter(login__in=[s.login for s in DEMO_STAFF]).values_list("login", flat=True))
    missing = [s for s in DEMO_STAFF if s.login not in existing]
    if missing:
        password = make_password(STAFF_PASSWORD)  # once, whatever the number of logins
        User.objects.bulk_create(
            [
                User(
                    login=s.login,
                    kind=User.Kind.STAFF,
                    full_name=s.name,
                    is_staff=True,
                    password=password,
                    date_joined=now,
                    password_changed_at=now,
                )
                for s in missing
            ]
        )
    users = {u.login: u for u in User.objects.filter(login__in=ALL_LOGINS)}
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.name for r in ROLE_BY_KEY.values()])}
    for s in DEMO_STAFF:
        users[s.login].groups.set([groups[ROLE_BY_KEY[s.role].name]])

    with_device = set(
        TOTPDevice.objects.filter(user__login__in=ALL_LOGINS, confirmed=True).values_list("user__login", flat=True)
    )
    devices = [
        TOTPDevice(user=users[login], name=DEVICE_NAME, key=demo_key(login), confirmed=True)
        for login in ALL_LOGINS
        if login in users and login not in with_device
    ]
    TOTPDevice.objects.bulk_create(devices)

    stdout.write(f"staff: created {len(missing)} staff logins and {len(devices)} TOTP devices")
    stdout.write(f"Demo staff at /staff/ (password {STAFF_PASSWORD}; the current code is on /phone/staff/):")
    for s in DEMO_STAFF:
        stdout.write(f"  {s.login:8}  {ROLE_BY_KEY[s.role].name}")
