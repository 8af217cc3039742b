"""FIN-4: express-payment cards — issue, printer file, redeem once, rate limits, USSD."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.payments.models import ExpressCard
from issa.payments.services import express_batch_export, express_batch_issue, express_card_redeem
from issa.payments.services.express import luhn_valid
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db


def _issue(n: int = 3, value: int = 1000) -> list[str]:
    _batch, codes = express_batch_issue(
        face_value=value, quantity=n, note="", actor=Actor.system("t"), now=timezone.now()
    )
    return codes


def _web(ip: str = "10.0.0.1") -> Actor:
    return Actor(channel="web", ip=ip)


def test_fin_4_codes_are_14_digits_with_check_digit_and_stored_hashed() -> None:
    codes = _issue(5)
    assert all(len(c) == 14 and c.isdigit() and luhn_valid(c) for c in codes)
    stored = list(ExpressCard.objects.values_list("code_hash", "last4"))
    assert {last4 for _h, last4 in stored} == {c[-4:] for c in codes}
    assert not any(c in h for h, _l in stored for c in codes)


def test_fin_4_card_credits_once_and_second_use_gets_clear_message() -> None:
    code = _issue(1, 1500)[0]
    first = subscriber_with_balance(100)
    second = subscriber_with_balance(100)
    express_card_redeem(subscriber=first, code=code, actor=_web(), now=timezone.now())
    with pytest.raises(DomainError) as err:
        express_card_redeem(subscriber=second, code=code, actor=_web("10.0.0.2"), now=timezone.now())
    assert err.value.code == "express_card_used"
    assert account_balance(account_id=first.account_id) == 1600
    assert account_balance(account_id=second.account_id) == 100
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_fin_4_wrong_codes_rate_limited_per_subscriber_and_nothing_credited() -> None:
    _issue(1)
    subscriber = subscriber_with_balance(100)
    for _ in range(5):
        with pytest.raises(DomainError):
            express_card_redeem(subscriber=subscriber, code="12345678901234", actor=_web(), now=timezone.now())
    code = _issue(1)[0]
    with pytest.raises(DomainError) as err:  # even a right code is refused while locked
        express_card_redeem(subscriber=subscriber, code=code, actor=_web("10.9.9.9"), now=timezone.now())
    assert err.value.code == "express_too_many_attempts"
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_fin_4_wrong_codes_rate_limited_per_ip() -> None:
    for _ in range(20):
        with pytest.raises(DomainError):
            express_card_redeem(
                subscriber=subscriber_with_balance(0), code="1", actor=_web("10.7.7.7"), now=timezone.now()
            )
    code = _issue(1)[0]
    with pytest.raises(DomainError) as err:
        express_card_redeem(
            subscriber=subscriber_with_balance(0), code=code, actor=_web("10.7.7.7"), now=timezone.now()
        )
    assert err.value.code == "express_too_many_attempts"
    assert ExpressCard.objects.get().state == ExpressCard.State.ACTIVE


def test_fin_4_printer_file_csv_and_xlsx() -> None:
    batch, codes = express_batch_issue(face_value=500, quantity=3, note="", actor=Actor.system("t"), now=timezone.now())
    name, content, _mime = express_batch_export(batch=batch, codes=codes, fmt="csv")
    rows = list(csv.reader(io.StringIO(content.decode()), delimiter=";"))
    assert name.endswith(".csv")
    assert [r[1] for r in rows[1:]] == codes
    assert rows[1][2] == "5.00"
    name, content, _mime = express_batch_export(batch=batch, codes=codes, fmt="xlsx")
    assert name.endswith(".xlsx")
    assert content[:2] == b"PK"


def test_fin_4_staff_issue_downloads_the_file_once() -> None:
    staff = get_user_model().objects.create_superuser("staffer", None)
    client = Client()
    staff_login(client, staff)
    response = client.post(
        "/staff/payments/expresscardbatch/issue/", {"face_value": "10", "quantity": "4", "fmt": "csv", "note": ""}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert ExpressCard.objects.filter(face_value=1000).count() == 4


def test_fin_4_portal_redeem() -> None:
    code = _issue(1, 2000)[0]
    subscriber = subscriber_with_balance(100)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    assert client.post("/pay/express/", {"code": "00000000000000"}).status_code in (400, 404)
    response = client.post("/pay/express/", {"code": code})
    assert response.status_code == 200
    assert account_balance(account_id=subscriber.account_id) == 2100
    used = client.post("/pay/express/", {"code": code})
    assert used.status_code == 409
    assert account_balance(account_id=subscriber.account_id) == 2100


def test_fin_4_api_redeem() -> None:
    code = _issue(1, 300)[0]
    subscriber = subscriber_with_balance(0)
    client = Client()
    client.force_login(UserFactory(subscriber=subscriber))
    response = client.post("/api/payments/express", {"code": code}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["balance_kopecks"] == 300


def test_fin_4_ussd_redeem(settings: Any) -> None:
    code = _issue(1, 400)[0]
    subscriber = subscriber_with_balance(0)
    client = Client()
    headers = {"HTTP_X_USSD_TOKEN": settings.ISSA_USSD_TOKEN}
    response = client.post(
        "/ussd/gateway",
        {"session_id": "s1", "msisdn": subscriber.msisdn, "text": f"*122*{code}#"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    assert "4,00" in response.json()["text"]
    assert account_balance(account_id=subscriber.account_id) == 400


def test_fin_4_ussd_asks_for_the_code_then_credits(settings: Any) -> None:
    code = _issue(1, 250)[0]
    subscriber = subscriber_with_balance(0)
    client = Client()
    headers = {"HTTP_X_USSD_TOKEN": settings.ISSA_USSD_TOKEN}

    def send(text: str, session: str = "s2") -> Any:
        return client.post(
            "/ussd/gateway",
            {"session_id": session, "msisdn": subscriber.msisdn, "text": text},
            content_type="application/json",
            **headers,
        ).json()

    first = send("*122#")
    assert first["end"] is False
    wrong = send("1111")
    assert wrong["end"] is True
    assert account_balance(account_id=subscriber.account_id) == 0
    send("*122#", "s3")
    assert send(code, "s3")["end"] is True
    assert account_balance(account_id=subscriber.account_id) == 250
