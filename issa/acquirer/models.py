"""The sandbox acquirer's own tables. It never imports ISSA's payments app: it knows merchants
only by what they send over HTTP, exactly as a real acquirer would."""

from __future__ import annotations

import uuid

from django.db import models


class SandboxTransaction(models.Model):
    class State(models.TextChoices):
        NEW = "new", "new"
        PROCESSING = "processing", "processing"
        APPROVED = "approved", "approved"
        DECLINED = "declined", "declined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.CharField(max_length=50)
    order_id = models.CharField(max_length=64)
    amount = models.BigIntegerField()  # minor units
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200, blank=True, default="")
    return_url = models.URLField(max_length=500)
    callback_url = models.URLField(max_length=500)
    save_card = models.BooleanField(default=False)
    recurring = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.NEW)
    card_last4 = models.CharField(max_length=4, blank=True, default="")
    card_token = models.CharField(max_length=64, blank=True, default="")
    scenario = models.CharField(max_length=12, blank=True, default="")  # ok, decline, delay, repeat
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "order_id"], name="sandbox_txn_merchant_order")]

    def __str__(self) -> str:
        return f"{self.merchant}/{self.order_id} {self.state}"


class SandboxCard(models.Model):
    """A card saved for recurring charges: the token handed to the merchant, and the card's test
    number's scenario (never the full number)."""

    token = models.CharField(max_length=64, unique=True)
    merchant = models.CharField(max_length=50)
    last4 = models.CharField(max_length=4)
    scenario = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"•••• {self.last4}"


class SandboxCallbackAttempt(models.Model):
    transaction = models.ForeignKey(SandboxTransaction, on_delete=models.CASCADE, related_name="attempts")
    event = models.CharField(max_length=40)
    http_status = models.IntegerField(null=True)
    error = models.CharField(max_length=200, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event} {self.http_status}"
