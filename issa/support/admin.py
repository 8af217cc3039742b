"""The contact centre's inbox (SUP-2): due time and an overdue filter, «assign to me», answer
templates, and the answer written on the request's page. Every change goes through the services,
so the subscriber gets the SMS and the audit trail records who did what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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


class AnswerForm(forms.ModelForm):
    answer_template = forms.ModelChoiceField(
        queryset=AnswerTemplate.objects.filter(active=True),
        required=False,
        label=_("Answer template"),
        help_text=_("Used when the answer below is left empty."),
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


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = ("id", "subject", "topic", "subscriber", "status", "due_at", "overdue", "assignee", "created_at")
    list_filter = (OverdueFilter, "status", "topic")
    search_fields = ("=id", "subject", "subscriber__msisdn")
    ordering = ("due_at",)
    list_select_related = ("subscriber", "assignee")
    actions = ("assign_to_me",)
    readonly_fields = (
        "subscriber",
        "topic",
        "subject",
        "text",
        "attachment_link",
        "status",
        "created_at",
        "due_at",
        "assignee",
        "answer",
        "answered_by",
        "answered_at",
    )
    fieldsets = (
        (None, {"fields": ("subscriber", "topic", "subject", "text", "attachment_link")}),
        (_("Handling"), {"fields": ("status", "created_at", "due_at", "assignee")}),
        (_("Answer"), {"fields": ("answer", "answered_by", "answered_at", "answer_template", "reply")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from subscribers only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(boolean=True, description=_("Overdue"))
    def overdue(self, obj: SupportRequest) -> bool:
        return obj.is_overdue(clock.now())

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj: SupportRequest) -> str:
        from django.urls import reverse
        from django.utils.html import format_html

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
