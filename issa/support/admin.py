"""The contact centre's inbox (SUP-2): due time and an overdue filter, «assign to me», answer
templates (choosing one fills the answer: a small static script, no inline code under the CSP),
the answer written on the request's page, and closing with a reason. Every change goes through
the services, so the subscriber gets the SMS and the audit trail records who did what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from issa.core import clock
from issa.core.errors import DomainError
from issa.identity.actor import Actor

from . import selectors, services
from .models import AnswerTemplate, SupportRequest


class OverdueFilter(admin.SimpleListFilter):
    title = _("due time")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> QuerySet[SupportRequest]:
        if self.value() == "yes":
            return queryset.filter(selectors.overdue_q(clock.now()))
        if self.value() == "no":
            return queryset.exclude(selectors.overdue_q(clock.now()))
        return queryset


class TemplateSelect(forms.Select):
    """Each template's text rides on its option (``data-text``) for support/answer_template.js."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if instance is not None:
            option["attrs"]["data-text"] = instance.text
        return option


class AnswerForm(forms.ModelForm):
    answer_template = forms.ModelChoiceField(
        queryset=AnswerTemplate.objects.filter(active=True),
        required=False,
        label=_("Answer template"),
        help_text=_(
            "Choosing a template puts its text into the answer below to adapt; "
            "if the answer is left empty, the template's text is sent as it is."
        ),
        widget=TemplateSelect(attrs={"data-confirm": _("Replace the answer you wrote with the template's text?")}),
    )
    reply = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = SupportRequest
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_answer = bool((data.get("reply") or "").strip() or data.get("answer_template"))
        if wants_answer and self.instance.status not in SupportRequest.OPEN_STATUSES:
            raise forms.ValidationError(_("This request is already answered or closed."))
        return data

    def answer_text(self) -> str:
        text = (self.cleaned_data.get("reply") or "").strip()
        template = self.cleaned_data.get("answer_template")
        if not text and template is not None:
            text = template.text
        return text


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for closing"),
        required=False,
        max_length=services.CLOSE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a wish closed without an answer; the subscriber sees the request as closed."),
    )


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = (
        "id", "subject", "topic", "subscriber", "status", "due_at", "overdue", "assignee", "answered_by", "received",
    )  # fmt: skip
    list_filter = (OverdueFilter, "status", "topic")
    search_fields = ("=id", "subject", "subscriber__msisdn")
    ordering = ("due_at",)
    list_select_related = ("subscriber", "assignee", "answered_by")
    actions = ("assign_to_me", "close_selected")
    readonly_fields = (
        "subscriber",
        "topic",
        "subject",
        "text",
        "attachment_link",
        "status",
        "received",
        "due_at",
        "assignee",
        "answer",
        "answered_by",
        "answered_at",
        "closed_by",
        "closed_at",
        "close_note",
        "close_link",
    )
    fieldsets = (
        (None, {"fields": ("subscriber", "topic", "subject", "text", "attachment_link")}),
        (_("Handling"), {"fields": ("status", "received", "due_at", "assignee")}),
        (_("Answer"), {"fields": ("answer", "answered_by", "answered_at", "answer_template", "reply")}),
        (pgettext_lazy("support", "Closing"), {"fields": ("closed_by", "closed_at", "close_note", "close_link")}),
    )

    class Media:
        js = ("support/answer_template.js",)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="support_supportrequest_close",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from subscribers only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(boolean=True, description=_("Overdue"))
    def overdue(self, obj: SupportRequest) -> bool:
        return obj.is_overdue(clock.now())

    @admin.display(description=pgettext_lazy("support", "received"), ordering="created_at")
    def received(self, obj: SupportRequest) -> Any:
        return obj.created_at

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj: SupportRequest) -> str:
        if not obj.attachment:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("portal:support_attachment", args=[obj.pk]), obj.attachment_name
        )

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> None:
        actor = Actor.from_request(request, channel="admin")
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.support_assign(request_id=pk, assignee=request.user, actor=actor, now=clock.now())
                done += 1
            except DomainError as error:
                self.message_user(request, f"№{pk}: {error.text()}", messages.WARNING)
        if done:
            self.message_user(request, _("Assigned to you: %(count)s.") % {"count": done}, messages.SUCCESS)

    @admin.display(description=pgettext_lazy("support", "close"))
    def close_link(self, obj: SupportRequest) -> str:
        if obj.pk is None or obj.status == SupportRequest.Status.CLOSED:
            return "—"
        if obj.status in SupportRequest.OPEN_STATUSES and obj.topic != SupportRequest.Topic.WISH:
            return str(_("A question is closed only after it is answered."))
        url = reverse("admin:support_supportrequest_close", args=[obj.pk])
        return format_html('<a class="button" href="{}" data-testid="support-close">{}</a>', url, _("Close…"))

    def _close(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> TemplateResponse | int:
        """The reason's page, or (on «apply») close each request and return how many were closed."""
        form = CloseForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            actor = Actor.from_request(request, channel="admin")
            done = 0
            for pk in queryset.values_list("pk", flat=True):
                try:
                    services.support_close(request_id=pk, note=form.cleaned_data["note"], actor=actor, now=clock.now())
                except DomainError as error:
                    self.message_user(request, f"№{pk}: {error.text()}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext("%(n)d request closed.", "%(n)d requests closed.", done) % {"n": done},
                    messages.SUCCESS,
                )
            return done
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close feedback requests"),
            "objects": queryset.select_related("subscriber"),
            "form": form,
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/support/supportrequest/close.html", context)

    @admin.action(description=_("Close the selected requests (with a reason)"), permissions=["change"])
    def close_selected(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> HttpResponse | None:
        result = self._close(request, queryset)
        return None if isinstance(result, int) else result

    def close_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = get_object_or_404(SupportRequest, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        result = self._close(request, SupportRequest.objects.filter(pk=obj.pk))
        if isinstance(result, int):
            return HttpResponseRedirect(reverse("admin:support_supportrequest_change", args=[obj.pk]))
        return result

    def save_model(self, request: HttpRequest, obj: SupportRequest, form: Any, change: bool) -> None:
        text = form.answer_text()
        if not text:
            return  # nothing to record: the request itself is read-only here
        actor = Actor.from_request(request, channel="admin")
        try:
            services.support_answer(request_id=obj.pk, text=text, actor=actor, now=clock.now())
        except DomainError as error:
            self.message_user(request, error.text(), messages.ERROR)
        else:
            obj.refresh_from_db()


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("title", "text")
