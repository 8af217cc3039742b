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


# --- Prices and allowances, versioned by date (BSS-1) ------------------------------------------
# A price change is a new terms row with a later ``valid_from``; rating picks the row in force at
# each record's time and stores its id with the rated record, so nothing already rated is re-priced.


class Kind(models.TextChoices):
    """Kinds of usage."""

    VOICE = "voice", _("Calls")
    SMS = "sms", _("SMS")
    MMS = "mms", _("MMS")
    DATA = "data", _("Mobile Internet")


class Destination(models.TextChoices):
    """Where usage goes (or, for roaming, where it happens)."""

    ONNET = "onnet", _("Within the network")
    OFFNET = "offnet", _("Other mobile networks")
    FIXED = "fixed", _("Fixed network")
    INTL_CIS = "intl_cis", _("International: CIS")
    INTL_EUROPE = "intl_europe", _("International: Europe")
    INTL_WORLD = "intl_world", _("International: rest of the world")
    ROAMING_1 = "roaming_1", _("Roaming zone 1")
    ROAMING_2 = "roaming_2", _("Roaming zone 2")
    ROAMING_3 = "roaming_3", _("Roaming zone 3")
    HOME = "home", _("Home network (data)")


class PlanTerms(models.Model):
    """What a tariff plan costs from ``valid_from`` on (until the next terms of the same plan)."""

    class VoiceRounding(models.TextChoices):
        PER_SECOND = "per_second", _("Per second")
        PER_MINUTE = "per_minute", _("Per started minute")

    plan = models.ForeignKey(TariffPlan, on_delete=models.PROTECT, related_name="terms", verbose_name=_("tariff plan"))
    valid_from = models.DateTimeField(_("valid from"))
    fee = models.DecimalField(_("subscription fee, BYN with VAT"), max_digits=10, decimal_places=4, default=0)
    fee_discount = models.DecimalField(
        _("discount on the fee, BYN"),
        max_digits=10,
        decimal_places=4,
        default=0,
        help_text=_("Pause charges 50% of the discounted fee (SVC-9)"),
    )
    voice_rounding = models.CharField(
        _("call rounding"), max_length=12, choices=VoiceRounding.choices, default=VoiceRounding.PER_SECOND
    )
    data_unit_kb = models.PositiveIntegerField(_("data billing unit, KB"), default=100)

    class Meta:
        verbose_name = _("tariff plan terms")
        verbose_name_plural = _("tariff plan terms")
        constraints = [models.UniqueConstraint(fields=["plan", "valid_from"], name="plan_terms_unique_from")]
        ordering = ["plan", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.plan} @ {self.valid_from:%Y-%m-%d}"


