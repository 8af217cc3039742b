"""The catalogue's spine: tariff plans, services and number categories (BSS-1).

Prices and allowances are versioned by date in their own tables (billing core issue); these rows
hold what does not change with a price: names, kinds and which plans need PUK1 identification.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from issa.core.models import TimeStamped


class TariffPlan(TimeStamped):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        INTERNET = "internet", _("Internet only")
        DEVICE = "device", _("Device (no USSD)")
        HOME = "home", _("Home and office")

    class FeePeriod(models.TextChoices):
        DAILY = "daily", _("Daily")
        MONTHLY = "monthly", _("Monthly")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    description = models.TextField(_("description"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    fee_period = models.CharField(_("fee period"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.MONTHLY)
    brand = models.CharField(_("brand"), max_length=40, blank=True, help_text=_('e.g. "ПРИВЕТ"'))
    puk_identification = models.BooleanField(
        _("PUK1 identification"), default=False, help_text=_("Devices without USSD identify by PUK1 (AUTH-4)")
    )
    is_public = models.BooleanField(_("open for new connections"), default=True)

    class Meta:
        verbose_name = _("tariff plan")
        verbose_name_plural = _("tariff plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(TimeStamped):
    class Kind(models.TextChoices):
        OPTION = "option", _("Option")
        PACKAGE = "package", _("Package")
        INTERNET = "internet", _("Mobile Internet package")
        VOICEMAIL = "voicemail", _("Voicemail")
        FORWARDING = "forwarding", _("Call forwarding")
        PAUSE = "pause", _("Pause")
        FAVOURITE = "favourite", _("Favourite number")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OPTION)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("available to connect"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NumberCategory(models.Model):
    """Платиновый … Простой: the price of choosing a number of that category (SVC-6)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    price = models.DecimalField(_("price, BYN"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("number category")
        verbose_name_plural = _("number categories")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name
