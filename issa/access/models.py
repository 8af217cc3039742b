"""ISSA access (AUTH-10/11/12): who closed a number's access to the personal account, and the
corporate roles (administrator, supervisor) that manage the access of a client's numbers.

Access is open while a subscriber has no active block. Each block names its reason, which also
says who may lift it; a lifted block keeps its row (who, when, why), so the history is complete.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from issa.customers.models import Client
from issa.subscribers.models import Subscriber


class AccessBlock(models.Model):
    """One closure of a number's ISSA access, from ``set_at`` until ``lifted_at`` (or now)."""

    class Reason(models.TextChoices):
        SUBSCRIBER = "subscriber", _("Closed by the subscriber")  # AUTH-10, *141*3*6#
        CORPORATE = "corporate", _("Closed by the client's administrator or supervisor")  # AUTH-11
        CLIENT = "client", _("Closed at the client's application")  # AUTH-11, a legal entity's letter
        OFFENCE = "offence", _("Restricted by the operator: suspected offence")  # AUTH-12
        LOST_SIM = "lost_sim", _("SIM card reported lost")  # AUTH-12, 411 or a sales centre

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="access_blocks",
        verbose_name=pgettext_lazy("access", "subscriber"),
    )
    reason = models.CharField(pgettext_lazy("access", "reason"), max_length=12, choices=Reason.choices)
    set_at = models.DateTimeField(pgettext_lazy("access", "closed at"))
    set_by = models.ForeignKey(
        "identity.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("access", "closed by"),
    )
    set_by_label = models.CharField(pgettext_lazy("access", "closed by (as shown)"), max_length=120, blank=True)
    set_channel = models.CharField(pgettext_lazy("access", "closed through"), max_length=10, blank=True)
    note = models.TextField(
        pgettext_lazy("access", "reason given"),
        blank=True,
        help_text=_("Staff's reason or the application's reference"),
    )
    lifted_at = models.DateTimeField(pgettext_lazy("access", "opened at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        "identity.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("access", "opened by"),
    )
    lifted_by_label = models.CharField(pgettext_lazy("access", "opened by (as shown)"), max_length=120, blank=True)
    lifted_channel = models.CharField(pgettext_lazy("access", "opened through"), max_length=10, blank=True)
    lift_note = models.TextField(pgettext_lazy("access", "reason for opening"), blank=True)

    class Meta:
        verbose_name = _("ISSA access block")
        verbose_name_plural = _("ISSA access blocks")
        ordering = ["-set_at", "-id"]
        constraints = [
            # At most one active block per reason; it also serves the per-request check
            # (subscriber_id first, only active rows) of AccessGuardMiddleware.
            models.UniqueConstraint(
                fields=["subscriber", "reason"],
                condition=Q(lifted_at__isnull=True),
                name="access_block_one_active_per_reason",
            ),
        ]
        indexes = [models.Index(fields=["reason", "-set_at"], name="access_block_reason_idx")]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.get_reason_display()}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class PukAttempt(models.Model):
    """A wrong PUK1 typed to reopen access (AUTH-10): counted to stop guessing."""

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("access", "subscriber"),
    )
    at = models.DateTimeField(pgettext_lazy("access", "when"))
    channel = models.CharField(pgettext_lazy("access", "channel"), max_length=10)

    class Meta:
        verbose_name = pgettext_lazy("access", "wrong PUK1 attempt")
        verbose_name_plural = pgettext_lazy("access", "wrong PUK1 attempts")
        indexes = [models.Index(fields=["subscriber", "at"], name="access_puk_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.at:%Y-%m-%d %H:%M}"


class CorporateRole(models.Model):
    """ "Администратор ЛК" (legal entities only) or "Супервайзер ЛК": a subscriber of a client who
    manages the client's other numbers. Assigned by staff on the client's written application."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator of the personal account")
        SUPERVISOR = "supervisor", _("Supervisor of the personal account")

    class Right(models.TextChoices):
        ACCESS = "access", _("Open and close ISSA access of the client's numbers")
        SERVICES = "services", _("Connect and disconnect services of the client's numbers")
        FINANCE = "finance", _("See balances and spending of the client's numbers")

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="corporate_roles",
        verbose_name=pgettext_lazy("access", "holder's number"),
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.PROTECT,
        related_name="corporate_roles",
        verbose_name=pgettext_lazy("access", "client"),
        help_text=_("The holder's client: the role manages this client's numbers only"),
    )
    role = models.CharField(pgettext_lazy("access", "role"), max_length=16, choices=Role.choices)
    rights = models.JSONField(
        pgettext_lazy("access", "rights"),
        default=list,
        blank=True,
        help_text=_("A supervisor's rights; an administrator has all"),
    )
    application = models.CharField(pgettext_lazy("access", "client's application"), max_length=120, blank=True)
    granted_at = models.DateTimeField(pgettext_lazy("access", "granted at"))
    granted_by = models.ForeignKey(
        "identity.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("access", "granted by"),
    )
    granted_by_label = models.CharField(pgettext_lazy("access", "granted by (as shown)"), max_length=120, blank=True)
    revoked_at = models.DateTimeField(pgettext_lazy("access", "revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "identity.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("access", "revoked by"),
    )
    revoked_by_label = models.CharField(pgettext_lazy("access", "revoked by (as shown)"), max_length=120, blank=True)
    revoke_note = models.TextField(pgettext_lazy("access", "reason for revoking"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("access", "corporate role")
        verbose_name_plural = pgettext_lazy("access", "corporate roles")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber"], condition=Q(revoked_at__isnull=True), name="access_role_one_active_per_number"
            ),
        ]
        indexes = [models.Index(fields=["client", "role"], name="access_role_client_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.subscriber}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_right(self, right: Any) -> bool:
        if self.role == self.Role.ADMINISTRATOR:
            return True
        return str(right) in (self.rights or [])

    @property
    def effective_rights(self) -> list[str]:
        if self.role == self.Role.ADMINISTRATOR:
            return [str(value) for value in self.Right.values]
        return [str(value) for value in self.Right.values if value in (self.rights or [])]


class SubscriberAccess(Subscriber):
    """The back office's view of a number's ISSA access (AUTH-12): staff restrict, report a lost
    SIM and lift from here. A proxy: the subscriber's own admin page belongs to its app."""

    class Meta:
        proxy = True
        verbose_name = pgettext_lazy("access", "number's ISSA access")
        verbose_name_plural = pgettext_lazy("access", "numbers' ISSA access")


class ClientAccess(Client):
    """The back office's view of a legal entity's applications about ISSA access (AUTH-11)."""

    class Meta:
        proxy = True
        verbose_name = pgettext_lazy("access", "client's ISSA access")
        verbose_name_plural = pgettext_lazy("access", "clients' ISSA access")
