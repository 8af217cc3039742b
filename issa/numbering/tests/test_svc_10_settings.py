"""SVC-10: phone settings (Mobile Internet, MMS, streaming video) by SMS — an order to the network
(settings over the air, BSS-6) that sends one SMS of kind ``settings`` per chosen kind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from issa.core.errors import DomainError
from issa.notifications.models import SmsMessage
from issa.orders.models import Order, SimulatedCommand
from issa.orders.services import order_submit
from issa.subscribers.models import Subscriber

from .conftest import ACTOR
from .helpers import snapshot


@pytest.mark.django_db(transaction=True)
def test_svc_10_settings_sent_by_sms(member):
    before = snapshot(member)["network"]
    order = order_submit(
        subscriber=member,
        action="settings_send",
        params={"kinds": ["mms", "internet"]},
        actor=ACTOR,
        now=timezone.now(),
    )
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    sms = list(SmsMessage.objects.filter(msisdn=member.msisdn, kind="settings").order_by("pk"))
    assert len(sms) == 2
    assert "internet.issa.by" in sms[0].body
    assert "mmsc.issa.by" in sms[1].body
    command = SimulatedCommand.objects.get(command="send_settings")
    assert command.params == {"kinds": ["internet", "mms"]}
    assert snapshot(member)["network"] == before  # settings change nothing on the SIM


@pytest.mark.parametrize("kinds", [[], ["wap"], "", ["internet", "fax"]])
@pytest.mark.django_db(transaction=True)
def test_svc_10_bad_choice_refused_nothing_sent(member, kinds):
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member, action="settings_send", params={"kinds": kinds}, actor=ACTOR, now=timezone.now()
        )
    assert err.value.code == "invalid_settings_kind"
    assert snapshot(member) == before
    assert not SmsMessage.objects.filter(kind="settings").exists()


@pytest.mark.django_db(transaction=True)
def test_svc_10_svc_5_refused_while_suspended_by_operator(member):
    Subscriber.objects.filter(pk=member.pk).update(status=Subscriber.Status.SUSPENDED_OPERATOR)
    before = snapshot(member)
    with pytest.raises(DomainError) as err:
        order_submit(
            subscriber=member, action="settings_send", params={"kinds": ["mms"]}, actor=ACTOR, now=timezone.now()
        )
    assert err.value.code == "order_refused_suspended"
    assert snapshot(member) == before
    assert not SmsMessage.objects.filter(kind="settings").exists()
