"""The demo's corporate administrator (AUTH-11) is assigned once, through the access service."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from issa.access.models import CorporateRole
from issa.customers.models import Client
from issa.demo.loaders import access
from issa.identity.models import AuditEvent
from issa.testing.factories import AccountFactory, SubscriberFactory


@pytest.mark.django_db
def test_auth_11_demo_loader_makes_the_administrator_once():
    account = AccountFactory(client__kind=Client.Kind.LEGAL, client__name="ООО «Белтехсервис»")
    subscriber = SubscriberFactory(msisdn=access.ADMINISTRATOR, account=account)
    for _ in range(2):
        access.load(stdout=io.StringIO(), now=timezone.now())
    role = CorporateRole.objects.get(subscriber=subscriber)
    assert role.role == CorporateRole.Role.ADMINISTRATOR
    assert role.revoked_at is None
    assert AuditEvent.objects.filter(subscriber=subscriber).count() >= 1
