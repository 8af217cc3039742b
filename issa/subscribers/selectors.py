"""Reads of subscribers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind

from .models import Subscriber


def subscriber_for_msisdn(msisdn: str) -> Subscriber:
    """The live subscriber on that number, or DomainError(unknown_subscriber)."""
    subscriber = (
        Subscriber.objects.select_related("account", "account__client", "plan")
        .exclude(status=Subscriber.Status.CLOSED)
        .filter(msisdn=msisdn)
        .first()
    )
    if subscriber is None:
        raise DomainError(
            "unknown_subscriber", _("This number is not served by the operator."), kind=ErrorKind.NOT_FOUND
        )
    return subscriber
