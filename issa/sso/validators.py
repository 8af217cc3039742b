"""ISSA's rules inside django-oauth-toolkit's OAuth2Validator (AUTH-14, ADR 0005).

- Claims: ``sub`` is an opaque per-user id (never the MSISDN); ``phone_number`` (E.164 with
  ``+``) and ``phone_number_verified`` only with scope ``phone``; ``name`` only with ``profile``.
- Closed ISSA access (AUTH-10/11/12) refuses the code exchange, the refresh and userinfo, so
  tokens issued before the closure stop working at once.
- ``prompt=none`` is answered ``login_required``: a silent sign-in would skip the consent screen.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from .selectors import signin_refusal
from .services import partner_subject


def _refused(user: Any) -> bool:
    return signin_refusal(user=user) is not None


class IssaOAuth2Validator(OAuth2Validator):
    # Only the claims ISSA gives, each with the scope that releases it.
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "phone_number": "phone",
        "phone_number_verified": "phone",
    }

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        user = request.user
        subscriber = getattr(user, "subscriber", None)
        claims: dict[str, Any] = {"sub": partner_subject(user=user)}
        name = (user.full_name or "").strip()
        if not name and subscriber is not None and subscriber.account.client.kind == "person":
            name = subscriber.account.client.name
        if name:
            claims["name"] = name
        if subscriber is not None:
            claims["phone_number"] = "+" + subscriber.msisdn
            # The number is the operator's own SIM the subscriber registered with (AUTH-1).
            claims["phone_number_verified"] = True
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(self.oidc_claim_scope)

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        return not _refused(request.user)

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        return not _refused(request.user)

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if _refused(request.user):
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", "The subscriber's ISSA access is closed.")]
            )
            return False
        return True

    def validate_silent_login(self, request: Any) -> bool:
        return False

    def validate_silent_authorization(self, request: Any) -> bool:
        return False
