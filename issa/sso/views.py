"""The authorization endpoint of ISSA's OpenID Connect provider, in the portal's look (AUTH-14).

django-oauth-toolkit does the protocol (ADR 0005); this view adds ISSA's decisions around it:
closed ISSA access refuses sign-in, a remembered consent signs in without asking, the subscriber's
"Разрешить"/"Отказать" is remembered and audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView, TokenView
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error

from issa.core import clock
from issa.core.errors import DomainError
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor, client_ip
from issa.identity.services import limits

from . import services
from .selectors import consent_for, scope_descriptions, signin_refusal


class ConsentAuthorizationView(AuthorizationView):
    """GET shows the consent screen (or signs in on a remembered consent); POST takes the answer."""

    template_name = "portal/sso/consent.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        prompt = set(request.GET.get("prompt", "").split())
        if prompt & {"login", "create", "none"}:
            return super().get(request, *args, **kwargs)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError:
            return super().get(request, *args, **kwargs)  # renders the protocol error as the library does
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        if credentials.get("code_challenge_method") != "S256":
            # Refused before the consent screen, not after the subscriber answered it.
            error = OAuthToolkitError(
                error=CustomOAuth2Error(
                    error="invalid_request",
                    description='PKCE with code_challenge_method "S256" is required.',
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
            return self.error_response(error, application)
        refused = self._refuse_if_closed(application, credentials.get("redirect_uri"), credentials.get("state"))
        if refused is not None:
            return refused
        consent = consent_for(user=request.user, application=application)
        if consent is not None and consent.covers(scopes) and "consent" not in prompt:
            try:
                with transaction.atomic():
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
                    )
                    services.signin_by_consent(
                        consent=consent, scopes=scopes, actor=Actor.from_request(request), now=clock.now()
                    )
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            return self.redirect(uri, application)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["what_partner_gets"] = scope_descriptions(list(kwargs.get("scopes") or []))
        subscriber = getattr(self.request.user, "subscriber", None)
        context["signing_in_as"] = format_msisdn(subscriber.msisdn) if subscriber is not None else ""
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        application = get_application_model().objects.filter(client_id=form.cleaned_data["client_id"]).first()
        if application is None:
            return self._error_page(_("The partner service is not registered in ISSA."), status=400)
        refused = self._refuse_if_closed(
            application, form.cleaned_data.get("redirect_uri"), form.cleaned_data.get("state")
        )
        if refused is not None:
            return refused
        scopes = (form.cleaned_data.get("scope") or "").split()
        allow = bool(form.cleaned_data.get("allow"))
        actor = Actor.from_request(self.request)
        user = self.request.user
        with transaction.atomic():
            self.success_url = None
            response = super().form_valid(form)
            if allow and self.success_url:
                services.consent_grant(user=user, application=application, scopes=scopes, actor=actor, now=clock.now())
            elif not allow:
                services.consent_deny(user=user, application=application, scopes=scopes, actor=actor, now=clock.now())
        return response

    def _refuse_if_closed(self, application: Any, redirect_uri: str | None, state: str | None) -> HttpResponse | None:
        """Closed ISSA access: audit the refusal and tell the subscriber why, with a way back to
        the partner that carries the standard ``access_denied`` error."""
        refusal: DomainError | None = signin_refusal(user=self.request.user)
        if refusal is None:
            return None
        services.signin_refuse(
            user=self.request.user,
            application=application,
            code=refusal.code,
            actor=Actor.from_request(self.request),
            now=clock.now(),
        )
        back_url = ""
        if redirect_uri and application.redirect_uri_allowed(redirect_uri):
            params = [("error", "access_denied")]
            if state:
                params.append(("state", state))
            back_url = add_params_to_uri(redirect_uri, params)
        return render(
            self.request,
            "portal/sso/refused.html",
            {"application": application, "message": refusal.text(), "code": refusal.code, "back_url": back_url},
            status=403,
        )

    def _error_page(self, message: str, *, status: int) -> HttpResponse:
        return render(
            self.request,
            "portal/error.html",
            {"title": _("Sign in to a partner service"), "message": message},
            status=status,
        )


class GuardedTokenView(TokenView):
    """The token endpoint with the same per-IP lockout as the portal's login: each failed client
    authentication (401) counts against the caller's IP, and a locked IP is refused *before* the
    client secret is hashed (Argon2id is slow on purpose, so unlimited tries would be a DoS)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = client_ip(request)
        now = clock.now()
        try:
            limits.guard(msisdn=None, ip=ip, now=now)
        except DomainError:
            return JsonResponse(
                {"error": "invalid_client", "error_description": "Too many failed client authentications."},
                status=429,
            )
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code == 401:
            limits.record_failure(msisdn=None, ip=ip, now=now)
        return response
