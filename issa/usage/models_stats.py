"""Internet statistics (STAT-1..4): the staff-maintained mapping of domains to services and the
count of statistics requests per subscriber and Minsk day."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDomain(models.Model):
    """A domain (and its subdomains) belongs to a named service: ``youtube.com`` → "YouTube".
    Domains nobody mapped are shown as "Other" (STAT-2)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True, help_text=_("Covers its subdomains too"))
    service = models.CharField(_("service"), max_length=80)

    class Meta:
        app_label = "usage"
        verbose_name = _("service domain")
        verbose_name_plural = _("service domains")
        ordering = ["service", "domain"]

    def __str__(self) -> str:
        return f"{self.domain} → {self.service}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class StatRequest(models.Model):
    """One answered statistics request (STAT-4 counts these per subscriber and Minsk day)."""

    subscriber_id = models.BigIntegerField(_("subscriber"))
    local_day = models.DateField(_("day of the request (Minsk)"))
    chosen_day = models.DateField(_("statistics for"))
    created_at = models.DateTimeField(_("requested at"))

    class Meta:
        app_label = "usage"
        verbose_name = _("statistics request")
        verbose_name_plural = _("statistics requests")
        indexes = [models.Index(fields=["subscriber_id", "local_day"], name="usage_statreq_sub_day")]

    def __str__(self) -> str:
        return f"{self.subscriber_id}@{self.local_day}"
