"""Partner sign-in (AUTH-14): the subscriber's consents and the opaque subject id partners see.

The OAuth 2.0 / OpenID Connect tables themselves (applications, grants, tokens) belong to
django-oauth-toolkit (ADR 0005); this app adds what ISSA decides on top of them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import APPLICATION_MODEL


class PartnerSubject(models.Model):
    """The ``sub`` claim: stable per user and opaque, so that partners never key on the MSISDN
    (a number is recycled to another person when a contract ends; a ``sub`` is not)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_subject", verbose_name=_("user")
    )
    sub = models.UUIDField(_("subject identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner subject identifier")
        verbose_name_plural = _("partner subject identifiers")

    def __str__(self) -> str:
        return str(self.sub)


class Consent(models.Model):
    """A subscriber's standing permission for one partner to receive the listed scopes.

    One row per (user, partner); ``scopes`` holds the space-separated, sorted scopes approved.
    A request for scopes inside that set signs in without asking again; a wider request asks.
    Revoking deletes the row together with the partner's codes and tokens (``consent_revoke``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_consents", verbose_name=_("user")
    )
    application = models.ForeignKey(
        APPLICATION_MODEL, on_delete=models.CASCADE, related_name="issa_consents", verbose_name=_("partner")
    )
    scopes = models.CharField(_("scopes"), max_length=255)
    granted_at = models.DateTimeField(_("granted at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner consent")
        verbose_name_plural = _("partner consents")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="sso_consent_one_per_user_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.application_id}: {self.scopes}"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def covers(self, scopes: list[str] | set[str]) -> bool:
        return set(scopes) <= set(self.scope_list)
