"""Reads of feedback requests, always through their owner (another's id → 404)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from issa.core.errors import not_found

from .models import SupportRequest


def requests_of(*, subscriber_id: int) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(subscriber_id=subscriber_id).order_by("-created_at", "-pk")


def request_of(*, subscriber_id: int, request_id: Any) -> SupportRequest:
    try:
        return requests_of(subscriber_id=subscriber_id).get(pk=int(request_id))
    except (SupportRequest.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def overdue_q(now: datetime) -> Q:
    """SUP-2: due time passed and still not answered."""
    return Q(due_at__lt=now, status__in=SupportRequest.OPEN_STATUSES)


def overdue(*, now: datetime) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(overdue_q(now)).order_by("due_at")
