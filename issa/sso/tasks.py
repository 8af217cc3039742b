"""Background jobs of partner sign-in (run by the django-q2 worker)."""

from __future__ import annotations


def expired_tokens_clear() -> None:
    """Delete expired authorization codes, access, refresh and ID tokens (idempotent).

    django-oauth-toolkit keeps them until removed; refresh tokens go
    REFRESH_TOKEN_EXPIRE_SECONDS after their access token expires."""
    from oauth2_provider.models import clear_expired

    clear_expired()
