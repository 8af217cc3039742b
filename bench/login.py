"""Login (AUTH-6): the time of one whole login, as a ratio to one Argon2id verification measured
in the same run (``baselines.ARGON2_VERIFY_MS``).

A login is dominated by the one password hash it must compute (m=19 MiB, t=2, p=1); everything
else (lock check in the cache, the user row, the access verdict, the audit row, the session) is
overhead, and the ratio says how much. Three figures:

1. the service ``login_check`` alone;
2. the portal: POST /login/ through the whole middleware stack, session created (302);
3. the API: POST /api/auth/login, a bearer token issued.

Also a refused login (wrong password) and a login refused by the lockout (which must cost far
less than a hash: the lock is checked before hashing). Runs on a scratch database.

Run alone: ``python -m bench login``.
"""

from __future__ import annotations

import json
from typing import cast

from bench import baselines
from bench.harness import Figure, median, scratch_database, timed

PASSWORD = "Bench2026x"  # noqa: S105 - a benchmark fixture on a scratch database


def run(quick: bool) -> list[Figure]:
    repeats = 5 if quick else 40
    with scratch_database():
        return _measure(repeats)


def _measure(repeats: int) -> list[Figure]:
    from django.core.cache import cache
    from django.test import Client

    from issa.core import clock
    from issa.identity.actor import Actor
    from issa.identity.models import User
    from issa.identity.services import login_check
    from issa.identity.services.limits import record_failure
    from issa.subscribers.models import Subscriber
    from issa.testing.factories import SubscriberFactory

    cache.clear()
    subscriber = cast(Subscriber, SubscriberFactory())
    User.objects.create_user(subscriber.msisdn, PASSWORD, subscriber=subscriber)
    actor = Actor(channel="web", ip="192.0.2.10")
    budget = 60.0

    def service() -> None:
        login_check(login=subscriber.msisdn, password=PASSWORD, actor=actor, now=clock.now())

    web_client = Client()

    def web() -> None:
        response = web_client.post("/login/", {"login": subscriber.msisdn, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        web_client.cookies.clear()

    api_client = Client()

    def api() -> None:
        body = json.dumps({"login": subscriber.msisdn, "password": PASSWORD})
        response = api_client.post("/api/auth/login", body, content_type="application/json")
        assert response.status_code == 200, response.status_code

    # wrong passwords from rotating IPs, clearing the number's lock so that every try hashes
    wrong_count = iter(range(10**6))

    def wrong() -> None:
        cache.clear()
        from issa.core.errors import DomainError

        try:
            login_check(
                login=subscriber.msisdn,
                password="Wrong12345",  # noqa: S106 - a benchmark fixture
                actor=Actor(channel="web", ip=f"198.51.100.{next(wrong_count) % 250 + 1}"),
                now=clock.now(),
            )
        except DomainError:
            return
        raise AssertionError("a wrong password logged in")

    def locked() -> None:
        from issa.core.errors import DomainError

        try:
            login_check(login=subscriber.msisdn, password=PASSWORD, actor=actor, now=clock.now())
        except DomainError as error:
            if error.code != "too_many_attempts":
                raise
            return
        raise AssertionError("a locked number logged in")

    figures = []
    for name, func in (
        ("login_check service, right password", service),
        ("portal POST /login/ (whole stack, session created)", web),
        ("API POST /api/auth/login (bearer token issued)", api),
        ("login_check service, wrong password (audited, counted)", wrong),
    ):
        func()  # warm up
        seconds = median(timed(func, repeats=repeats, max_seconds=budget))
        figures.append(
            Figure("login", name, seconds * 1000, "ms", higher_is_better=False, baseline=baselines.ARGON2_VERIFY_MS)
        )
    cache.clear()
    for _ in range(5):
        record_failure(msisdn=subscriber.msisdn, ip=None, now=clock.now())
    seconds = median(timed(locked, repeats=repeats, max_seconds=budget))
    figures.append(
        Figure(
            "login",
            "login refused by the lockout (no hashing)",
            seconds * 1000,
            "ms",
            higher_is_better=False,
            baseline=baselines.ARGON2_VERIFY_MS,
            note="the lock is checked before the hash",
        )
    )
    cache.clear()
    return figures


if __name__ == "__main__":  # pragma: no cover - manual run
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issa.config.settings")
    import django

    django.setup()
    for figure in run(quick=True):
        print(f"{figure.name}: {figure.value:.2f} {figure.unit}")
