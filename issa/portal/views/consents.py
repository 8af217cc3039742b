"""«Доступ партнёров»: the partner services a subscriber let sign in with ISSA, and revocation
(AUTH-14). The rules live in ``issa.sso``; this module parses, authorises and calls them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from issa.core import clock
from issa.identity.actor import Actor
from issa.portal.menu import MenuItem, register
from issa.sso.selectors import consents_of, scope_descriptions
from issa.sso.services import consent_revoke

register(
    MenuItem(
        key="sso",
        title=gettext_lazy("Partner access"),
        description=gettext_lazy("Services you sign in to with your ISSA account, and what they receive"),
        url_name="portal:sso-consents",
        order=900,
    )
)


@login_required
@require_GET
def consent_list(request: HttpRequest) -> HttpResponse:
    consents = [
        {"consent": consent, "gets": scope_descriptions(consent.scope_list)}
        for consent in consents_of(user=request.user)
    ]
    return render(request, "portal/sso/consents.html", {"consents": consents})


@login_required
@require_POST
def consent_revoke_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Another user's consent id answers 404 (DomainError not_found, via the middleware)."""
    consent_revoke(user=request.user, consent_id=consent_id, actor=Actor.from_request(request), now=clock.now())
    messages.success(request, _("Access withdrawn. The partner service can no longer use your ISSA account."))
    return redirect("portal:sso-consents")


urlpatterns = [
    path("partners/", consent_list, name="sso-consents"),
    path("partners/<int:consent_id>/revoke/", consent_revoke_view, name="sso-consent-revoke"),
]
