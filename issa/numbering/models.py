"""The number pool (SVC-6): numbers the operator may give out, their category and their state.

A number is ``free`` (offered), ``reserved`` (held for one subscriber for a short time, or for an
order of number change until it completes), ``assigned`` (someone's number) or ``quarantine``
(just given up by a subscriber: not offered again before the quarantine ends, so that calls and
SMS meant for the old holder do not reach a new one).

``NumberAssignment`` keeps which subscriber held which number when: late usage records (roaming
partners send up to 30 days late) name the number the call was made from, so the number in force
at the record's time must still resolve to its subscriber after a change of number.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PoolNumber(models.Model):
    class State(models.TextChoices):
        FREE = "free", _("Free")
        RESERVED = "reserved", _("Reserved")
        ASSIGNED = "assigned", _("Assigned")
        QUARANTINE = "quarantine", _("Quarantine")

    msisdn = models.CharField(_("number"), max_length=15, unique=True)
    category = models.ForeignKey(
        "catalog.NumberCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.FREE)
    # Reservation: who holds the number and until when (SVC-6). An order of number change holds it
    # with ``order_ref`` until the order completes, fails or is cancelled.
    holder = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reserved for / assigned to"),
    )
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True)
    order_ref = models.CharField(_("order"), max_length=40, blank=True)
    quarantine_until = models.DateTimeField(_("in quarantine until"), null=True, blank=True)
    changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pool number")
        verbose_name_plural = _("number pool")
        ordering = ["msisdn"]
        indexes = [
            models.Index(fields=["state", "category", "msisdn"], name="numbering_state_cat"),
            models.Index(fields=["state", "reserved_until"], name="numbering_state_resv"),
            models.Index(fields=["state", "quarantine_until"], name="numbering_state_quar"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="reserved") | models.Q(holder__isnull=False, reserved_until__isnull=False),
                name="numbering_reserved_has_holder",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="quarantine") | models.Q(quarantine_until__isnull=False),
                name="numbering_quarantine_has_end",
            ),
        ]

    def __str__(self) -> str:
        from issa.core.phone import format_msisdn

        return format_msisdn(self.msisdn)


class NumberAssignment(models.Model):
    """Which subscriber had which number, from when until when (half-open ``[valid_from, valid_to)``)."""

    msisdn = models.CharField(_("number"), max_length=15)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="+", verbose_name=_("subscriber")
    )
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)
    order_ref = models.CharField(_("order"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("number assignment")
        verbose_name_plural = _("number assignments")
        ordering = ["msisdn", "valid_from"]
        indexes = [
            models.Index(fields=["msisdn", "valid_from"], name="numbering_assign_msisdn"),
            models.Index(fields=["subscriber", "valid_from"], name="numbering_assign_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.msisdn} → {self.subscriber_id} from {self.valid_from:%Y-%m-%d}"
