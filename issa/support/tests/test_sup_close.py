"""SUP-2 in the back office, completed: staff close a request (an answered one, or a wish without
an answer giving the reason), answer templates fill the answer field, the inbox shows who answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient
from django.urls import reverse

from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.support import services
from issa.support.models import AnswerTemplate, SupportRequest
from issa.testing.factories import UserFactory, subscriber_with_balance
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def login(client: HttpClient, user: User) -> HttpClient:
    """The back office's sign-in: password and a verified TOTP device (ADR 0009)."""
    staff_login(client, user)
    return client


@pytest.fixture
def subscriber(db: Any) -> Any:
    return subscriber_with_balance()


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_superuser("operator411", "Str0ng-pass!")


def _create(subscriber: Any, **over: Any) -> SupportRequest:
    fields = {"topic": "question", "subject": "Roaming", "text": "Does my plan work in Poland?"}
    fields.update(over)
    return services.support_request_create(subscriber=subscriber, actor=Actor.system("test"), now=NOW, **fields)


def _answered(subscriber: Any, staff: User) -> SupportRequest:
    item = _create(subscriber)
    return services.support_answer(request_id=item.pk, text="Yes.", actor=Actor("admin", user=staff), now=NOW)


def _state(item: SupportRequest) -> tuple[Any, ...]:
    item.refresh_from_db()
    return item.status, item.closed_by_id, item.closed_at, item.close_note


def test_sup_2_staff_close_an_answered_request_and_the_subscriber_sees_it_closed(
    client: HttpClient, subscriber: Any, staff: User
) -> None:
    item = _answered(subscriber, staff)
    later = NOW + timedelta(hours=2)
    services.support_close(request_id=item.pk, actor=Actor("admin", user=staff), now=later)
    assert _state(item) == ("closed", staff.pk, later, "")
    event = AuditEvent.objects.get(action="support.close")
    assert event.subscriber == subscriber
    assert event.actor == staff
    assert event.details == {"previous": "answered", "answered": True, "overdue": False}
    client.force_login(UserFactory(subscriber=subscriber))
    archive = client.get(reverse("portal:support")).content.decode()
    assert "Закрыто</td>" in archive  # the status column of «Просмотр истории»
    assert "Yes." in archive  # the answer stays readable in the archive


def test_sup_2_a_wish_closed_without_an_answer_needs_the_reason(subscriber: Any, staff: User) -> None:
    wish = _create(subscriber, topic="wish", subject="5G in the village")
    actor = Actor("admin", user=staff)
    with pytest.raises(DomainError) as refused:
        services.support_close(request_id=wish.pk, note="  ", actor=actor, now=NOW)
    assert refused.value.code == "support_close_reason"
    assert _state(wish) == ("new", None, None, "")
    assert not AuditEvent.objects.filter(action="support.close").exists()
    services.support_close(request_id=wish.pk, note="Passed to network planning.", actor=actor, now=NOW)
    assert _state(wish) == ("closed", staff.pk, NOW, "Passed to network planning.")
    assert AuditEvent.objects.filter(action="support.close", object_id=str(wish.pk)).count() == 1


def test_sup_2_an_unanswered_question_is_not_closed(subscriber: Any, staff: User) -> None:
    question = _create(subscriber)
    with pytest.raises(DomainError) as refused:
        services.support_close(request_id=question.pk, note="spam?", actor=Actor("admin", user=staff), now=NOW)
    assert refused.value.code == "support_close_unanswered"
    assert _state(question) == ("new", None, None, "")
    assert not AuditEvent.objects.filter(action="support.close").exists()


def test_sup_2_closing_twice_or_by_a_non_staff_user_is_refused(subscriber: Any, staff: User) -> None:
    item = _answered(subscriber, staff)
    with pytest.raises(DomainError) as forbidden:
        services.support_close(request_id=item.pk, actor=Actor("web", user=UserFactory(subscriber=subscriber)), now=NOW)
    assert forbidden.value.code == "forbidden"
    assert _state(item) == ("answered", None, None, "")
    services.support_close(request_id=item.pk, actor=Actor("admin", user=staff), now=NOW)
    with pytest.raises(DomainError) as again:
        services.support_close(request_id=item.pk, note="again", actor=Actor("admin", user=staff), now=NOW)
    assert again.value.code == "support_closed"
    assert _state(item) == ("closed", staff.pk, NOW, "")
    assert AuditEvent.objects.filter(action="support.close").count() == 1


