"""Bills (BSS-5, BILL-1..7): the monthly bill run, its bills, delivery settings and deliveries.

Imported by ``issa.billing.models`` so that Django sees the models in the billing app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core.models import AppendOnlyModel


class BillRun(models.Model):
    """One run of the bill run for one period: its cut-off and its progress (resumable).

    ``cutoff`` is fixed when the run starts: the bill of the period holds the ledger entries of the
    period booked before it; anything booked later (a late fee, a backdated payment) lands on the
    next bill as a correction. ``last_account_id`` is the checkpoint: a batch of accounts commits
    its bills together with the new checkpoint and counts, so a killed run resumes after it.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped by an error")

    period = models.CharField(_("period"), max_length=7, unique=True, help_text=_("YYYY-MM"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    cutoff = models.DateTimeField(_("cut-off"))
    previous_cutoff = models.DateTimeField(_("cut-off of the previous run"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    updated_at = models.DateTimeField(_("progress at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total = models.IntegerField(_("accounts to bill"), default=0)
    done = models.IntegerField(_("accounts billed"), default=0)
    failed = models.IntegerField(_("accounts failed"), default=0)
    last_account_id = models.BigIntegerField(_("checkpoint: last account done"), default=0)
    batches = models.IntegerField(_("batches"), default=0)
    seconds = models.FloatField(_("seconds working"), default=0.0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.done - self.failed)

    @property
    def rate(self) -> float:
        """Accounts per second of working time (for the progress view)."""
        return (self.done + self.failed) / self.seconds if self.seconds > 0 else 0.0

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, (self.done + self.failed) * 100 // self.total)


class BillRunFailure(models.Model):
    """An account the run could not bill, with the reason; the run goes on without it."""

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="failures", verbose_name=_("run"))
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("bill run failure")
        verbose_name_plural = _("bill run failures")
        constraints = [models.UniqueConstraint(fields=["run", "account"], name="bill_run_failure_once")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.account_id}"


class Bill(AppendOnlyModel):
    """The bill of one account for one period: issued once, never changed (the database refuses
    UPDATE). All amounts are int kopecks; ``lines`` is the breakdown, a list of
    ``{"section", "code", "label", "quantity", "unit", "amount"}`` where a charge is positive
    (what the client owes for it) and a credit (discount, payment) negative.

    ``closing_balance = opening_balance − charges + payments`` (balances signed as in the ledger:
    positive = money on the account); ``amount_due`` is what the client has to pay: the debt.
    """

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="bills", verbose_name=_("account")
    )
    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="bills", verbose_name=_("run"))
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM"))
    number = models.CharField(_("bill number"), max_length=32, unique=True)
    period_start = models.DateTimeField(_("period start"))
    period_end = models.DateTimeField(_("period end"))
    issued_at = models.DateTimeField(_("issued at"))
    opening_balance = models.BigIntegerField(_("opening balance"))
    charges = models.BigIntegerField(_("charges incl. VAT"))
    vat = models.BigIntegerField(_("VAT included"))
    payments = models.BigIntegerField(_("payments"))
    closing_balance = models.BigIntegerField(_("closing balance"))
    amount_due = models.BigIntegerField(_("amount due"))
    lines = models.JSONField(_("lines"), default=list)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "account_id"]
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="bill_once_per_account_period")]

    def __str__(self) -> str:
        return self.number


class DeliverySetting(AppendOnlyModel):
    """How an account's regular bills are delivered, from ``set_at`` on (BILL-7). A history: each
    change is a new row; the regular bill of a period goes by the last row set before the period's
    end (the last address set within the period)."""

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PAPER = "paper", _("Collects it in person")

    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    excel = models.BooleanField(_("also Excel"), default=False)
    set_at = models.DateTimeField(_("set at"))
    set_by = models.CharField(_("set by"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("bill delivery setting")
        verbose_name_plural = _("bill delivery settings")
        ordering = ["-set_at", "-id"]
        indexes = [models.Index(fields=["account", "set_at"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.method} {self.email}"


class BillDelivery(models.Model):
    """One sending of a bill: the regular delivery after the run or a re-send (BILL-5, BILL-6)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        RESEND = "resend", _("Re-sent on request")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("bill"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=8, choices=DeliverySetting.Method.choices)
    address = models.EmailField(_("address"), blank=True)
    excel = models.BooleanField(_("with Excel"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, help_text=_("Set while a failed e-mail waits to be tried again")
    )

    class Meta:
        verbose_name = _("bill delivery")
        verbose_name_plural = _("bill deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=models.Q(kind="regular"), name="bill_delivery_regular_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="bill_delivery_retry_idx")]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.kind} {self.status}"
