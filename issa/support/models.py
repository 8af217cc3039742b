"""Feedback (SUP-1, SUP-2): a subscriber's question or wish, its 24-hour due time and the answer.

Modelled loosely on TMF621 Trouble Ticket (the JSON API speaks that shape): a request has a
status that moves new → in progress → answered → closed, one assignee among staff, and at most
one answer, which the subscriber reads in the portal archive («Просмотр истории»). Staff close an
answered request, or a wish without an answer, giving the reason (``services.support_close``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from issa.core.models import TimeStamped


def attachment_path(instance: SupportRequest, filename: str) -> str:
    """A random name: the subscriber's file name is kept only as a label, never as a path."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(instance.attachment_type, "bin")
    return f"support/{secrets.token_hex(16)}.{extension}"


class SupportRequest(TimeStamped):
    class Topic(models.TextChoices):
        QUESTION = "question", _("Question")
        WISH = "wish", _("Wish")

    class Status(models.TextChoices):
        # In the support context: "Closed" or "In progress" alone mean other things elsewhere.
        NEW = "new", pgettext_lazy("support", "New")
        IN_PROGRESS = "in_progress", pgettext_lazy("support", "In progress")
        ANSWERED = "answered", pgettext_lazy("support", "Answered")
        CLOSED = "closed", pgettext_lazy("support", "Closed")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("subscriber"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, default=Topic.QUESTION)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"), max_length=4000)
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=64, blank=True)
    attachment_size = models.PositiveIntegerField(_("attachment size"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_assigned",
        verbose_name=_("assigned to"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_answered",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_closed",
        verbose_name=pgettext_lazy("support", "closed by"),
    )
    closed_at = models.DateTimeField(pgettext_lazy("support", "closed at"), null=True, blank=True)
    close_note = models.CharField(pgettext_lazy("support", "reason for closing"), max_length=1000, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        indexes = [models.Index(fields=["subscriber", "-created_at"])]

    def __str__(self) -> str:
        return f"№{self.pk} {self.subject}"

    @property
    def number(self) -> int:
        return self.pk

    def is_overdue(self, now: datetime) -> bool:
        return self.status in self.OPEN_STATUSES and self.due_at < now


class AnswerTemplate(TimeStamped):
    """A ready answer the contact centre picks and adapts."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    text = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("title",)
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title
