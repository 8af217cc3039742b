"""The USSD menu registry: a service code (``*100#``) -> a menu that answers it.

A menu is a class with ``start`` (the first request) and, for dialogues, ``answer`` (each reply
the subscriber types). Menus parse and call services; no business rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from issa.identity.actor import Actor


@dataclass
class Reply:
    text: str
    end: bool = True
    next_step: str = ""


@dataclass
class UssdContext:
    msisdn: str
    session_id: str
    now: datetime
    actor: Actor
    step: str = "start"
    data: dict[str, Any] = field(default_factory=dict)
    params: list[str] = field(default_factory=list)  # extra *-separated fields of the request


class Menu:
    code: str = ""

    def start(self, ctx: UssdContext) -> Reply:
        raise NotImplementedError

    def answer(self, ctx: UssdContext, text: str) -> Reply:
        return Reply(text="", end=True)


MENUS: dict[str, type[Menu]] = {}


def ussd_menu(code: str) -> Callable[[type[Menu]], type[Menu]]:
    def register(cls: type[Menu]) -> type[Menu]:
        cls.code = code
        MENUS[code] = cls
        return cls

    return register


def normalize(code: str) -> str:
    return code.strip().replace(" ", "")


def resolve(request_text: str) -> tuple[type[Menu] | None, list[str]]:
    """Find the menu for ``*141*3*6#``; a longer request (``*141*3*6*PUK#``) passes its extra
    fields as params to the longest registered prefix."""
    text = normalize(request_text)
    if text in MENUS:
        return MENUS[text], []
    if not (text.startswith("*") and text.endswith("#")):
        return None, []
    parts = text[1:-1].split("*")
    for cut in range(len(parts) - 1, 0, -1):
        code = "*" + "*".join(parts[:cut]) + "#"
        if code in MENUS:
            return MENUS[code], parts[cut:]
    return None, []
