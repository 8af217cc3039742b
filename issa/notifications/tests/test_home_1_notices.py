"""HOME-1: notices to a home-and-office line (a fixed number, no handset) never go out as SMS.
``subscriber_notify`` chooses the channel in one place: a successful card payment and a support
answer reach a mobile number by SMS, a home line by e-mail to the contract's address (over a real
SMTP server here), or — without an address — only through the portal's own pages."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.test import Client as HttpClient

from issa.catalog.models import TariffPlan
from issa.customers.models import Client as Contract
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.notifications.models import SmsMessage
from issa.notifications.services import sms_reachable, subscriber_notify
from issa.payments.services import payment_create
from issa.payments.tests.conftest import signed_callback, success_payload
from issa.subscribers.models import Subscriber
from issa.support import services as support
from issa.testing.factories import TariffPlanFactory, subscriber_with_balance
from issa.testing.smtp import Inbox

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def home_line(email: str) -> Subscriber:
    plan = TariffPlanFactory(code="home-100", name="Домашний интернет 100", kind=TariffPlan.Kind.HOME)
    line: Subscriber = subscriber_with_balance(
        1000, now=NOW, msisdn="375172000001", plan=plan, device=Subscriber.Device.MODEM
    )
    Contract.objects.filter(pk=line.account.client_id).update(email=email)
    return Subscriber.objects.select_related("plan", "account__client").get(pk=line.pk)


def mobile_line(email: str = "") -> Subscriber:
    line: Subscriber = subscriber_with_balance(1000, now=NOW, msisdn="375291110001")
    Contract.objects.filter(pk=line.account.client_id).update(email=email)
    return Subscriber.objects.select_related("plan", "account__client").get(pk=line.pk)


def pay(line: Subscriber, capture: Any) -> None:
    payment = payment_create(
        payer=None, msisdn=line.msisdn, amount=1500, save_card=False, actor=Actor.system("test"), now=NOW
    )
    with capture(execute=True):
        assert signed_callback(HttpClient(), success_payload(payment)).status_code == 200


def text_of(envelope: Any) -> tuple[str, str]:
    message = message_from_bytes(envelope.content)
    subject = str(make_header(decode_header(message["Subject"])))
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode(message.get_content_charset() or "utf-8")
    return subject, body


def test_home_1_card_payment_notice_of_a_home_line_goes_by_email_never_sms(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    line = home_line("home@example.by")

    pay(line, django_capture_on_commit_callbacks)

    assert not SmsMessage.objects.filter(msisdn=line.msisdn).exists()
    assert not SmsMessage.objects.exists()
    assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == ["home@example.by"]
    subject, body = text_of(smtp.messages[0])
    assert subject == "Платёж зачислен"
    assert body.startswith("Ваш счёт пополнен на 15,00\u00a0руб. с банковской карточки. Баланс: 25,00\u00a0руб.")


def test_home_1_card_payment_of_a_home_line_without_contract_email_sends_nothing(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    line = home_line("")

    pay(line, django_capture_on_commit_callbacks)

    assert not SmsMessage.objects.exists()
    assert smtp.messages == []


def test_home_1_card_payment_of_a_mobile_number_is_still_an_sms_only(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    line = mobile_line("mobile@example.by")

    pay(line, django_capture_on_commit_callbacks)

    assert list(SmsMessage.objects.values_list("msisdn", "kind")) == [(line.msisdn, "payment")]
    assert smtp.messages == []


def test_home_1_support_answer_to_a_home_line_by_email_only(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    line = home_line("home@example.by")
    staff = User.objects.create_superuser("operator411", "Str0ng-pass!")
    item = support.support_request_create(
        subscriber=line, topic="question", subject="Скорость", text="Почему медленно?", actor=Actor.system("t"), now=NOW
    )

    with django_capture_on_commit_callbacks(execute=True):
        support.support_answer(request_id=item.pk, text="Проверили линию.", actor=Actor("admin", user=staff), now=NOW)

    assert not SmsMessage.objects.exists()
    assert [m.rcpt_tos for m in smtp.messages] == [["home@example.by"]]
    subject, body = text_of(smtp.messages[0])
    assert subject == f"Ответ на ваше обращение №{item.pk}"
    assert "Проверили линию." not in body  # a notice, never the text of the answer


def test_home_1_support_answer_to_a_mobile_number_by_sms_and_contract_email(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    line = mobile_line("mobile@example.by")
    staff = User.objects.create_superuser("operator411", "Str0ng-pass!")
    item = support.support_request_create(
        subscriber=line, topic="question", subject="Роуминг", text="Работает ли?", actor=Actor.system("t"), now=NOW
    )

    with django_capture_on_commit_callbacks(execute=True):
        support.support_answer(request_id=item.pk, text="Да.", actor=Actor("admin", user=staff), now=NOW)

    assert list(SmsMessage.objects.values_list("msisdn", "kind")) == [(line.msisdn, "support_answer")]
    assert [m.rcpt_tos for m in smtp.messages] == [["mobile@example.by"]]


def test_home_1_channel_choice_by_line() -> None:
    home = home_line("")
    mobile = mobile_line("")
    assert (sms_reachable(home), sms_reachable(mobile)) == (False, True)
    # a fixed number on any plan has no handset either
    fixed = Subscriber(msisdn="375172999999", plan=mobile.plan, account=mobile.account)
    assert sms_reachable(fixed) is False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("issa.notifications.services.sms_send", pytest.fail)
        assert subscriber_notify(subscriber=home, text="x", subject="y", kind="t", now=NOW) == []


def test_home_1_a_home_line_blocked_for_funds_is_told_by_email_never_sms(
    smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    from issa.billing.guard import prepaid_guard
    from issa.billing.models import LedgerEntry
    from issa.billing.services import ledger_post

    line = home_line("home@example.by")
    ledger_post(
        account=line.account, subscriber=line, amount=-1000, kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
        reason="fee", idempotency_key="fee:home", now=NOW,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        prepaid_guard(account_ids=[line.account_id], now=NOW)

    line.refresh_from_db()
    assert line.status == Subscriber.Status.BLOCKED_FUNDS
    assert not SmsMessage.objects.exists()
    assert [m.rcpt_tos for m in smtp.messages] == [["home@example.by"]]
    subject, body = text_of(smtp.messages[0])
    assert subject == "Услуги приостановлены"
    assert body.startswith("Баланс: 0,00\u00a0руб. Доступ в интернет приостановлен.")  # one full stop after "руб."
