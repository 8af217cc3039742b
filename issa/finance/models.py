"""Finances of a subscriber (FIN-1, FIN-2, FIN-3, FIN-6): promised payments, installment plans and
refund requests. Money itself lives in the ledger (``issa.billing``); these tables hold the
requests and plans whose effects are ledger entries, each with its own idempotency key.
States are changed only by ``issa.finance.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PromisedPayment(models.Model):
    """FIN-3: a payment the subscriber says was made but is not credited yet; a temporary credit.

    ``awaiting`` rows wait for the confirm-or-cancel step (an identity PendingRequest); a confirmed
    one is ``active`` (credit booked), then ``settled`` when a real payment arrives or ``expired``
    when its days run out; either way the credit is withdrawn by exactly one entry.
    """

    class State(models.TextChoices):
        AWAITING = "awaiting", pgettext_lazy("finance state", "Awaiting confirmation")
        ACTIVE = "active", pgettext_lazy("finance state", "Active")
        SETTLED = "settled", pgettext_lazy("finance state", "Settled")
        EXPIRED = "expired", pgettext_lazy("finance state", "Expired")
        CANCELLED = "cancelled", pgettext_lazy("finance state", "Cancelled")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="promised_payments", verbose_name=_("account")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="+", verbose_name=_("subscriber")
    )
    amount = models.BigIntegerField(_("amount, kopecks"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.AWAITING)
    channel = models.CharField(_("channel"), max_length=10, default="web")
    pending_request_id = models.BigIntegerField(_("pending request"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("promised payment")
        verbose_name_plural = _("promised payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"]), models.Index(fields=["account", "state"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="promised_amount_positive")]

    def __str__(self) -> str:
        return f"promised {self.pk} {self.amount} {self.state}"


class InstallmentPlan(models.Model):
    """FIN-2: equipment bought in installments; payment ``n`` (1..count) falls due on the 1st of
    month ``first_month + n - 1``; the last one takes the remainder so that the sum is ``total``."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("finance state", "Active")
        PAID_OFF = "paid_off", pgettext_lazy("finance state", "Paid off")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="installment_plans", verbose_name=_("account")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="+", verbose_name=_("subscriber")
    )
    device_name = models.CharField(_("device"), max_length=120)
    total = models.BigIntegerField(_("total, kopecks"))
    monthly_amount = models.BigIntegerField(_("monthly payment, kopecks"))
    payments_count = models.PositiveIntegerField(_("number of payments"))
    first_month = models.DateField(_("first payment month"), help_text=_("The 1st of the month of payment 1"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("installment plan")
        verbose_name_plural = _("installment plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gt=0, monthly_amount__gt=0, payments_count__gt=0),
                name="installment_positive",
            )
        ]

    def __str__(self) -> str:
        return self.device_name


class InstallmentPayment(models.Model):
    """One paid installment (by the monthly job or written off early); one row per number."""

    plan = models.ForeignKey(InstallmentPlan, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveIntegerField(_("payment number"))
    amount = models.BigIntegerField(_("amount, kopecks"))
    early = models.BooleanField(_("written off early"), default=False)
    paid_at = models.DateTimeField(_("paid at"))
    ledger_key = models.CharField(_("ledger key"), max_length=128, unique=True)

    class Meta:
        verbose_name = _("installment payment")
        verbose_name_plural = _("installment payments")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="installment_payment_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.number}"


class RefundRequest(models.Model):
    """FIN-6: a payment credited to a wrong number (the requester's) to be moved to the right one."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("finance state", "Under review")
        APPROVED = "approved", pgettext_lazy("finance state", "Approved")
        REJECTED = "rejected", pgettext_lazy("finance state", "Rejected")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("account")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="+", verbose_name=_("wrong number")
    )
    payment = models.ForeignKey(
        "billing.LedgerEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("payment")
    )
    amount = models.BigIntegerField(_("amount, kopecks"))
    wrong_msisdn = models.CharField(_("wrong number"), max_length=15)
    right_msisdn = models.CharField(_("right number"), max_length=15)
    right_account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("right account")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    due_on = models.DateField(_("review due on"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One live request per payment: a rejected one may be followed by another.
            models.UniqueConstraint(
                fields=["payment"], condition=~models.Q(state="rejected"), name="refund_once_per_payment"
            )
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} {self.wrong_msisdn}->{self.right_msisdn}"
