"""A month of the demo operator's usage (BSS-2): files written into the inbox and imported, so the
demo shows real balances, allowances and a quarantine.

About 100,000 records of the last 30 days up to the start of today (Europe/Minsk), from three
sources: the MSC (calls, SMS, MMS) and the GGSN (data) in weekly files, and a roaming partner's
file that arrives now with records up to three weeks old (late records). Heavy and light users
(a Pareto spread), a few dozen numbers travelling for a week, a few broken lines and numbers that
are not ours (the quarantine). The well-known demo numbers are kept to moderate use, so that
they are not blocked for funds by their own demo month.

Idempotent: the files are the same on every run of the same day (fixed seeds, times anchored on
the day), and a file whose content was already imported is not written again; records are keyed
by (source, record id, start) anyway.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from issa.core.clock import local_date, start_of_local_day
from issa.identity.actor import Actor
from issa.subscribers.models import Subscriber
from issa.usage import generator
from issa.usage.models import UsageFile
from issa.usage.services import inbox_dirs, inbox_poll

ORDER = 50
SEED = 20261101
RECORDS = 100_000
DAYS = 30
WELL_KNOWN_PREFIX = "37529100000"  # DEMO_NUMBERS of the subscribers loader


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _files(msisdns: list[str], end: datetime, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(file name, source, lines) of the month, deterministic for ``rng`` and ``end``."""
    start = end - timedelta(days=DAYS)
    weights = generator.user_weights(len(msisdns), rng)
    weights = [1.0 if m.startswith(WELL_KNOWN_PREFIX) else w for m, w in zip(msisdns, weights, strict=True)]
    travellers = rng.sample(msisdns, k=max(1, len(msisdns) // 30))
    stamp = f"{end:%Y%m%d}"
    files = []
    weeks = [(start + timedelta(days=7 * k), min(start + timedelta(days=7 * (k + 1)), end)) for k in range(5)]
    unknown = ["375299999001", "375299999002", "375339999003"]
    network = int(RECORDS * 0.97)
    per_week = network // len(weeks)
    for k, (week_start, week_end) in enumerate(weeks):
        if week_start >= week_end:
            continue
        lines = list(
            generator.record_lines(
                msisdns=msisdns,
                start=week_start,
                end=week_end,
                count=per_week,
                rng=rng,
                prefix=f"m{stamp}w{k}-",
                roaming=travellers,
                unknown=unknown if k == 1 else (),
                broken_every=per_week // 3 if k in (2, 3) else 0,  # a few broken lines
                weights=weights,
            )
        )
        # the MSC sends calls and messages, the GGSN sends data sessions
        voice = [text for text in lines if "|data|" not in text]
        data = [text for text in lines if "|data|" in text]
        files.append((f"MSC-MINSK-1_{stamp}_w{k + 1}.cdr", "MSC-MINSK-1", voice))
        files.append((f"GGSN-1_{stamp}_w{k + 1}.cdr", "GGSN-1", data))
    # the roaming partner's file: the travellers' trip, days or weeks late
    trip = list(
        generator.record_lines(
            msisdns=travellers,
            start=start + timedelta(days=8),
            end=end - timedelta(days=5),
            count=RECORDS - network,
            rng=rng,
            prefix=f"t{stamp}-",
            roaming=travellers,
        )
    )
    files.append((f"ROAM-TAP_{stamp}.cdr", "ROAM-TAP-EU", [text for text in trip if "roaming_" in text]))
    return files


def load(*, stdout: Any, now: datetime) -> None:
    end = start_of_local_day(local_date(now))
    msisdns = sorted(
        # blocked for funds too: the guard may have blocked some by this very month's usage
        Subscriber.objects.filter(status__in=[Subscriber.Status.ACTIVE, Subscriber.Status.BLOCKED_FUNDS])
        .exclude(plan__kind="home")
        .exclude(plan_periods__valid_from__gt=end - timedelta(days=DAYS))  # connected within the month
        .values_list("msisdn", flat=True)
        .distinct()
    )
    if not msisdns:
        stdout.write("usage: no active subscribers, nothing to load")
        return
    rng = random.Random(SEED)
    inbox = inbox_dirs()["inbox"]
    written = 0
    for name, source, lines in _files(msisdns, end, rng):
        part = inbox / f".{name}.part"  # the watcher ignores dot files until the rename
        generator.write_file(part, source, iter(lines))
        if UsageFile.objects.filter(sha256=_sha(part), status=UsageFile.Status.DONE).exists():
            part.unlink()  # imported by an earlier run
            continue
        part.replace(inbox / name)
        written += 1
    files = inbox_poll(now=now, actor=Actor.system("demo_load"))
    read = sum(f.lines_read for f in files)
    loaded = sum(f.loaded for f in files)
    quarantined = sum(f.quarantined for f in files)
    stdout.write(
        f"usage: {written} files written to the inbox, {len(files)} imported: {read} lines, "
        f"{loaded} records rated, {quarantined} in the quarantine"
    )
