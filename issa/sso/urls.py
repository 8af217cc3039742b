"""The OpenID Connect provider's endpoints, mounted under ``/o/`` (AUTH-14, ADR 0005).

Only what partners need is exposed: authorize (ISSA's consent screen), token, revocation,
discovery, JWKS and userinfo. django-oauth-toolkit's application-management pages, device flow,
introspection and dynamic registration are deliberately not routed: partners are registered by
the operator (``manage.py sso_register_partner``; ``sso_register_melofon`` for the demo), not by
anyone signed in. RFC 8414 metadata is routed too: it fixes the RFC 9207 ``iss`` to ``<host>/o``.
The namespace stays ``oauth2_provider`` because the library reverses its own URL names.
"""

from __future__ import annotations

from django.urls import path, re_path
from oauth2_provider import views as oauth_views

from .views import ConsentAuthorizationView, GuardedTokenView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", ConsentAuthorizationView.as_view(), name="authorize"),
    path("token/", GuardedTokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        oauth_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
    # RFC 8414 metadata under the same prefix: it also fixes the RFC 9207 ``iss`` parameter of
    # authorization responses to the issuer ``<host>/o`` that discovery publishes.
    path(
        ".well-known/oauth-authorization-server",
        oauth_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
