"""Home and office users (HOME-1): an ISSA login for every demo home-and-office line and a month
of its internet traffic.

Logins: ``h1000001`` is the first «Домашний интернет 100» contract (by account number),
``h1000002`` the first «Офис 300» one, then the other live home-and-office lines in account
order; password ``demo1234`` like the demo numbers (hashed once for all of them). A line that
already has a login keeps it; a new line gets the next free login.

Traffic: a file from the broadband gateway (source ``BRAS-HOME-1``) with hourly data records of
the last 30 days up to the start of today, imported through the usage inbox like the network's
files (so every record is rated). Home users download in the evening and at weekends, offices on
working days. A record's id and volume depend only on the line and the hour (``random.Random``
seeded with them), so a run on a later day repeats the same records for the same hours and the
import counts them as duplicates: nothing is loaded twice.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password

from issa.catalog.models import TariffPlan
from issa.core.clock import OPERATOR_TZ, local_date, start_of_local_day
from issa.customers.models import Client
from issa.identity.actor import Actor
from issa.identity.models import User
from issa.identity.services.accounts import HOME_LOGIN_FIRST, home_login_format
from issa.subscribers.models import PlanPeriod, Subscriber
from issa.usage import generator
from issa.usage.format import format_line
from issa.usage.models import UsageFile
from issa.usage.services import inbox_dirs, inbox_poll

from .users import DEMO_PASSWORD

ORDER = 55  # after the network's usage (50), before the bill run (60)
SEED = 20261125
DAYS = 30
SOURCE = "BRAS-HOME-1"
GB = 1024**3
FIRST_PLANS = ("home-100", "office-300")  # h1000001 and h1000002, the documented demo logins
DOMAINS = ("video.example.com", "news.example.by", "cloud.example.org", "games.example.com", "mail.example.by")


def _lines() -> list[Subscriber]:
    """Live home-and-office lines: the first of each plan in ``FIRST_PLANS``, then the rest, by account."""
    lines = list(
        Subscriber.objects.filter(plan__kind=TariffPlan.Kind.HOME)
        .exclude(status=Subscriber.Status.CLOSED)
        .select_related("plan", "account__client")
        .order_by("account__number", "msisdn")
    )
    first = []
    for code in FIRST_PLANS:
        line = next((s for s in lines if s.plan.code == code), None)
        if line is not None:
            first.append(line)
    return first + [s for s in lines if s not in first]


def _logins(lines: list[Subscriber], now: datetime) -> tuple[int, list[tuple[str, Subscriber]]]:
    """Create the missing home users (one hash for all); return (created, [(login, line)])."""
    have = {u.subscriber_id: u.login for u in User.objects.filter(subscriber__in=lines)}
    taken = set(User.objects.filter(login__regex=r"^h[0-9]{7}$").values_list("login", flat=True))
    number = HOME_LOGIN_FIRST
    new: list[User] = []
    shown: list[tuple[str, Subscriber]] = []
    password = None
    for line in lines:
        if line.pk in have:
            shown.append((have[line.pk], line))
            continue
        while home_login_format(number) in taken:
            number += 1
        login = home_login_format(number)
        taken.add(login)
        password = password or make_password(DEMO_PASSWORD)
        new.append(
            User(
                login=login,
                kind=User.Kind.HOME,
                subscriber=line,
                full_name=line.display_name,
                email=line.account.client.email,
                password=password,
                date_joined=now - timedelta(days=60),
                password_changed_at=now - timedelta(days=60),
            )
        )
        shown.append((login, line))
    User.objects.bulk_create(new)
    return len(new), shown


def _hour_records(line: Subscriber, hour: datetime, office: bool) -> list[str]:
    """The records of one line in one hour (0, 1 or 2 sessions), the same whenever generated."""
    local = hour.astimezone(OPERATOR_TZ)
    rng = random.Random(f"{SEED}:{line.msisdn}:{local:%Y%m%d%H}")
    weekend = local.weekday() >= 5
    if office:
        busy = 0.9 if (not weekend and 9 <= local.hour < 19) else 0.08
        scale = 1.0 if line.plan.code == "office-300" else 0.5
    else:
        busy = 0.85 if 18 <= local.hour < 24 else (0.5 if (weekend and 9 <= local.hour < 18) else 0.12)
        scale = 0.45
    records = []
    for session in range(2):
        if rng.random() >= busy:
            continue
        down = int(rng.lognormvariate(19.2, 0.8) * scale)  # about 200 MB an active hour, a long tail
        up = down // rng.randint(6, 25)
        start = local + timedelta(seconds=rng.randint(0, 3599 - 60))
        records.append(
            format_line(
                record_id=f"h{line.msisdn}-{local:%Y%m%d%H}-{session}",
                msisdn=line.msisdn,
                kind="data",
                start=start,
                amount=rng.randint(60, 3600 - int(start.minute * 60)),
                destination="home",
                service="internet",
                domain=rng.choice(DOMAINS),
                up_bytes=up,
                down_bytes=down,
            )
        )
    return records


def _traffic(lines: list[Subscriber], end: datetime) -> list[str]:
    """Hourly records of ``[end - DAYS, end)`` for every active line, from the day after its plan
    period began (so that no record lands before the line was connected)."""
    start = end - timedelta(days=DAYS)
    since: dict[int, datetime] = {}
    for period in PlanPeriod.objects.filter(subscriber__in=lines).order_by("valid_from"):
        since.setdefault(period.subscriber_id, period.valid_from)
    out = []
    for line in lines:
        if line.status not in (Subscriber.Status.ACTIVE, Subscriber.Status.BLOCKED_FUNDS):
            continue
        connected = since.get(line.pk)
        first = start
        if connected is not None and connected + timedelta(days=1) > start:
            first = start_of_local_day(local_date(connected) + timedelta(days=1))
        office = line.plan.code.startswith("office") or line.account.client.kind == Client.Kind.LEGAL
        hour = first
        while hour < end:
            out.extend(_hour_records(line, hour, office))
            hour += timedelta(hours=1)
    out.sort(key=lambda text: text.split("|")[3])
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(*, stdout: Any, now: datetime) -> None:
    lines = _lines()
    if not lines:
        stdout.write("home: no home and office lines, nothing to load")
        return
    created, shown = _logins(lines, now)

    end = start_of_local_day(local_date(now))
    records = _traffic(lines, end)
    inbox = inbox_dirs()["inbox"]
    name = f"{SOURCE}_{end:%Y%m%d}.cdr"
    part = inbox / f".{name}.part"  # the watcher ignores dot files until the rename
    generator.write_file(part, SOURCE, iter(records))
    loaded = 0
    if UsageFile.objects.filter(sha256=_sha(part), status=UsageFile.Status.DONE).exists():
        part.unlink()  # imported by an earlier run today
    else:
        part.replace(inbox / name)
        files = inbox_poll(now=now, actor=Actor.system("demo_load"))
        loaded = sum(f.loaded for f in files)
    stdout.write(
        f"home: {len(lines)} home and office lines, {created} logins created; "
        f"{len(records)} traffic records, {loaded} rated now"
    )
    stdout.write(f"Home and office logins (ISSA password {DEMO_PASSWORD}, «Дом и офис» tab of the login page):")
    for login, line in shown[:3]:
        stdout.write(f"  {login}  {line.plan.name}, +{line.msisdn}, account {line.account.number}")
    if len(shown) > 3:
        stdout.write(f"  … and {len(shown) - 3} more (h…, see the users in the back office)")
