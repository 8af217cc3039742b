"""HOME-1 in the back office: staff issue the ISSA login of a home and office line with a
temporary password (AUTH-8), from the subscriber's page or the user's; the same action gives a
home user who forgot the password a new temporary one (there is no SMS or USSD to a fixed line).

The passwords are shown once on a page that is not cached, never in a message (messages may
live in a cookie); the audit event (``auth.home_login_issued``) names the login, not the password.
Imported by ``identity.admin``; it adds its actions to the user and subscriber admins.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.errors import DomainError

from .actor import Actor
from .models import User
from .services.accounts import home_login_issue


def issue_home_logins(modeladmin: admin.ModelAdmin, request: HttpRequest, lines: list[Any]) -> TemplateResponse | None:
    """Issue (or re-issue) each line's home login; the page lists logins and passwords once."""
    issued, errors = [], []
    actor = Actor.from_request(request, channel="admin")
    for line in lines:
        try:
            result = home_login_issue(subscriber=line, actor=actor, now=clock.now())
        except DomainError as error:
            errors.append(f"{line}: {error.text()}")
            continue
        issued.append(
            {"line": line, "login": result.user.login, "password": result.password, "created": result.created}
        )
    for text in errors:
        modeladmin.message_user(request, text, messages.ERROR)
    if not issued:
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Home and office logins issued"),
        "issued": issued,
        "back": request.get_full_path(),
    }
    response = TemplateResponse(request, "admin/identity/home_login_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


@admin.action(
    description=_("Home and office: issue the ISSA login with a temporary password (HOME-1)"),
    permissions=["home_login_issue"],
)
def issue_home_login(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    """On the subscribers' list: lines of a home plan get (or renew) their login."""
    return issue_home_logins(modeladmin, request, list(queryset.select_related("plan", "account__client")))


@admin.action(
    description=_("Home and office: issue a new temporary password (shown once)"), permissions=["home_login_issue"]
)
def issue_home_password(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> Any:
    """On the users' list: a home user's new temporary password (others are refused, one by one)."""
    lines = []
    for user in queryset.select_related("subscriber__plan", "subscriber__account__client"):
        if user.kind != User.Kind.HOME or user.subscriber is None:
            modeladmin.message_user(
                request, _("%(login)s: not a home and office login.") % {"login": user.login}, messages.ERROR
            )
            continue
        lines.append(user.subscriber)
    return issue_home_logins(modeladmin, request, lines)


def attach() -> None:
    """Add the actions to the user and subscriber admins (each app owns its admin page)."""
    from issa.subscribers.models import Subscriber

    for model, action in ((User, issue_home_password), (Subscriber, issue_home_login)):
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        actions = tuple(model_admin.actions or ())
        if action not in actions:
            model_admin.actions = (*actions, action)
        # The sales centre's right (issa/backoffice/roles.py: "backoffice.home_login_issue").
        setattr(  # noqa: B010
            model_admin,
            "has_home_login_issue_permission",
            lambda request: request.user.has_perm("backoffice.home_login_issue"),
        )
