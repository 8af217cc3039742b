"""Clients (the party with the contract) and their accounts (лицевой счёт)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core.models import TimeStamped


class Client(TimeStamped):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        LEGAL = "legal", _("Legal entity")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255, help_text=_("Full name or company name"))
    unp = models.CharField(_("UNP"), max_length=9, blank=True, help_text=_("Taxpayer number (legal entities)"))
    email = models.EmailField(_("contract e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Account(TimeStamped):
    """A personal account: the ledger is kept per account; subscribers belong to one."""

    class PaymentMethod(models.TextChoices):
        PREPAID = "prepaid", _("Prepaid")
        POSTPAID = "postpaid", _("Postpaid")

    number = models.CharField(_("account number"), max_length=20, unique=True)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("client"))
    payment_method = models.CharField(_("settlement method"), max_length=10, choices=PaymentMethod.choices)
    opened_on = models.DateField(_("opened on"))
    credit_limit = models.BigIntegerField(_("credit limit, kopecks"), default=0)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.number
