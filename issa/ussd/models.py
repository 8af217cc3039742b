"""USSD dialogues: one row per gateway session, holding where the dialogue stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UssdSession(models.Model):
    session_id = models.CharField(_("gateway session id"), max_length=64, unique=True)
    msisdn = models.CharField(_("number"), max_length=15, db_index=True)
    menu = models.CharField(_("menu"), max_length=32)
    step = models.CharField(_("step"), max_length=32, default="start")
    data = models.JSONField(_("data"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"))
    updated_at = models.DateTimeField(_("updated at"))
    ended = models.BooleanField(_("ended"), default=False)

    class Meta:
        verbose_name = _("USSD session")
        verbose_name_plural = _("USSD sessions")

    def __str__(self) -> str:
        return f"{self.menu} {self.session_id}"
