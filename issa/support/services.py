"""Feedback services (SUP-1, SUP-2): create, assign, answer, close. Keyword-only, one transaction
each, every change audited; the answer reaches the subscriber in the portal and by a short SMS."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import subscriber_notify

from .models import SupportRequest

SUBJECT_MAX = 200
TEXT_MAX = 4000

# The first bytes of each allowed type: the extension and the browser's claim are not trusted.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_type(head: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def _read_attachment(upload: Any) -> tuple[bytes, str, str]:
    """(content, sniffed MIME type, safe display name) or a clear error."""
    limit = int(rules.get("SUPPORT_ATTACHMENT_MAX_BYTES"))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DomainError(
            "support_attachment_too_large",
            _("The attachment is too large: at most %(megabytes)s MB."),
            field="attachment",
            megabytes=f"{limit / (1024 * 1024):g}",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise DomainError(
            "support_attachment_too_large",
            _("The attachment is too large: at most %(megabytes)s MB."),
            field="attachment",
            megabytes=f"{limit / (1024 * 1024):g}",
        )
    if not content:
        raise DomainError("support_attachment_empty", _("The attachment is empty."), field="attachment")
    mime = sniff_type(content[:16])
    if mime is None or mime not in tuple(rules.get("SUPPORT_ATTACHMENT_TYPES")):
        raise DomainError(
            "support_attachment_type",
            _("This kind of file cannot be attached: only PDF, JPEG or PNG."),
            field="attachment",
        )
    name = str(getattr(upload, "name", "") or "attachment").replace("\\", "/").rsplit("/", 1)[-1]
    return content, mime, name[:200]


def support_request_create(
    *,
    subscriber: Any,
    topic: str,
    subject: str,
    text: str,
    attachment: Any = None,
    actor: Actor,
    now: datetime,
) -> SupportRequest:
    """SUP-1: a question or a wish; SUP-2: the answer is due within SUPPORT_ANSWER_HOURS."""
    topic = (topic or "").strip()
    subject = (subject or "").strip()
    text = (text or "").strip()
    if topic not in SupportRequest.Topic.values:
        raise DomainError("support_topic", _("Choose whether this is a question or a wish."), field="topic")
    if not subject:
        raise DomainError("support_subject_empty", _("Write the subject of your request."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise DomainError(
            "support_subject_long",
            _("The subject is too long: at most %(max)s characters."),
            field="subject",
            max=SUBJECT_MAX,
        )
    if not text:
        raise DomainError("support_text_empty", _("Write the text of your request."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(
            "support_text_long", _("The text is too long: at most %(max)s characters."), field="text", max=TEXT_MAX
        )
    file_data = _read_attachment(attachment) if attachment else None
    request = SupportRequest(subscriber=subscriber)
    try:
        _create(request, topic, subject, text, file_data, actor, now)
    except BaseException:
        if request.attachment:  # the row rolled back: leave no orphan file behind
            request.attachment.storage.delete(str(request.attachment.name))
        raise
    return request


def _create(
    request: SupportRequest,
    topic: str,
    subject: str,
    text: str,
    file_data: tuple[bytes, str, str] | None,
    actor: Actor,
    now: datetime,
) -> None:
    subscriber = request.subscriber
    with transaction.atomic():
        request.topic = topic
        request.subject = subject
        request.text = text
        request.due_at = now + timedelta(hours=int(rules.get("SUPPORT_ANSWER_HOURS")))
        if file_data is not None:
            content, mime, name = file_data
            request.attachment_type = mime
            request.attachment_name = name
            request.attachment_size = len(content)
            request.attachment.save(name, ContentFile(content), save=False)
        request.save()
        # created_at follows the injected clock, so due_at = created + 24 h exactly.
        SupportRequest.objects.filter(pk=request.pk).update(created_at=now)
        request.created_at = now
        audit_record(
            actor=actor,
            action="support.request_create",
            now=now,
            subscriber=subscriber,
            obj=request,
            details={"topic": topic, "attachment": bool(file_data)},
        )


def _locked(request_id: int) -> SupportRequest:
    try:
        return (
            SupportRequest.objects.select_for_update().select_related("subscriber__account__client").get(pk=request_id)
        )
    except SupportRequest.DoesNotExist:
        raise not_found() from None


def support_assign(*, request_id: int, assignee: Any, actor: Actor, now: datetime) -> SupportRequest:
    """Staff take a request (or hand it to a colleague); new becomes in progress."""
    if assignee is None or not getattr(assignee, "is_staff", False):
        raise DomainError("support_assignee", _("A request can be assigned only to staff."), field="assignee")
    with transaction.atomic():
        request = _locked(request_id)
        if request.status not in SupportRequest.OPEN_STATUSES:
            raise DomainError(
                "support_not_open", _("This request is already answered or closed."), kind=ErrorKind.CONFLICT
            )
        previous = request.assignee_id
        request.assignee = assignee
        request.status = SupportRequest.Status.IN_PROGRESS
        request.save(update_fields=["assignee", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="support.assign",
            now=now,
            subscriber=request.subscriber,
            obj=request,
            details={"assignee": assignee.pk, "previous": previous},
        )
    return request


def support_answer(*, request_id: int, text: str, actor: Actor, now: datetime) -> SupportRequest:
    """The answer: saved on the request (the portal archive shows it) and announced by SMS."""
    text = (text or "").strip()
    if not text:
        raise DomainError("support_answer_empty", _("Write the answer."), field="answer")
    if len(text) > TEXT_MAX:
        raise DomainError(
            "support_answer_long",
            _("The answer is too long: at most %(max)s characters."),
            field="answer",
            max=TEXT_MAX,
        )
    staff = actor.user
    if staff is None or not getattr(staff, "is_staff", False):
        raise DomainError("forbidden", _("Only staff answer requests."), kind=ErrorKind.FORBIDDEN)
    with transaction.atomic():
        request = _locked(request_id)
        if request.status not in SupportRequest.OPEN_STATUSES:
            raise DomainError(
                "support_not_open", _("This request is already answered or closed."), kind=ErrorKind.CONFLICT
            )
        request.answer = text
        request.answered_by = staff
        request.answered_at = now
        request.status = SupportRequest.Status.ANSWERED
        if request.assignee_id is None:
            request.assignee = staff
        request.save(update_fields=["answer", "answered_by", "answered_at", "status", "assignee", "updated_at"])
        with translation.override(settings.LANGUAGE_CODE):  # the SMS in the operator's language
            notice = str(_("The answer to your request No. %(number)s is ready in your personal account."))
            subject = str(_("Answer to your request No. %(number)s"))
        notice = notice % {"number": request.pk}
        # SMS to a mobile number (a home-and-office line has no handset: e-mail only, HOME-1); the
        # contract's e-mail gets the same short notice, never the text of the answer
        subscriber_notify(
            subscriber=request.subscriber,
            text=notice,
            subject=subject % {"number": request.pk},
            kind="support_answer",
            now=now,
            email_too=True,
        )
        audit_record(
            actor=actor,
            action="support.answer",
            now=now,
            subscriber=request.subscriber,
            obj=request,
            details={"overdue": request.due_at < now},
        )
    return request


CLOSE_NOTE_MAX = 1000


def support_close(*, request_id: int, actor: Actor, now: datetime, note: str = "") -> SupportRequest:
    """Staff close a request: an answered one (the note is optional), or a wish left without an
    answer, which needs the reason. An unanswered question is answered first, never just closed.
    The subscriber sees the request as closed in the portal archive."""
    note = (note or "").strip()
    if len(note) > CLOSE_NOTE_MAX:
        raise DomainError(
            "support_close_note_long",
            _("The reason is too long: at most %(max)s characters."),
            field="note",
            max=CLOSE_NOTE_MAX,
        )
    staff = actor.user
    if staff is None or not getattr(staff, "is_staff", False):
        raise DomainError("forbidden", _("Only staff close requests."), kind=ErrorKind.FORBIDDEN)
    with transaction.atomic():
        request = _locked(request_id)
        previous = request.status
        if previous == SupportRequest.Status.CLOSED:
            raise DomainError("support_closed", _("This request is already closed."), kind=ErrorKind.CONFLICT)
        if previous in SupportRequest.OPEN_STATUSES:
            if request.topic != SupportRequest.Topic.WISH:
                raise DomainError(
                    "support_close_unanswered",
                    _("A question is closed only after it is answered."),
                    kind=ErrorKind.CONFLICT,
                )
            if not note:
                raise DomainError(
                    "support_close_reason",
                    _("Give the reason for closing a wish without an answer."),
                    field="note",
                )
        overdue = request.is_overdue(now)
        request.status = SupportRequest.Status.CLOSED
        request.closed_by = staff
        request.closed_at = now
        request.close_note = note
        request.save(update_fields=["status", "closed_by", "closed_at", "close_note", "updated_at"])
        audit_record(
            actor=actor,
            action="support.close",
            now=now,
            subscriber=request.subscriber,
            obj=request,
            details={"previous": previous, "answered": bool(request.answer), "overdue": overdue},
        )
    return request
