"""Believable usage records for the demo and the benchmark: a month of calls, SMS, MMS and data
sessions from heavy and light users, some in roaming, a few broken lines. Deterministic for a
given ``random.Random`` and fast (about a million lines in a few seconds)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from issa.core.clock import OPERATOR_TZ

from .format import header_line

KB = 1024
# kind, direction, destination, weight
_MIX = (
    ("voice", "out", "onnet", 22),
    ("voice", "out", "offnet", 14),
    ("voice", "out", "fixed", 3),
    ("voice", "in", "onnet", 14),
    ("voice", "in", "offnet", 8),
    ("sms", "out", "onnet", 6),
    ("sms", "out", "offnet", 4),
    ("sms", "in", "onnet", 5),
    ("mms", "out", "onnet", 1),
    ("data", "out", "home", 23),
)
_ROAMING_MIX = (
    ("voice", "out", "roaming_1", 30),
    ("voice", "in", "roaming_1", 25),
    ("sms", "out", "roaming_1", 10),
    ("data", "out", "roaming_1", 35),
)
_DOMAINS = ("news.example.by", "video.example.com", "maps.example.org", "mail.example.by", "social.example.com")
_BROKEN = (
    "{rid}|{msisdn}|fax|{start}|60|out|375291112233|onnet|||0|0",  # unknown kind
    "{rid}|{msisdn}|voice|2026-02-30T10:00:00+03:00|60|out|375291112233|onnet|||0|0",  # no 30 February
    "{rid}|{msisdn}|voice|{start}|sixty|out|375291112233|onnet|||0|0",  # broken duration
    "{rid}|{msisdn}|voice|{start}",  # truncated line
)


def user_weights(count: int, rng: random.Random) -> list[float]:
    """Heavy and light users: a Pareto spread (capped at 30 times the lightest), so a few numbers
    make much of the traffic without one number making most of it."""
    return [min(rng.paretovariate(1.2), 30.0) for _ in range(count)]


def _expand(mix: Sequence[tuple[str, str, str, int]]) -> list[tuple[str, str, str]]:
    return [(kind, direction, dest) for kind, direction, dest, weight in mix for _ in range(weight)]


def record_lines(
    *,
    msisdns: Sequence[str],
    start: datetime,
    end: datetime,
    count: int,
    rng: random.Random,
    prefix: str = "r",
    roaming: Sequence[str] = (),
    unknown: Sequence[str] = (),
    broken_every: int = 0,
    weights: Sequence[float] | None = None,
) -> Iterator[str]:
    """``count`` record lines in time order between ``start`` and ``end``. Numbers in
    ``roaming`` travel for a week mid-period; ``unknown`` numbers are not ours (they end in the
    quarantine); every ``broken_every``-th line is broken (0: none)."""
    weights = list(weights) if weights is not None else user_weights(len(msisdns), rng)
    numbers = list(msisdns) + list(unknown)
    weights = weights + [1.0] * len(unknown)
    home, abroad = _expand(_MIX), _expand(_ROAMING_MIX)
    span = (end - start).total_seconds()
    trip_from = start + (end - start) * 0.4
    trip_to = trip_from + timedelta(days=7)
    travellers = set(roaming)
    owners = rng.choices(numbers, weights=weights, k=count)
    offsets = sorted(rng.random() * span for _ in range(count))
    randint, choice, rand = rng.randint, rng.choice, rng.random
    for i in range(count):
        msisdn = owners[i]
        moment = (start + timedelta(seconds=int(offsets[i]))).astimezone(OPERATOR_TZ)
        stamp = moment.isoformat(timespec="seconds")
        rid = f"{prefix}{i:08d}"
        if broken_every and i % broken_every == broken_every - 1:
            yield choice(_BROKEN).format(rid=rid, msisdn=msisdn, start=stamp)
            continue
        in_trip = msisdn in travellers and trip_from <= moment < trip_to
        kind, direction, dest = choice(abroad if in_trip else home)
        other = f"37529{randint(1000000, 9999999)}" if kind != "data" else ""
        if kind == "voice":
            seconds = int(rng.expovariate(1 / 110)) + 1 if rand() > 0.01 else randint(600, 2400)
            if in_trip:
                seconds = seconds // 3 + 1  # calls abroad are short
            yield f"{rid}|{msisdn}|voice|{stamp}|{seconds}|{direction}|{other}|{dest}|||0|0"
        elif kind == "data":
            down = int(rng.expovariate(1 / ((300 if in_trip else 3000) * KB)))  # careful abroad
            up = down // randint(5, 20)
            yield (
                f"{rid}|{msisdn}|data|{stamp}|{randint(30, 3600)}|out||{dest}|internet|{choice(_DOMAINS)}|{up}|{down}"
            )
        else:
            yield f"{rid}|{msisdn}|{kind}|{stamp}|1|{direction}|{other}|{dest}|||0|0"


def write_file(path: str | os.PathLike[str], source: str, lines: Iterator[str]) -> int:
    """Write a usage file (header first); returns the number of record lines."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header_line(source) + "\n")
        buffer = []
        for text in lines:
            buffer.append(text)
            if len(buffer) >= 10_000:
                handle.write("\n".join(buffer) + "\n")
                count += len(buffer)
                buffer = []
        if buffer:
            handle.write("\n".join(buffer) + "\n")
            count += len(buffer)
    return count


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = moment.astimezone(OPERATOR_TZ)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first, moment