class ServiceTerms(models.Model):
    """What a service or package costs from ``valid_from`` on."""

    class FeePeriod(models.TextChoices):
        NONE = "none", _("No subscription fee")
        DAILY = "daily", _("Daily")
        MONTHLY = "monthly", _("Monthly")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="terms", verbose_name=_("service"))
    valid_from = models.DateTimeField(_("valid from"))
    fee = models.DecimalField(_("subscription fee, BYN with VAT"), max_digits=10, decimal_places=4, default=0)
    fee_period = models.CharField(_("fee period"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.NONE)
    one_time_fee = models.DecimalField(_("connection fee, BYN with VAT"), max_digits=10, decimal_places=4, default=0)
    pro_rata = models.BooleanField(_("monthly fee pro rata in the first month"), default=True)

    class Meta:
        verbose_name = _("service terms")
        verbose_name_plural = _("service terms")
        constraints = [models.UniqueConstraint(fields=["service", "valid_from"], name="service_terms_unique_from")]
        ordering = ["service", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.service} @ {self.valid_from:%Y-%m-%d}"


class UsagePrice(models.Model):
    """Price of one unit (a minute, an SMS, an MMS, a megabyte) by kind and destination."""

    terms = models.ForeignKey(PlanTerms, on_delete=models.CASCADE, related_name="prices", verbose_name=_("terms"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    destination = models.CharField(_("destination"), max_length=16, choices=Destination.choices)
    outgoing = models.BooleanField(_("outgoing"), default=True)
    unit_price = models.DecimalField(_("price per unit, BYN with VAT"), max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("usage price")
        verbose_name_plural = _("usage prices")
        constraints = [
            models.UniqueConstraint(fields=["terms", "kind", "destination", "outgoing"], name="usage_price_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.destination}: {self.unit_price}"


class Allowance(models.Model):
    """Units included per billing period in a plan's or a service's terms (minutes as seconds,
    SMS and MMS as pieces, data as bytes). ``destinations`` empty means every destination of the
    kind except roaming."""

    plan_terms = models.ForeignKey(
        PlanTerms, on_delete=models.CASCADE, null=True, blank=True, related_name="allowances"
    )
    service_terms = models.ForeignKey(
        ServiceTerms, on_delete=models.CASCADE, null=True, blank=True, related_name="allowances"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    destinations = models.JSONField(_("destinations"), default=list, blank=True)
    quantity = models.BigIntegerField(_("quantity (seconds, pieces or bytes)"))

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_terms__isnull=False, service_terms__isnull=True)
                | models.Q(plan_terms__isnull=True, service_terms__isnull=False),
                name="allowance_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"


# --- Compatibility and plan change terms (BSS-1, SVC-1, SVC-2, SVC-8) -----------------------------


class ServiceRule(models.Model):
    """A service requires another one to be connected, or excludes it (SVC-2).

    "Excludes" is read both ways: A excluding B forbids B while A is connected too. Mobile
    Internet packages exclude each other without a row (one package at a time, SVC-7).
    """

    class Kind(models.TextChoices):
        REQUIRES = "requires", _("requires")
        EXCLUDES = "excludes", _("excludes")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rules", verbose_name=_("service"))
    kind = models.CharField(_("rule"), max_length=10, choices=Kind.choices)
    other = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("other service"))

    class Meta:
        verbose_name = _("service compatibility rule")
        verbose_name_plural = _("service compatibility rules")
        constraints = [
            models.UniqueConstraint(fields=["service", "kind", "other"], name="service_rule_unique"),
            models.CheckConstraint(condition=~models.Q(service=models.F("other")), name="service_rule_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.kind} {self.other}"


class ServiceAvailability(models.Model):
    """Which tariff plans allow a service (SVC-2, SVC-8). A service without any row is allowed on
    every plan; with rows, only on the plans listed."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="availability", verbose_name=_("service")
    )
    plan = models.ForeignKey(TariffPlan, on_delete=models.CASCADE, related_name="+", verbose_name=_("tariff plan"))

    class Meta:
        verbose_name = _("plan that allows the service")
        verbose_name_plural = _("plans that allow the service")
        constraints = [models.UniqueConstraint(fields=["service", "plan"], name="service_availability_unique")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.plan}"


class PlanChangeTerms(models.Model):
    """The terms of moving onto a plan (SVC-1): a one-time fee and when the change takes effect.

    Changes take effect at a local midnight (the next day or the 1st of the next month) unless the
    plan says "immediately": the fee job charges monthly fees per calendar day, and a midnight
    switch keeps each day on exactly one plan. Without a row: next day, no fee.
    """

    class Effective(models.TextChoices):
        IMMEDIATELY = "immediately", _("immediately")
        NEXT_DAY = "next_day", _("from the next day")
        NEXT_MONTH = "next_month", _("from the 1st of the next month")

    plan = models.OneToOneField(
        TariffPlan, on_delete=models.CASCADE, related_name="change_terms", verbose_name=_("tariff plan")
    )
    fee = models.DecimalField(_("plan change fee, BYN with VAT"), max_digits=10, decimal_places=4, default=0)
    effective = models.CharField(
        _("takes effect"), max_length=12, choices=Effective.choices, default=Effective.NEXT_DAY
    )

    class Meta:
        verbose_name = _("plan change terms")
        verbose_name_plural = _("plan change terms")

    def __str__(self) -> str:
        return f"→ {self.plan}: {self.fee} ({self.effective})"
