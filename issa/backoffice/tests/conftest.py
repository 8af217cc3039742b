"""Fixtures of the back office's tests: a verified staff member of a role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from issa.backoffice.roles import ROLE_BY_KEY
from issa.identity.models import User
from issa.testing.staff import staff_login


@pytest.fixture
def as_role(db: Any) -> Callable[[str], tuple[Client, User]]:
    """``as_role("cc411")`` -> a client logged in (password and TOTP verified) as a staff member
    holding only that role, and the user."""

    def make(key: str) -> tuple[Client, User]:
        user = User.objects.create_user(f"t-{key}", None, kind=User.Kind.STAFF, is_staff=True)
        user.groups.add(Group.objects.get(name=ROLE_BY_KEY[key].name))
        client = Client()
        staff_login(client, user)
        return client, user

    return make
