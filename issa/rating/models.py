"""Rating state: allowance consumption per subscriber and period, and which periods are closed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AllowanceUsage(models.Model):
    """How much of one allowance a subscriber has used in one billing period (BSS-3).

    An allowance is identified by its owner (the plan, or the service/package) and its kind and
    destinations, not by the ``catalog.Allowance`` row: a price change mid-month makes new rows,
    but what was used this month stays used. A new period starts with no row (nothing used), which
    is the monthly reset. Rating locks the rows of a batch (``select_for_update``) and writes them
    set-wise, so two imports touching the same subscriber never lose an update.
    """

    class Owner(models.TextChoices):
        PLAN = "plan", _("Tariff plan")
        SERVICE = "service", _("Service or package")

    # No database-level foreign key (ADR 0007): PostgreSQL checks a deferred key for each new
    # row at commit (a row lock on the subscriber each), which was a fifth of an import's first
    # batch of the month (thousands of new rows). The rows are written by rating only, with the
    # ids of subscribers it has just read in the same transaction; subscribers are never deleted.
    # No index of its own either: the unique slot below starts with the subscriber, and an index
    # fewer is one B-tree insert fewer for each of those rows.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subscriber"),
        db_constraint=False,
        db_index=False,
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM"))
    owner = models.CharField(_("owner"), max_length=8, choices=Owner.choices)
    owner_id = models.BigIntegerField(_("plan or service id"))
    kind = models.CharField(_("kind"), max_length=8)
    destinations = models.CharField(_("destinations"), max_length=200, blank=True)
    used = models.BigIntegerField(_("used (seconds, pieces or bytes)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("allowance usage")
        verbose_name_plural = _("allowance usage")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "period", "owner", "owner_id", "kind", "destinations"],
                name="allowance_usage_unique_slot",
            ),
            models.CheckConstraint(condition=models.Q(used__gte=0), name="allowance_usage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.period} {self.owner}:{self.owner_id} {self.kind} {self.used}"

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.owner, self.owner_id, self.kind, self.destinations)


class ClosedPeriod(models.Model):
    """A billing period whose bill has been made (the bill run, issue 6, closes it).

    Late records of a closed period are rated at that period's prices and allowances but booked
    as a correction in the next open period (BSS-2).
    """

    key = models.CharField(_("period"), max_length=7, unique=True, help_text=_("YYYY-MM"))
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("closed billing period")
        verbose_name_plural = _("closed billing periods")
        ordering = ["-key"]

    def __str__(self) -> str:
        return self.key
