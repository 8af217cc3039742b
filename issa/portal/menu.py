"""The main menu (INFO-1): each area registers its items; the home page shows them with a line of
description each. Only built areas register, so nothing unbuilt is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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


MENU: dict[str, MenuItem] = {}


def register(item: MenuItem) -> None:
    MENU[item.key] = item


def items(user: Any = None) -> list[MenuItem]:
    """The items this user may see (without a user: only the items shown to everyone)."""
    shown = [item for item in MENU.values() if item.visible is None or (user is not None and item.visible(user))]
    return sorted(shown, key=lambda item: item.order)
