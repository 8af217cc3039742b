"""Payments (FIN-5 card top-up, FIN-4 express cards) and the subscriber's payment settings.

A card payment is credited ONLY by the acquirer's signed server-to-server callback; every
callback received (accepted or refused) is kept in ``CallbackLog``. Express-card codes are never
stored: only their keyed hash and last four digits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core import clock


class Payment(models.Model):
    """One card payment to the account of a number (own or another's)."""

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Source(models.TextChoices):
        CARD = "card", _("Bank card")
        AUTO = "auto", _("Automatic top-up")

    public_id = models.UUIDField(_("order id"), default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="+", verbose_name=_("credited number")
    )
    msisdn = models.CharField(_("credited number"), max_length=15)
    payer = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("payer")
    )
    amount = models.BigIntegerField(_("amount, kopecks"))
    currency = models.CharField(_("currency"), max_length=3, default="BYN")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CARD)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CREATED)
    acquirer = models.CharField(_("acquirer"), max_length=30, default="sandbox")
    acquirer_txn_id = models.CharField(_("acquirer transaction"), max_length=64, blank=True, default="")
    card_last4 = models.CharField(_("card, last 4 digits"), max_length=4, blank=True, default="")
    save_card = models.BooleanField(_("save the card"), default=False)
    failure_reason = models.CharField(_("failure reason"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    expires_at = models.DateTimeField(_("expires at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("card payment")
        verbose_name_plural = _("card payments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payer", "created_at"]),
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["subscriber", "created_at"]),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.state}"

    @property
    def final(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED, self.State.EXPIRED}


class CallbackLog(models.Model):
    """Every callback received from the acquirer, with the verdict: accepted ones and refused ones
    (forged, stale, replayed, mismatched). ``signature`` is set for accepted callbacks only and is
    unique, so the very same signed message cannot be applied twice (replay)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate (already applied)")
        FORGED = "forged", _("Forged signature")
        STALE = "stale", _("Stale timestamp")
        REPLAYED = "replayed", _("Replayed")
        MISMATCH = "mismatch", _("Amount or currency mismatch")
        MALFORMED = "malformed", _("Malformed")
        UNKNOWN = "unknown", _("Unknown payment")
        CONFLICT = "conflict", _("Conflicting transaction")

    received_at = models.DateTimeField(_("received at"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"))
    event = models.CharField(_("event"), max_length=40, blank=True, default="")
    transaction_id = models.CharField(_("transaction"), max_length=64, blank=True, default="")
    signature = models.CharField(_("signature"), max_length=64, null=True, blank=True, unique=True)
    remote_ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    body = models.TextField(_("body"), blank=True, default="")

    class Meta:
        verbose_name = _("acquirer callback")
        verbose_name_plural = _("acquirer callbacks")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class Receipt(models.Model):
    """The receipt of a succeeded payment (card or express card)."""

    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="receipt")
    express_card = models.OneToOneField(
        "payments.ExpressCard", on_delete=models.PROTECT, null=True, blank=True, related_name="receipt"
    )
    msisdn = models.CharField(_("credited number"), max_length=15)
    amount = models.BigIntegerField(_("amount, kopecks"))
    issued_at = models.DateTimeField(_("issued at"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class ExpressCardBatch(models.Model):
    """A printed batch of express-payment cards of one face value (FIN-4)."""

    number = models.CharField(_("batch number"), max_length=20, unique=True)
    face_value = models.BigIntegerField(_("face value, kopecks"))
    quantity = models.PositiveIntegerField(_("cards"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    # The last day (Europe/Minsk, inclusive) on which the batch's cards can be redeemed; printed
    # on the cards. Empty only for batches issued before expiry existed: they do not expire.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("express card batch")
        verbose_name_plural = _("express card batches")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number

    def expired(self, *, now: datetime) -> bool:
        """True once the last valid day (Europe/Minsk) is over: the cards still active are expired."""
        return self.valid_until is not None and clock.local_date(now) > self.valid_until


class ExpressCard(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        REDEEMED = "redeemed", _("Redeemed")
        VOID = "void", _("Void")

    batch = models.ForeignKey(ExpressCardBatch, on_delete=models.PROTECT, related_name="cards")
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    last4 = models.CharField(_("last 4 digits"), max_length=4)
    face_value = models.BigIntegerField(_("face value, kopecks"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed by subscriber"),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("voided by")
    )
    void_reason = models.CharField(_("void reason"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("express card")
        verbose_name_plural = _("express cards")
        permissions = [("void_expresscard", _("Can void express cards"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(face_value__gt=0), name="express_card_face_value_positive")
        ]

    def __str__(self) -> str:
        return f"…{self.last4}"


class SavedCard(models.Model):
    """A card saved at the acquirer: we keep only its token (encrypted) and last four digits."""

    subscriber = models.ForeignKey("subscribers.Subscriber", on_delete=models.CASCADE, related_name="+")
    token_encrypted = models.TextField()
    last4 = models.CharField(_("card, last 4 digits"), max_length=4)
    created_at = models.DateTimeField(_("saved at"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")

    def __str__(self) -> str:
        return f"•••• {self.last4}"


class AutoTopUp(models.Model):
    """Automatic top-up: charge the saved card ``amount`` when the balance falls below ``threshold``."""

    subscriber = models.OneToOneField("subscribers.Subscriber", on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(SavedCard, on_delete=models.CASCADE, related_name="+")
    threshold = models.BigIntegerField(_("threshold, kopecks"))
    amount = models.BigIntegerField(_("amount, kopecks"))
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("automatic top-up")
        verbose_name_plural = _("automatic top-ups")

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.amount} < {self.threshold}"


class LowBalanceAlert(models.Model):
    """An SMS when the balance falls below ``threshold``; re-armed once it is back above."""

    subscriber = models.OneToOneField("subscribers.Subscriber", on_delete=models.CASCADE, related_name="+")
    threshold = models.BigIntegerField(_("threshold, kopecks"))
    enabled = models.BooleanField(_("enabled"), default=True)
    armed = models.BooleanField(_("armed"), default=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("low-balance alert")
        verbose_name_plural = _("low-balance alerts")

    def __str__(self) -> str:
        return f"{self.subscriber_id}: < {self.threshold}"
