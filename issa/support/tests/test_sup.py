"""SUP-1 (ask a question / leave a wish) and SUP-2 (the archive with answers; 24-hour due time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.notifications.models import SmsMessage
from issa.support import selectors, services
from issa.support.models import AnswerTemplate, SupportRequest
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.testing.staff import staff_login

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def subscriber(db):
    return subscriber_with_balance()


@pytest.fixture
def portal(client, subscriber):
    client.force_login(UserFactory(subscriber=subscriber))
    return client


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("support", "Str0ng-pass!")


def _create(subscriber, **over):
    fields = {"topic": "question", "subject": "Roaming", "text": "Does my plan work in Poland?"}
    fields.update(over)
    return services.support_request_create(subscriber=subscriber, actor=Actor.system("test"), now=NOW, **fields)


def test_sup_1_portal_form_creates_a_request_with_attachment_due_in_24_hours(portal, subscriber):
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    with time_machine.travel(NOW, tick=False):
        response = portal.post(
            reverse("portal:support_new"),
            {"topic": "wish", "subject": "More 5G", "text": "Please cover our village.", "attachment": upload},
        )
        download = portal.get(reverse("portal:support_attachment", args=[SupportRequest.objects.get().pk]))
    item = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:support_detail", args=[item.pk])
    assert item.subscriber == subscriber
    assert item.topic == "wish"
    assert item.status == "new"
    assert item.attachment_type == "application/pdf"
    assert item.attachment_name == "scan.pdf"
    assert "scan" not in str(item.attachment.name)  # stored under a random name
    assert item.due_at == item.created_at + timedelta(hours=24) == NOW + timedelta(hours=24)
    assert AuditEvent.objects.filter(action="support.request_create").count() == 1
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_sup_2_due_date_is_created_plus_24_hours(subscriber):
    item = _create(subscriber)
    assert item.due_at - item.created_at == timedelta(hours=24)


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"text": "   "}, "support_text_empty"),
        ({"subject": ""}, "support_subject_empty"),
        ({"topic": "complaint"}, "support_topic"),
        (
            {"attachment": SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", "image/png")},
            "support_attachment_type",
        ),
        (
            {"attachment": SimpleUploadedFile("big.png", PNG + b"0" * (2 * 1024 * 1024), "image/png")},
            "support_attachment_too_large",
        ),
    ],
)
def test_sup_1_bad_input_is_refused_and_nothing_is_created(subscriber, over, code, settings):
    with pytest.raises(DomainError) as error:
        _create(subscriber, **over)
    assert error.value.code == code
    assert SupportRequest.objects.count() == 0
    assert AuditEvent.objects.filter(action="support.request_create").count() == 0
    media_dir = settings.MEDIA_ROOT / "support"
    assert not media_dir.exists() or not any(media_dir.iterdir())


def test_sup_1_portal_shows_a_clear_error_for_a_wrong_type(portal):
    upload = SimpleUploadedFile("evil.pdf", b"<html><script>", content_type="application/pdf")
    response = portal.post(
        reverse("portal:support_new"), {"topic": "question", "subject": "S", "text": "T", "attachment": upload}
    )
    assert response.status_code == 400
    assert 'data-testid="support-error"' in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_sup_2_archive_shows_only_own_requests_with_answers(portal, subscriber, staff):
    mine = _create(subscriber, subject="Mine")
    other = _create(subscriber_with_balance(), subject="Someone else's")
    services.support_answer(request_id=mine.pk, text="Yes, it works.", actor=Actor("admin", user=staff), now=NOW)
    page = portal.get(reverse("portal:support")).content.decode()
    assert "Mine" in page
    assert "Yes, it works." in page
    assert "Someone else" not in page
    assert portal.get(reverse("portal:support_detail", args=[other.pk])).status_code == 404
    assert portal.get(reverse("portal:support_attachment", args=[other.pk])).status_code == 404
    assert portal.get(reverse("portal:support_detail", args=[mine.pk])).status_code == 200


def test_sup_2_staff_answer_in_admin_reaches_portal_and_sms(
    client, portal, subscriber, staff, django_capture_on_commit_callbacks
):
    item = _create(subscriber)
    template = AnswerTemplate.objects.create(title="Roaming", text="Roaming works in all EU countries.")
    admin_client = type(client)()
    staff_login(admin_client, staff)
    url = reverse("admin:support_supportrequest_change", args=[item.pk])
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"answer_template": template.pk, "reply": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered"
    assert item.answer == template.text
    assert item.answered_by == staff
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn, kind="support_answer")
    assert f"№{item.pk}" in sms.body
    assert AuditEvent.objects.filter(action="support.answer").count() == 1
    page = portal.get(reverse("portal:support_detail", args=[item.pk])).content.decode()
    assert template.text in page


def test_sup_2_answer_twice_is_refused_and_nothing_changes(subscriber, staff):
    item = _create(subscriber)
    actor = Actor("admin", user=staff)
    services.support_answer(request_id=item.pk, text="First", actor=actor, now=NOW)
    with pytest.raises(DomainError):
        services.support_answer(request_id=item.pk, text="Second", actor=actor, now=NOW)
    item.refresh_from_db()
    assert item.answer == "First"
    assert SmsMessage.objects.filter(kind="support_answer").count() == 1


def test_sup_2_overdue_filter_and_assign_to_me(client, subscriber, staff):
    late = _create(subscriber, subject="qqlateqq")
    fresh = services.support_request_create(
        subscriber=subscriber,
        topic="wish",
        subject="qqfreshqq",
        text="t",
        actor=Actor.system("t"),
        now=NOW + timedelta(hours=20),
    )
    answered = _create(subscriber, subject="qqansweredqq")
    services.support_answer(request_id=answered.pk, text="Done", actor=Actor("admin", user=staff), now=NOW)
    later = NOW + timedelta(hours=25)
    assert list(selectors.overdue(now=later)) == [late]
    staff_login(client, staff)
    changelist = reverse("admin:support_supportrequest_changelist")
    with time_machine.travel(later, tick=False):
        page = client.get(changelist, {"overdue": "yes"}).content.decode()
        assert "qqlateqq" in page
        assert "qqfreshqq" not in page
        assert "qqansweredqq" not in page
        client.post(changelist, {"action": "assign_to_me", "_selected_action": [late.pk, fresh.pk]})
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.assignee == staff
    assert late.status == "in_progress"
    assert fresh.assignee == staff
    assert AuditEvent.objects.filter(action="support.assign").count() == 2


def test_sup_2_only_staff_may_answer(subscriber):
    item = _create(subscriber)
    user = UserFactory(subscriber=subscriber)
    with pytest.raises(DomainError):
        services.support_answer(request_id=item.pk, text="x", actor=Actor("web", user=user), now=NOW)
    item.refresh_from_db()
    assert item.status == "new"
    assert not item.answer


def test_sup_1_attachment_only_for_owner_and_staff(client, subscriber, staff):
    item = _create(subscriber, attachment=SimpleUploadedFile("photo.png", PNG, "image/png"))
    assert item.attachment_type == "image/png"
    client.force_login(UserFactory(subscriber=subscriber_with_balance()))
    assert client.get(reverse("portal:support_attachment", args=[item.pk])).status_code == 404
    staff_login(client, staff)
    response = client.get(reverse("portal:support_attachment", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_sup_2_home_menu_has_feedback(portal):
    page = portal.get(reverse("portal:home")).content.decode()
    assert "Обратная связь" in page
    assert reverse("portal:support") in page


def test_sup_2_admin_refuses_a_second_answer_on_the_form(client, subscriber, staff):
    item = _create(subscriber)
    services.support_answer(request_id=item.pk, text="First", actor=Actor("admin", user=staff), now=NOW)
    staff_login(client, staff)
    url = reverse("admin:support_supportrequest_change", args=[item.pk])
    response = client.post(url, {"reply": "Second"})
    assert response.status_code == 200  # the form again, with the error
    assert "уже дан ответ" in response.content.decode()
    item.refresh_from_db()
    assert item.answer == "First"
    assert SmsMessage.objects.filter(kind="support_answer").count() == 1


def test_sup_2_answer_notice_also_by_email_when_the_contract_has_one(
    subscriber, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client_record = subscriber.account.client
    client_record.email = "abonent@example.by"
    client_record.save(update_fields=["email"])
    item = _create(subscriber)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_answer(request_id=item.pk, text="Private answer", actor=Actor("admin", user=staff), now=NOW)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["abonent@example.by"]
    assert f"№{item.pk}" in mailoutbox[0].subject
    assert "Private answer" not in mailoutbox[0].body
