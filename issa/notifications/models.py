"""The SMS outbox: every SMS is a row first, written in the transaction that caused it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core import crypto


class SmsMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    msisdn = models.CharField(_("number"), max_length=15, db_index=True)
    sender = models.CharField(_("sender"), max_length=16, default="ISSA")
    kind = models.CharField(_("kind"), max_length=40, help_text=_("e.g. otp, notice, settings"))
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Holds a code or password: stored encrypted, never shown to staff")
    )
    body_stored = models.TextField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_id = models.CharField(_("SMSC message id"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["msisdn", "-created_at"])]

    def __str__(self) -> str:
        return f"SMS {self.pk} to …{self.msisdn[-4:]}"

    def __repr__(self) -> str:
        return f"<SmsMessage {self.pk} {self.kind} {self.status}>"

    def set_body(self, text: str) -> None:
        self.body_stored = crypto.encrypt(text) if self.sensitive else text

    @property
    def body(self) -> str:
        """The text as sent. For the SMSC adapter and the (development-only) virtual phone."""
        return crypto.decrypt(self.body_stored) if self.sensitive else self.body_stored

    @property
    def body_for_staff(self) -> str:
        return "•••" if self.sensitive else self.body_stored