def test_sup_2_close_from_the_request_page_with_a_reason(client: HttpClient, subscriber: Any, staff: User) -> None:
    wish = _create(subscriber, topic="wish", subject="qqwishqq")
    login(client, staff)
    change = reverse("admin:support_supportrequest_change", args=[wish.pk])
    url = reverse("admin:support_supportrequest_close", args=[wish.pk])
    assert url in client.get(change).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    assert "qqwishqq" in form.content.decode()
    refused = client.post(url, {"apply": "1", "note": ""})  # no reason for a wish: refused, nothing changed
    assert refused.status_code == 302
    assert _state(wish)[0] == "new"
    response = client.post(url, {"apply": "1", "note": "Thank you, noted for the 2027 plan."})
    assert response.status_code == 302
    assert response["Location"] == change
    assert _state(wish)[0::3] == ("closed", "Thank you, noted for the 2027 plan.")
    event = AuditEvent.objects.get(action="support.close")
    assert event.channel == "admin"
    assert "Thank you, noted" in client.get(change).content.decode()


def test_sup_2_close_selected_requests_in_the_inbox(client: HttpClient, subscriber: Any, staff: User) -> None:
    answered = _answered(subscriber, staff)
    question = _create(subscriber, subject="still open")
    login(client, staff)
    changelist = reverse("admin:support_supportrequest_changelist")
    selected = {"action": "close_selected", "_selected_action": [answered.pk, question.pk]}
    step = client.post(changelist, selected)
    assert step.status_code == 200  # the reason's page first
    assert _state(answered)[0] == "answered"
    client.post(changelist, {**selected, "apply": "1", "note": ""})
    assert _state(answered)[0] == "closed"
    assert _state(question)[0] == "new"  # a question without an answer stays open
    assert AuditEvent.objects.filter(action="support.close").count() == 1


def test_sup_2_closing_needs_the_change_permission(client: HttpClient, subscriber: Any, staff: User) -> None:
    item = _answered(subscriber, staff)
    reader = User.objects.create_user("reader-sup", "Str0ng-pass!", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_supportrequest"))
    login(client, reader)
    url = reverse("admin:support_supportrequest_close", args=[item.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"apply": "1", "note": "x"}).status_code == 403
    assert _state(item) == ("answered", None, None, "")
    assert not AuditEvent.objects.filter(action="support.close").exists()


def test_sup_2_answer_templates_carry_their_text_to_the_answer_field(
    client: HttpClient, subscriber: Any, staff: User
) -> None:
    item = _create(subscriber)
    AnswerTemplate.objects.create(title="Роуминг", text="Роуминг работает в ЕС & Швейцарии.")
    AnswerTemplate.objects.create(title="Старый", text="qqretiredqq", active=False)
    login(client, staff)
    page = client.get(reverse("admin:support_supportrequest_change", args=[item.pk])).content.decode()
    assert 'data-text="Роуминг работает в ЕС &amp; Швейцарии."' in page
    assert "qqretiredqq" not in page
    assert "/static/support/answer_template.js" in page
    assert "<script>" not in page  # nothing inline: the CSP allows scripts from 'self' only


def test_sup_2_inbox_shows_who_answered_and_when(client: HttpClient, subscriber: Any, staff: User) -> None:
    item = _answered(subscriber, staff)
    login(client, staff)
    inbox = client.get(reverse("admin:support_supportrequest_changelist")).content.decode()
    assert "operator411" in inbox  # the login of the answering staff member
    page = client.get(reverse("admin:support_supportrequest_change", args=[item.pk])).content.decode()
    assert "operator411" in page
    assert "20.11.2026" in page or "20 ноября 2026" in page
