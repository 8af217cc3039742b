"""BILL-3 call and SMS detail in the portal: step-up (SMS M-code, PUK1 for a tablet or modem)
kept in the session only, own subscriber only, exact filters and totals, keyset pages, PDF and
Excel, closed on the 1st–3rd (BILL-4)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from issa.core.clock import OPERATOR_TZ
from issa.identity.models import AuditEvent, OtpChallenge, User
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber
from issa.testing.factories import SubscriberFactory, UserFactory
from issa.usage.detail import DetailQuery, detail_page, detail_totals
from issa.usage.models import UsageRecord
from issa.usage.storage import ensure_partitions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _partitions(db: None) -> None:
    """PostgreSQL keeps usage in monthly partitions; create the months the tests use."""
    ensure_partitions([f"2026-{m:02d}" for m in range(4, 13)])


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=OPERATOR_TZ)  # type: ignore[misc,arg-type]


NOW = minsk(2026, 11, 20, 12)
_seq = iter(range(1, 10**9))


def record(sub: Subscriber, start: datetime, *, kind: str = "voice", outgoing: bool = True, **kw: Any) -> UsageRecord:
    n = next(_seq)
    values: dict[str, Any] = {
        "source": "MSC-T",
        "record_id": f"r{n:08d}",
        "start_time": start,
        "msisdn": sub.msisdn,
        "subscriber_id": sub.pk,
        "account_id": sub.account_id,
        "kind": kind,
        "outgoing": outgoing,
        "destination": "offnet",
        "other_party": "375447654321",
        "duration": 60 if kind == "voice" else 0,
        "quantity": 60 if kind == "voice" else 1,
        "charge": 20,
        "batch_id": 1,
        "bill_period": f"{start:%Y-%m}",
        "rated_at": start,
    }
    values.update(kw)
    return UsageRecord.objects.create(**values)


def code_of(msisdn: str) -> str:
    message = SmsMessage.objects.filter(msisdn=msisdn, kind="otp").order_by("-id").first()
    assert message is not None
    match = re.search(r"#(\d{6})$", message.body)
    assert match
    return match.group(1)


CHOICE = {"period": "2026-11", "kind": "calls", "direction": "out"}


def web_for(sub: Subscriber) -> Client:
    web = Client()
    web.force_login(User.objects.filter(subscriber=sub).first() or UserFactory(subscriber=sub))
    return web


@pytest.fixture
def sub() -> Subscriber:
    subscriber: Subscriber = SubscriberFactory()
    record(subscriber, minsk(2026, 11, 5, 10), duration=125, quantity=125, charge=42)
    record(subscriber, minsk(2026, 11, 6, 11), duration=62, quantity=62, charge=13, other_party="375291112233")
    record(subscriber, minsk(2026, 11, 6, 12), outgoing=False, duration=30, quantity=30, charge=0)
    record(subscriber, minsk(2026, 11, 7, 9), kind="sms", quantity=2, charge=16)
    record(subscriber, minsk(2026, 11, 20, 9), duration=600, quantity=600, charge=999)  # today: not yet shown
    record(subscriber, minsk(2026, 10, 31, 23, 59), duration=10, quantity=10, charge=5)  # previous period
    return subscriber


def passed(web: Client, sub: Subscriber) -> None:
    web.post(reverse("portal:detail"), CHOICE)
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": code_of(sub.msisdn)})
    assert response.status_code == 302


@time_machine.travel(NOW, tick=False)
def test_bill_3_step_up_required_then_m_code_shows_the_table(sub: Subscriber) -> None:
    web = web_for(sub)
    start = web.get(reverse("portal:detail")).content.decode()
    assert "В этом разделе Вы можете посмотреть детализацию своих звонков и SMS" in start
    assert "PUK1" in start
    # No pass yet: the table sends back to the choice, nothing shown.
    response = web.get(reverse("portal:detail_table"), CHOICE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:detail"))
    response = web.post(reverse("portal:detail"), CHOICE)
    assert response.status_code == 200
    assert "M-код" in response.content.decode() or "M-code" in response.content.decode()
    assert OtpChallenge.objects.filter(msisdn=sub.msisdn, purpose=OtpChallenge.Purpose.STEP_UP).count() == 1
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": code_of(sub.msisdn)})
    assert response.status_code == 302
    page = web.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "375447654321" in body
    assert "375291112233" in body
    assert page.context["totals"].count == 2
    assert AuditEvent.objects.filter(action="detail.step_up", outcome="ok").count() == 1
    # The pass stays for the session: another choice goes straight to the table, no new SMS.
    sent = SmsMessage.objects.count()
    response = web.post(reverse("portal:detail"), {**CHOICE, "kind": "sms"})
    assert response.status_code == 302
    assert SmsMessage.objects.count() == sent
    # A new session asks again.
    fresh = web_for(sub)
    assert fresh.get(reverse("portal:detail_table"), CHOICE).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_bill_3_wrong_m_code_refused_and_nothing_shown(sub: Subscriber) -> None:
    web = web_for(sub)
    web.post(reverse("portal:detail"), CHOICE)
    good = code_of(sub.msisdn)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": bad})
    assert response.status_code == 400
    assert "375447654321" not in response.content.decode()
    assert "issa_detail_stepup" not in web.session
    assert web.get(reverse("portal:detail_table"), CHOICE).status_code == 302
    assert web.get(reverse("portal:detail_export", args=["pdf"]), CHOICE).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_bill_3_modem_uses_puk1_and_no_sms(sub: Subscriber) -> None:
    sub.device = Subscriber.Device.MODEM
    sub.save(update_fields=["device"])
    web = web_for(sub)
    response = web.post(reverse("portal:detail"), CHOICE)
    assert response.status_code == 200
    assert response.context["puk"] is True
    assert not SmsMessage.objects.filter(msisdn=sub.msisdn).exists()
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": "00000000"})
    assert response.status_code == 400
    assert "issa_detail_stepup" not in web.session
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": "12345678"})
    assert response.status_code == 302
    assert web.get(response["Location"]).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_bill_3_puk1_tries_are_limited(sub: Subscriber) -> None:
    sub.device = Subscriber.Device.TABLET
    sub.save(update_fields=["device"])
    web = web_for(sub)
    for _i in range(5):
        assert web.post(reverse("portal:detail_verify"), {**CHOICE, "code": "00000000"}).status_code == 400
    response = web.post(reverse("portal:detail_verify"), {**CHOICE, "code": "12345678"})
    assert response.status_code == 429
    assert "issa_detail_stepup" not in web.session
    # A new session (sign in again) does not reset the count: the lockout is per number and IP.
    fresh = web_for(sub)
    response = fresh.post(reverse("portal:detail_verify"), {**CHOICE, "code": "12345678"})
    assert response.status_code == 429
    assert "issa_detail_stepup" not in fresh.session


@time_machine.travel(NOW, tick=False)
def test_bill_3_another_subscribers_data_unreachable(sub: Subscriber) -> None:
    other: Subscriber = SubscriberFactory()
    record(other, minsk(2026, 11, 8, 10), other_party="375259998877")
    web = web_for(other)
    passed(web, other)
    page = web.get(reverse("portal:detail_table"), CHOICE)
    body = page.content.decode()
    assert "375259998877" in body
    assert "375447654321" not in body
    assert page.context["totals"].count == 1
    # A pass of one subscriber is not a pass of another (the session key holds the id).
    web.session  # noqa: B018
    session = web.session
    session["issa_detail_stepup"] = sub.pk
    session.save()
    assert web.get(reverse("portal:detail_table"), CHOICE).status_code == 302
    # Staff without a subscriber: 404.
    staff = Client()
    staff.force_login(UserFactory(subscriber=None, kind="staff"))
    assert staff.get(reverse("portal:detail")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_bill_3_filters_and_totals_exact(sub: Subscriber) -> None:
    q = DetailQuery(period="2026-11", kind="calls", direction="out")
    totals = detail_totals(subscriber_id=sub.pk, query=q, now=NOW)
    assert (totals.count, totals.duration, totals.charge) == (2, 187, 55)
    incoming = detail_totals(subscriber_id=sub.pk, query=DetailQuery("2026-11", "calls", "in"), now=NOW)
    assert (incoming.count, incoming.duration, incoming.charge) == (1, 30, 0)
    sms = detail_totals(subscriber_id=sub.pk, query=DetailQuery("2026-11", "sms", "out"), now=NOW)
    assert (sms.count, sms.pieces, sms.charge) == (1, 2, 16)
    by_number = detail_totals(subscriber_id=sub.pk, query=DetailQuery("2026-11", "calls", "out", "1112233"), now=NOW)
    assert (by_number.count, by_number.charge) == (1, 13)
    october = detail_totals(subscriber_id=sub.pk, query=DetailQuery("2026-10", "calls", "out"), now=NOW)
    assert (october.count, october.charge) == (1, 5)
    web = web_for(sub)
    passed(web, sub)
    page = web.get(reverse("portal:detail_table"), {**CHOICE, "number": "+375 29 111-22-33"})
    assert page.context["totals"].count == 1
    assert len(page.context["rows"]) == 1
    # Outside the 6 previous months and the current period: refused.
    assert web.get(reverse("portal:detail_table"), {**CHOICE, "period": "2026-04"}).status_code == 400
    assert web.get(reverse("portal:detail_table"), {**CHOICE, "kind": "data"}).status_code == 400


@time_machine.travel(NOW, tick=False)
def test_bill_3_keyset_pages_cover_every_row_once(sub: Subscriber) -> None:
    for i in range(7):
        record(sub, minsk(2026, 11, 10, 8) + timedelta(minutes=i % 3), charge=i)
    q = DetailQuery(period="2026-11", kind="calls", direction="out")
    seen: list[str] = []
    cursor = ""
    while True:
        rows, cursor = detail_page(subscriber_id=sub.pk, query=q, now=NOW, after=cursor, size=3)
        seen += [r.record_id for r in rows]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 9


@time_machine.travel(NOW, tick=False)
def test_bill_3_exports_pdf_and_excel(sub: Subscriber) -> None:
    web = web_for(sub)
    passed(web, sub)
    pdf = web.get(reverse("portal:detail_export", args=["pdf"]), CHOICE)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = web.get(reverse("portal:detail_export", args=["xlsx"]), CHOICE)
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "375447654321" in strings
    assert "<v>0.55</v>" in sheet


@time_machine.travel(minsk(2026, 12, 2, 12), tick=False)
def test_bill_3_closed_from_the_1st_to_the_3rd(sub: Subscriber) -> None:
    web = web_for(sub)
    response = web.get(reverse("portal:detail"))
    assert response.status_code == 503
    response = web.post(reverse("portal:detail"), {**CHOICE, "period": "2026-11"})
    assert response.status_code == 503
    assert not SmsMessage.objects.filter(msisdn=sub.msisdn).exists()
    assert not OtpChallenge.objects.exists()
