"""«Обратная связь» (SUP-1, SUP-2): ask the operator a question or leave a wish, and
«Просмотр истории» — the archive of one's own requests with the answers.

Requests are looked up through the signed-in user's subscriber only (another's id → 404); the
attachment is served only to its owner or to staff, never from a public media URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from issa.core import clock, rules
from issa.core.errors import DomainError, not_found
from issa.identity.actor import Actor
from issa.portal.menu import MenuItem, register
from issa.support import selectors, services
from issa.support.models import SupportRequest

from .info import own_subscriber

register(
    MenuItem(
        key="support",
        title=_("Feedback"),
        description=_("Ask a question about our services or leave a wish; the history of your requests"),
        url_name="portal:support",
        order=90,
    )
)


def _limits() -> dict[str, Any]:
    return {
        "answer_hours": rules.get("SUPPORT_ANSWER_HOURS"),
        "max_megabytes": f"{int(rules.get('SUPPORT_ATTACHMENT_MAX_BYTES')) / (1024 * 1024):g}",
    }


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """«Просмотр истории»: one's own requests, newest first, with the answers."""
    subscriber = own_subscriber(request)
    items = selectors.requests_of(subscriber_id=subscriber.pk)[:100]
    return render(request, "portal/support/history.html", {"items": items, **_limits()})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """«Задать вопрос / высказать пожелание» (SUP-1)."""
    subscriber = own_subscriber(request)
    form: dict[str, str] = {"topic": SupportRequest.Topic.QUESTION, "subject": "", "text": ""}
    error: DomainError | None = None
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in ("topic", "subject", "text")}
        try:
            created = services.support_request_create(
                subscriber=subscriber,
                topic=form["topic"],
                subject=form["subject"],
                text=form["text"],
                attachment=request.FILES.get("attachment"),
                actor=Actor.from_request(request),
                now=clock.now(),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Your request No. %(number)s is received. We will answer within %(hours)s hours.")
                % {"number": created.pk, "hours": rules.get("SUPPORT_ANSWER_HOURS")},
            )
            return HttpResponseRedirect(reverse("portal:support_detail", args=[created.pk]))
    context = {
        "form": form,
        "error": error,
        "topics": SupportRequest.Topic.choices,
        **_limits(),
    }
    return render(request, "portal/support/create.html", context, status=400 if error else 200)


@login_required
@require_GET
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    subscriber = own_subscriber(request)
    item = selectors.request_of(subscriber_id=subscriber.pk, request_id=request_id)
    return render(request, "portal/support/detail.html", {"item": item, **_limits()})


@login_required
@require_GET
def attachment(request: HttpRequest, request_id: int) -> FileResponse:
    """The attachment for its owner (or staff); private cache, downloaded as a file, never inline."""
    user: Any = request.user
    if getattr(user, "is_staff", False):
        item = SupportRequest.objects.filter(pk=request_id).first()
        if item is None:
            raise not_found()
    else:
        item = selectors.request_of(subscriber_id=own_subscriber(request).pk, request_id=request_id)
    if not item.attachment:
        raise not_found()
    response = FileResponse(
        item.attachment.open("rb"),
        as_attachment=True,
        filename=item.attachment_name or str(item.attachment.name).rsplit("/", 1)[-1],
        content_type=item.attachment_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("support/", history, name="support"),
    path("support/new/", create, name="support_new"),
    path("support/<int:request_id>/", detail, name="support_detail"),
    path("support/<int:request_id>/attachment/", attachment, name="support_attachment"),
]
