"""The one door to the access app (AUTH-10/11/12): is ISSA open for this subscriber?"""

from __future__ import annotations

from typing import Any

from issa.core.errors import DomainError


def access_denial(*, subscriber: Any) -> DomainError | None:
    """The access app's verdict (None = open). Staff and home users have no subscriber: open."""
    if subscriber is None:
        return None
    from issa.access.selectors import access_denial as verdict  # lazy: access imports identity

    return verdict(subscriber=subscriber)


def ensure_access(*, subscriber: Any) -> None:
    error = access_denial(subscriber=subscriber)
    if error is not None:
        raise error
