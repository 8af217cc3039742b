"""The main menu (INFO-1): each area registers its items; the home page shows them with a line of
description each. Only built areas register, so nothing unbuilt is shown."""

from __future__ import annotations

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


MENU: dict[str, MenuItem] = {}


def register(item: MenuItem) -> None:
    MENU[item.key] = item


def items() -> list[MenuItem]:
    return sorted(MENU.values(), key=lambda item: item.order)
