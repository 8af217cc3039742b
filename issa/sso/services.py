"""Use cases of partner sign-in (AUTH-14): consent, denial, revocation, partner registration.

Each writes its audit event in the same transaction as the change (AUTH-13). The OAuth codes and
tokens themselves are written by django-oauth-toolkit; revocation deletes them here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import transaction
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from issa.core.errors import not_found
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import Consent, PartnerSubject


def _scope_string(scopes: list[str] | set[str]) -> str:
    return " ".join(sorted(set(scopes)))


def partner_subject(*, user: Any) -> str:
    """The user's ``sub`` claim, created on first use and never changed afterwards."""
    subject, _ = PartnerSubject.objects.get_or_create(user=user)
    return str(subject.sub)


def consent_grant(*, user: Any, application: Any, scopes: list[str], actor: Actor, now: datetime) -> Consent:
    """The subscriber pressed "Разрешить": remember it (widening an earlier consent), audit it."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(user=user, application=application).first()
        if consent is None:
            consent = Consent.objects.create(
                user=user, application=application, scopes=_scope_string(scopes), granted_at=now, last_used_at=now
            )
        else:
            consent.scopes = _scope_string(set(consent.scope_list) | set(scopes))
            consent.granted_at = now
            consent.last_used_at = now
            consent.save(update_fields=["scopes", "granted_at", "last_used_at"])
        audit_record(
            actor=actor,
            action="sso.consent_granted",
            now=now,
            subscriber=user.subscriber,
            obj=consent,
            details={"partner": application.name, "client_id": application.client_id, "scopes": sorted(set(scopes))},
        )
    return consent


def consent_deny(*, user: Any, application: Any, scopes: list[str], actor: Actor, now: datetime) -> None:
    """The subscriber pressed "Отказать": nothing is remembered or issued; the denial is audited."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="sso.consent_denied",
            now=now,
            subscriber=user.subscriber,
            obj=application,
            outcome="denied",
            details={"partner": application.name, "client_id": application.client_id, "scopes": sorted(set(scopes))},
        )


def signin_by_consent(*, consent: Consent, scopes: list[str], actor: Actor, now: datetime) -> None:
    """A partner signed the subscriber in on a remembered consent (no screen shown)."""
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(last_used_at=now)
        audit_record(
            actor=actor,
            action="sso.signin",
            now=now,
            subscriber=consent.user.subscriber,
            obj=consent,
            details={
                "partner": consent.application.name,
                "client_id": consent.application.client_id,
                "scopes": sorted(set(scopes)),
            },
        )


def signin_refuse(*, user: Any, application: Any, code: str, actor: Actor, now: datetime) -> None:
    """Sign-in refused because ISSA access is closed (or the account cannot use partners)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="sso.signin_refused",
            now=now,
            subscriber=getattr(user, "subscriber", None),
            obj=application,
            outcome="denied",
            details={"partner": application.name, "client_id": application.client_id, "reason": code},
        )


def _delete_partner_tokens(*, user: Any, application: Any) -> int:
    """Delete every code and token the partner holds for the user; the partner's next refresh
    or userinfo call fails. Returns how many rows went."""
    removed = 0
    for model in (
        get_grant_model(),
        get_refresh_token_model(),
        get_access_token_model(),
        get_id_token_model(),
    ):
        count, _ = model.objects.filter(user=user, application=application).delete()
        removed += count
    return removed


def consent_revoke(*, user: Any, consent_id: int, actor: Actor, now: datetime) -> None:
    """Withdraw a consent from the portal's "Доступ партнёров": the consent and all the partner's
    codes and tokens for this user are deleted. Another user's consent id is "not found"."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update().select_related("application").filter(pk=consent_id, user=user).first()
        )
        if consent is None:
            raise not_found()
        application = consent.application
        details = {"partner": application.name, "client_id": application.client_id, "scopes": consent.scope_list}
        tokens = _delete_partner_tokens(user=user, application=application)
        consent_pk = consent.pk
        consent.delete()
        audit_record(
            actor=actor,
            action="sso.consent_revoked",
            now=now,
            subscriber=user.subscriber,
            obj=None,
            details={**details, "consent_id": consent_pk, "tokens_deleted": tokens},
        )


def partner_tokens_end(*, user: Any, actor: Actor, now: datetime, reason: str) -> int:
    """End every partner token of the user (password change, lost SIM) while keeping consents.

    For the identity services: AUTH-8 ends all sessions and tokens at a password change."""
    with transaction.atomic():
        removed = 0
        for model in (
            get_grant_model(),
            get_refresh_token_model(),
            get_access_token_model(),
            get_id_token_model(),
        ):
            count, _ = model.objects.filter(user=user).delete()
            removed += count
        if removed:
            audit_record(
                actor=actor,
                action="sso.tokens_ended",
                now=now,
                subscriber=getattr(user, "subscriber", None),
                details={"reason": reason, "tokens_deleted": removed},
            )
    return removed


def partner_client_register(
    *,
    client_id: str,
    client_secret: str | None,
    name: str,
    redirect_uris: list[str],
    actor: Actor,
    now: datetime,
) -> tuple[Any, bool]:
    """Register (or bring up to date) a confidential partner client: authorization code with PKCE,
    RS256 id_tokens, consent required. Idempotent: the same call twice changes nothing new.

    Returns ``(application, created)``. The secret is stored hashed by django-oauth-toolkit;
    ``client_secret=None`` keeps the secret of an existing client.
    """
    Application = get_application_model()
    wanted: dict[str, Any] = {
        "name": name,
        "client_type": AbstractApplication.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": AbstractApplication.GRANT_AUTHORIZATION_CODE,
        "algorithm": AbstractApplication.RS256_ALGORITHM,
        "skip_authorization": False,
        "hash_client_secret": True,
        "redirect_uris": " ".join(redirect_uris),
    }
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(client_id=client_id).first()
        created = application is None
        if application is None:
            if not client_secret:
                raise ValueError("a new partner needs a client secret")
            application = Application(client_id=client_id, client_secret=client_secret, **wanted)
            changed = ["all"]
        else:
            changed = [field for field, value in wanted.items() if getattr(application, field) != value]
            for field in changed:
                setattr(application, field, wanted[field])
            if client_secret is not None and not check_password(client_secret, application.client_secret):
                application.client_secret = client_secret
                changed.append("client_secret")
        if not changed:
            return application, False
        application.full_clean(exclude=["user"])
        application.save()
        audit_record(
            actor=actor,
            action="sso.partner_registered" if created else "sso.partner_updated",
            now=now,
            obj=application,
            details={"partner": name, "client_id": client_id, "redirect_uris": redirect_uris, "changed": changed},
        )
    return application, created


def melofon_register(*, now: datetime, extra_redirect_uris: list[str] | None = None) -> tuple[Any, bool]:
    """Register the demo partner "Мелофон" with the credentials it keeps on its side (demo only)."""
    from django.conf import settings

    from .partner_demo import config as melofon

    uris = melofon.redirect_uris(settings.ISSA_PUBLIC_HOST) + list(extra_redirect_uris or [])
    return partner_client_register(
        client_id=melofon.CLIENT_ID,
        client_secret=melofon.client_secret(),
        name=melofon.NAME,
        redirect_uris=uris,
        actor=Actor.system("demo partner registration"),
        now=now,
    )
