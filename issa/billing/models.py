"""The ledger (BSS-4): every change of money is one entry; the balance is their sum."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core.models import AppendOnlyModel


class LedgerEntry(AppendOnlyModel):
    """One movement of money on an account, in kopecks: positive credits, negative debits.

    Append-only: the database refuses UPDATE (and DELETE on PostgreSQL) by trigger; a mistake is
    corrected by a new entry of kind ``adjustment``. ``idempotency_key`` is unique, so a retried
    job, a repeated callback or a double click cannot book the same thing twice.
    """

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        PAYMENT = "payment", _("Payment")
        PROMISED = "promised", _("Promised payment")
        PROMISED_REVERSAL = "promised_reversal", _("Promised payment withdrawn")
        USAGE = "usage", _("Usage")
        SUBSCRIPTION_FEE = "subscription_fee", _("Subscription fee")
        ONE_TIME_FEE = "one_time_fee", _("One-time fee")
        INSTALLMENT = "installment", _("Installment")
        REFUND = "refund", _("Refund")
        TRANSFER = "transfer", _("Transfer")
        DISCOUNT = "discount", _("Discount")
        ADJUSTMENT = "adjustment", _("Adjustment")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("account")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subscriber"),
    )
    amount = models.BigIntegerField(_("amount, kopecks"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, unique=True)
    effective_at = models.DateTimeField(_("effective at"), help_text=_("When the money moved (period)"))
    booked_at = models.DateTimeField(_("booked at"), help_text=_("When the entry was written"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-effective_at", "-id"]
        indexes = [
            models.Index(fields=["account", "effective_at"]),
            models.Index(fields=["account", "kind", "effective_at"]),
        ]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


# Bills (issue 6): kept in their own module; imported here so that Django sees them.
from .models_bills import Bill, BillDelivery, BillRun, BillRunFailure, DeliverySetting  # noqa: E402

__all__ = ["Bill", "BillDelivery", "BillRun", "BillRunFailure", "DeliverySetting", "LedgerEntry"]
