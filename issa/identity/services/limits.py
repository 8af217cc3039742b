"""Rate limits and progressive lockout, checked BEFORE any password, code or PUK is hashed.

Counters live in Django's cache (the database cache by default, Redis when REDIS_URL is set) so
that every web process and the worker share them. Each counter is a small dict written with an
explicit timeout; a race between two processes can under-count by one, which these limits
tolerate (they bound guessing to a handful per minute, not an exact number).

- per number: failures (password, code, PUK) lock the number progressively
  (``LOGIN_LOCK_STEPS``); a success clears the count.
- per IP: ``IP_FAILURES_PER_HOUR`` failures lock the IP for ``IP_LOCK_SECONDS`` (password
  spraying: one wrong password for each of many numbers).
"""

from __future__ import annotations

import math
from datetime import datetime

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind

DAY = 24 * 3600
HOUR = 3600


def _key(scope: str, value: str) -> str:
    return f"issa:auth:{scope}:{value}"


def _locked_error(seconds: float) -> DomainError:
    minutes = max(1, math.ceil(seconds / 60))
    return DomainError(
        "too_many_attempts",
        _("Too many unsuccessful attempts. Try again in %(minutes)s min."),
        kind=ErrorKind.RATE_LIMITED,
        minutes=minutes,
    )


def guard(*, msisdn: str | None, ip: str | None, now: datetime) -> None:
    """Refuse at once when the number or the IP is locked. Call before hashing anything."""
    stamp = now.timestamp()
    for scope, value in (("num", msisdn), ("ip", ip)):
        if not value:
            continue
        state = cache.get(_key(scope, value)) or {}
        until = float(state.get("until", 0))
        if until > stamp:
            raise _locked_error(until - stamp)


def record_failure(*, msisdn: str | None, ip: str | None, now: datetime) -> None:
    """Count one failure against the number and the IP, locking them when a step is reached."""
    stamp = now.timestamp()
    if msisdn:
        key = _key("num", msisdn)
        state = cache.get(key) or {"n": 0, "until": 0}
        state["n"] = int(state.get("n", 0)) + 1
        lock = 0
        for threshold, seconds in rules.get("LOGIN_LOCK_STEPS"):
            if state["n"] >= threshold:
                lock = seconds
        if lock:
            state["until"] = stamp + lock
        cache.set(key, state, DAY)
    if ip:
        key = _key("ip", ip)
        state = cache.get(key) or {"n": 0, "until": 0, "since": stamp}
        if stamp - float(state.get("since", stamp)) > HOUR:
            state = {"n": 0, "until": state.get("until", 0), "since": stamp}
        state["n"] = int(state.get("n", 0)) + 1
        if state["n"] >= int(rules.get("IP_FAILURES_PER_HOUR")):
            state["until"] = stamp + int(rules.get("IP_LOCK_SECONDS"))
            state["n"] = 0
            state["since"] = stamp
        cache.set(key, state, DAY)


def record_success(*, msisdn: str) -> None:
    """A correct password/code/PUK clears the number's failures (not the IP's)."""
    cache.delete(_key("num", msisdn))


def clear(*, msisdn: str | None = None, ip: str | None = None) -> None:
    """Staff unlock (and tests)."""
    if msisdn:
        cache.delete(_key("num", msisdn))
    if ip:
        cache.delete(_key("ip", ip))
