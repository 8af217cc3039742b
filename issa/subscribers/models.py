"""Subscribers (a number on an account) and their SIM cards with encrypted PIN/PUK codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core import crypto
from issa.core.models import TimeStamped


class Subscriber(TimeStamped):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Suspended at the subscriber's request")
        SUSPENDED_CLIENT = "suspended_client", _("Suspended at the client's request")
        SUSPENDED_OPERATOR = "suspended_operator", _("Suspended by the operator")
        BLOCKED_FUNDS = "blocked_funds", _("Blocked: not enough money")
        CLOSED = "closed", _("Closed")

    class Device(models.TextChoices):
        PHONE = "phone", _("Phone")
        TABLET = "tablet", _("Tablet")
        MODEM = "modem", _("Modem")
        DEVICE = "device", _("Device without a screen")

    msisdn = models.CharField(_("number"), max_length=15, unique=True)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="subscribers", verbose_name=_("account")
    )
    plan = models.ForeignKey(
        "catalog.TariffPlan", on_delete=models.PROTECT, related_name="subscribers", verbose_name=_("tariff plan")
    )
    user_name = models.CharField(
        _("user's name"), max_length=255, blank=True, help_text=_("Who uses the number, when not the client")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    device = models.CharField(_("device"), max_length=10, choices=Device.choices, default=Device.PHONE)
    activated_on = models.DateField(_("connected on"))
    puk_registration = models.BooleanField(
        _("Регистрация по PUK1"), default=False, help_text=_("Set by a sales centre (AUTH-4)")
    )

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        from issa.core.phone import format_msisdn

        return format_msisdn(self.msisdn)

    @property
    def display_name(self) -> str:
        return self.user_name or self.account.client.name


class Sim(TimeStamped):
    """A SIM card. PIN/PUK are encrypted at rest, shown only on an audited request (INFO-4)."""

    iccid = models.CharField(_("ICCID"), max_length=22, unique=True)
    subscriber = models.OneToOneField(
        Subscriber, on_delete=models.PROTECT, related_name="sim", null=True, blank=True, verbose_name=_("subscriber")
    )
    pin1_enc = models.TextField(editable=False)
    puk1_enc = models.TextField(editable=False)
    pin2_enc = models.TextField(editable=False)
    puk2_enc = models.TextField(editable=False)

    SECRETS = ("pin1", "puk1", "pin2", "puk2")

    class Meta:
        verbose_name = _("SIM card")
        verbose_name_plural = _("SIM cards")

    def __str__(self) -> str:
        return f"SIM …{self.iccid[-4:]}"

    def __repr__(self) -> str:  # never let a secret reach a log through repr
        return f"<Sim {self.pk} …{self.iccid[-4:]}>"

    def set_codes(self, *, pin1: str, puk1: str, pin2: str, puk2: str) -> None:
        self.pin1_enc = crypto.encrypt(pin1)
        self.puk1_enc = crypto.encrypt(puk1)
        self.pin2_enc = crypto.encrypt(pin2)
        self.puk2_enc = crypto.encrypt(puk2)

    def reveal(self) -> dict[str, str]:
        """The four codes in clear. Callers must audit (subscribers.services.sim_reveal_codes)."""
        return {name: crypto.decrypt(getattr(self, f"{name}_enc")) for name in self.SECRETS}

    def puk1_matches(self, candidate: str) -> bool:
        return crypto.same(crypto.decrypt(self.puk1_enc), (candidate or "").strip())


class PlanPeriod(models.Model):
    """Which tariff plan a subscriber had when: rating follows the plan in force at each record."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="plan_periods")
    plan = models.ForeignKey("catalog.TariffPlan", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("tariff plan period")
        verbose_name_plural = _("tariff plan periods")
        ordering = ["subscriber", "valid_from"]
        indexes = [models.Index(fields=["subscriber", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.plan_id} from {self.valid_from:%Y-%m-%d}"


class Product(models.Model):
    """A service or package active on a subscriber (product inventory, TMF637): from when to when.

    Pause (SVC-9) is a product of a service of kind ``pause``; fees and rating read these periods.
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="products")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    active_from = models.DateTimeField(_("active from"))
    active_to = models.DateTimeField(_("active until"), null=True, blank=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True, help_text=_("e.g. forwarding target"))

    class Meta:
        verbose_name = _("connected service")
        verbose_name_plural = _("connected services")
        indexes = [models.Index(fields=["subscriber", "active_from"])]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.service_id}"
