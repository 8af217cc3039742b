"""The demo's feedback (SUP-1, SUP-2): answer templates and requests in every state, made through
the services, and a second run of the loader adds nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from issa.demo.loaders import support as loader
from issa.identity.models import AuditEvent, User
from issa.notifications.models import SmsMessage
from issa.support import selectors
from issa.support.models import AnswerTemplate, SupportRequest
from issa.testing.factories import SubscriberFactory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_sup_2_demo_loader_fills_the_inbox_once(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    for msisdn in sorted({r.msisdn for r in loader.REQUESTS}):
        SubscriberFactory.create(msisdn=msisdn)
    staff = User.objects.create_user("support", None, kind=User.Kind.STAFF, is_staff=True)

    out = io.StringIO()
    loader.load(stdout=out, now=NOW)
    counts = (
        AnswerTemplate.objects.count(),
        SupportRequest.objects.count(),
        AuditEvent.objects.count(),
        SmsMessage.objects.count(),
    )
    loader.load(stdout=io.StringIO(), now=NOW)
    assert counts == (
        AnswerTemplate.objects.count(),
        SupportRequest.objects.count(),
        AuditEvent.objects.count(),
        SmsMessage.objects.count(),
    )
    assert "7 answer templates, 12 feedback requests" in out.getvalue()

    assert AnswerTemplate.objects.filter(active=True).count() == 7
    states = {s: SupportRequest.objects.filter(status=s).count() for s in SupportRequest.Status.values}
    assert states == {"new": 4, "in_progress": 2, "answered": 3, "closed": 3}
    overdue = set(selectors.overdue(now=NOW).values_list("subject", flat=True))
    assert overdue == {
        "Не работает интернет на планшете",
        "Почему заблокирован номер",
        "Не могу зарегистрироваться в ИССА",
    }
    answered = SupportRequest.objects.filter(answer__gt="")
    assert answered.count() == 5
    assert set(answered.values_list("answered_by", flat=True)) == {staff.pk}
    wish = SupportRequest.objects.get(subject="Больше камер в тарифе «Видеонаблюдение»")
    assert (wish.status, wish.answer, wish.closed_by) == ("closed", "", staff)
    assert wish.close_note
    receipt = SupportRequest.objects.get(attachment_type="application/pdf")
    assert receipt.attachment.read().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="support.close").count() == 3


@pytest.mark.django_db
def test_sup_2_demo_loader_without_staff_leaves_every_request_new(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    SubscriberFactory.create(msisdn="375291000001")
    loader.load(stdout=io.StringIO(), now=NOW)
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {"new"}
    assert SupportRequest.objects.count() == 2
