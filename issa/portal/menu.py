"""The main menu (INFO-1): each area registers its items; the home page shows them with a line of
description each. Only built areas register, so nothing unbuilt is shown.

Kinds of login (HOME-1): an item names the kinds of user it serves (``kinds``). The default is
every kind, because most areas (bills, payments, security, feedback) serve a home-and-office
contract the same way; an area that only makes sense for a mobile number (the tariff and service
orders, PIN/PUK, number change, call forwarding, call detail) says ``kinds=MOBILE``, and its
pages refuse other kinds too (``only_for`` / ``only_for_patterns``): the menu hides, the page
refuses, so a typed or bookmarked URL gives the same answer as the missing menu item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

MOBILE = frozenset({"mobile"})
HOME = frozenset({"home"})
ALL_KINDS: frozenset[str] | None = None  # every kind of user (mobile, home, staff)


@dataclass(frozen=True)
class MenuItem:
    key: str
    title: Any  # lazy translation
    description: Any
    url_name: str
    order: int = 100
    icon: str = ""
    # Shown only to users for whom this returns True (e.g. corporate roles); None = everyone.
    visible: Callable[[Any], bool] | None = None
    # The kinds of user (identity.User.Kind values) this item serves; None = every kind.
    kinds: frozenset[str] | None = ALL_KINDS
    # Also linked from the header navigation (reachable from every page on a phone).
    header: bool = False

    def serves(self, user: Any) -> bool:
        if self.kinds is None:
            return True
        return user is not None and getattr(user, "kind", None) in self.kinds


MENU: dict[str, MenuItem] = {}
# URL names (without the namespace) of pages that serve some kinds only: filled by
# ``only_for_patterns``, read by ``serves_url`` (templates: ``{% if for_kind.payment_settings %}``).
KIND_ONLY: dict[str, frozenset[str]] = {}


def register(item: MenuItem) -> None:
    MENU[item.key] = item


def items(user: Any = None) -> list[MenuItem]:
    """The items this user may see (without a user: only the items shown to everyone)."""
    shown = [
        item
        for item in MENU.values()
        if (item.visible is None or (user is not None and item.visible(user))) and item.serves(user)
    ]
    return sorted(shown, key=lambda item: item.order)


def header_items(user: Any) -> list[MenuItem]:
    """The items this user sees that are also linked from the header (``header=True``); only
    their own ``visible`` checks run."""
    if not getattr(user, "is_authenticated", False):
        return []
    shown = [
        item
        for item in MENU.values()
        if item.header and item.serves(user) and (item.visible is None or item.visible(user))
    ]
    return sorted(shown, key=lambda item: item.order)


# --- pages of one kind of user ----------------------------------------------------------------


def serves_url(user: Any, url_name: str) -> bool:
    """Whether the page ``url_name`` (``"portal:x"`` or ``"x"``) serves this user's kind: shared
    pages use it to hide links to pages that would answer «another kind of contract»."""
    kinds = KIND_ONLY.get(url_name.rpartition(":")[2])
    return kinds is None or user_kind_allowed(user, kinds)


class ForKind:
    """``for_kind`` in every portal template: ``{% if for_kind.detail %}`` is true when the page
    of that URL name serves the signed-in user's kind (see ``serves_url``)."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, url_name: str) -> bool:
        return serves_url(self.user, url_name)

    def __contains__(self, url_name: str) -> bool:
        return self[url_name]


def user_kind_allowed(user: Any, kinds: Iterable[str]) -> bool:
    """Anonymous users pass (the page's own login_required sends them to the login form)."""
    if not getattr(user, "is_authenticated", False):
        return True
    return getattr(user, "kind", None) in set(kinds)


def only_for(kinds: Iterable[str], *, instead: str | None = None) -> Callable[[Any], Any]:
    """A view decorator: other kinds of user get «not available for your kind of contract»
    (404, the same answer as any page they cannot reach), or a redirect to ``instead`` (a URL
    name of the page that serves them, e.g. the home line's traffic instead of the mobile
    internet statistics)."""
    allowed = frozenset(kinds)

    def decorate(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if user_kind_allowed(request.user, allowed):
                return view(request, *args, **kwargs)
            from django.shortcuts import redirect, render

            if instead:
                return redirect(instead)
            return render(request, "portal/home/not_for_kind.html", {}, status=404)

        return wrapped

    return decorate


def only_for_patterns(
    patterns: list[Any],
    kinds: Iterable[str],
    *,
    names: Iterable[str] | None = None,
    instead: dict[str, str] | None = None,
) -> list[Any]:
    """``urlpatterns`` of an area with ``only_for(kinds)`` around each view (or only the views of
    ``names``); ``instead`` maps a URL name to the name of the page other kinds go to."""
    from django.urls import URLPattern

    chosen = set(names) if names is not None else None
    instead = instead or {}
    out = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and (chosen is None or pattern.name in chosen):
            view = only_for(kinds, instead=instead.get(pattern.name or ""))(pattern.callback)
            if pattern.name and not instead.get(pattern.name):
                KIND_ONLY[pattern.name] = frozenset(kinds)
            pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
        out.append(pattern)
    return out
