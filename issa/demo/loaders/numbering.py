"""The number pool for a change of number (SVC-6): a few thousand free numbers of every category.

Numbers are drawn in blocks no demo subscriber uses (``+375 29 5…``, ``29 7…``, ``29 8…``,
``44 2…``, ``44 3…``) and made to the pattern of each category, then classified by
``issa.numbering.patterns.category_of`` (the one rule; see its table), so the category a number
shows is always the one its pattern earns:

* Платиновый: last 6 digits equal (``+375 29 5777777``)
* Бриллиантовый: last 5 equal, or 7 digits in a straight run
* Золотой: last 4 equal, three pairs, or one pair three times
* Серебряный: last 3 equal, two pairs, a repeated pair or a mirror in the last 4
* Бронзовый: ends in 00, or the last 4 in a straight run
* Простой: the rest
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from issa.numbering.patterns import BRONZE, DIAMOND, GOLD, PLATINUM, SILVER, SIMPLE, category_of
from issa.numbering.services import pool_add

ORDER = 85
SEED = 85_06  # SVC-6
BLOCKS = ["295", "297", "298", "442", "443"]  # operator code + the first local digit
TARGETS = {PLATINUM: 15, DIAMOND: 45, GOLD: 220, SILVER: 520, BRONZE: 600, SIMPLE: 2400}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _straight(rng: random.Random, n: int) -> str:
    if rng.random() < 0.5:
        start = rng.randint(0, 10 - n)
        return "".join(str(start + i) for i in range(n))
    start = rng.randint(n - 1, 9)
    return "".join(str(start - i) for i in range(n))


def _pair(rng: random.Random) -> str:
    return str(rng.randint(0, 9)) * 2


def _makers(rng: random.Random) -> dict[str, list[Callable[[], str]]]:
    """For each category, ways to make the last 6 local digits (the first local digit is the block's)."""
    d = lambda n: _digits(rng, n)  # noqa: E731
    rep = lambda n: str(rng.randint(0, 9)) * n  # noqa: E731
    return {
        PLATINUM: [lambda: rep(6)],
        DIAMOND: [lambda: d(1) + rep(5), lambda: _straight(rng, 6)],
        GOLD: [lambda: d(2) + rep(4), lambda: _pair(rng) + _pair(rng) + _pair(rng), lambda: d(2)[:2] * 3],
        SILVER: [
            lambda: d(3) + rep(3),
            lambda: d(2) + _pair(rng) + _pair(rng),
            lambda: d(2) + d(2) * 2,
            lambda: (lambda ab: d(2) + ab + ab[::-1])(d(2)),
        ],
        BRONZE: [lambda: d(4) + "00", lambda: d(2) + _straight(rng, 4)],
        SIMPLE: [lambda: d(6)],
    }


def numbers() -> dict[str, list[str]]:
    """The pool, by category: the same numbers on every run (a fixed seed, a fixed stream)."""
    rng = random.Random(SEED)
    makers = _makers(rng)
    seen: set[str] = set()
    pool: dict[str, list[str]] = {code: [] for code in TARGETS}
    for code, target in TARGETS.items():
        tries = 0
        while len(pool[code]) < target and tries < target * 50:
            tries += 1
            block = rng.choice(BLOCKS)
            msisdn = f"375{block}{rng.choice(makers[code])()}"
            if msisdn in seen or category_of(msisdn) != code:
                continue
            seen.add(msisdn)
            pool[code].append(msisdn)
    return pool


def load(*, stdout: Any, now: datetime) -> None:
    pool = numbers()
    created = pool_add(msisdns=[m for group in pool.values() for m in group], now=now)
    counts = ", ".join(f"{code} {len(group)}" for code, group in pool.items())
    stdout.write(f"numbering: pool of {sum(len(g) for g in pool.values())} numbers ({counts}); created {created}")
