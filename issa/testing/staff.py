"""Tests that use the back office log staff in the way django-otp does after a right code.

``staff_login(client, user)`` replaces ``client.force_login(user)`` for /staff/: it logs the user
in, gives them a confirmed TOTP device (or uses theirs) and marks the session verified with it
(``django_otp.DEVICE_ID_SESSION_KEY``, what ``django_otp.login`` stores). ``totp_code(device)``
is the code an authenticator app would show now, for tests that type it into the real form.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from issa.backoffice.services import totp_code

__all__ = ["staff_device", "staff_login", "totp_code"]


def staff_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device, made when missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def staff_login(client: Client, user: Any) -> TOTPDevice:
    device = staff_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
