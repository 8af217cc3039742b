"""Orders (BSS-6, SVC-3): every change of a subscriber's plan or services is an order with a
lifecycle, carried out by the worker through the provisioning adapter (``network.py``).

draft → confirmed → in_progress → completed | failed, and draft/confirmed → cancelled. Each
change of state is an ``OrderEvent`` (the history the subscriber sees) and an audit event.
The simulated network element keeps its state in ``SimulatedSim`` (see ``simulator.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.DRAFT, State.CONFIRMED, State.IN_PROGRESS)
    DONE_STATES = (State.COMPLETED, State.FAILED, State.CANCELLED)

    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="orders", verbose_name=_("subscriber")
    )
    action = models.CharField(_("action"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("service order"), max_length=255)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    price = models.BigIntegerField(_("one-time price, kopecks"), default=0)
    channel = models.CharField(_("channel"), max_length=10, default="web")
    actor_label = models.CharField(_("ordered by"), max_length=120, blank=True)
    pending_request_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    # when the change is due on the network (a plan change may wait for midnight, SVC-1)
    scheduled_for = models.DateTimeField(_("takes effect"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subscriber", "-created_at"]),
            models.Index(fields=["state", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_done(self) -> bool:
        return self.state in self.DONE_STATES


class OrderEvent(models.Model):
    """One step of an order's history (what the subscriber sees under "История")."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=Order.State.choices)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.state} {self.at:%Y-%m-%d %H:%M}"


class SimulatedSim(models.Model):
    """What the simulated network element has active on one SIM (our product's own test double
    of the HLR/PCRF: a real component with its own tables, not a mock)."""

    msisdn = models.CharField(max_length=15, unique=True)
    plan = models.CharField(max_length=40, blank=True)
    services = models.JSONField(default=dict, blank=True, help_text="service code → settings")
    suspended = models.BooleanField(default=False)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("simulated network: SIM")
        verbose_name_plural = _("simulated network: SIMs")

    def __str__(self) -> str:
        return self.msisdn


class SimulatedCommand(models.Model):
    """Every command the simulated network element received (request ids make retries harmless)."""

    request_id = models.CharField(max_length=80, unique=True)
    msisdn = models.CharField(max_length=15)
    command = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.command}"
