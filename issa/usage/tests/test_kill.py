"""BSS-2: an import killed for real (SIGKILL of ``manage.py usage_import`` mid-file) is finished by
the next run, with every line accounted for once and nothing rated twice (PostgreSQL: the killed
process and the test share the database)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from issa.billing.selectors import account_balance
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import UsageBatch, UsageFile, UsageRecord
from issa.usage.services import usage_import_file

from .helpers import ACTOR, line, priced_plan, write_file

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
LINES = 40_000


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.django_db(transaction=True)
def test_bss_2_sigkilled_import_is_finished_by_the_next_run(tmp_path, workers):
    """``workers=2``: the whole process group (the supervisor and its two workers) is killed, as
    when the machine stops; each part resumes from its own checkpoint."""
    if connection.vendor != "postgresql":
        pytest.skip("the killed process must share the test database: PostgreSQL only")
    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=0, sms=0, data_bytes=0)
    moment = datetime(2026, 11, 1, tzinfo=UTC)
    subs = [subscriber_with_balance(10_000_000, plan=terms.plan, now=moment) for _ in range(4)]
    calls = [
        line(f"k{i}", subs[i % 4].msisdn, "voice", T0 + timedelta(seconds=30 * i), 60, destination="offnet")
        for i in range(LINES)
    ]
    path = write_file(tmp_path / "big.cdr", calls)
    settings = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        DJANGO_SETTINGS_MODULE="issa.config.settings",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    child = subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
        [
            sys.executable,
            "manage.py",
            "usage_import",
            str(path),
            "--chunk",
            "500",
            "--no-progress",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed whole
    )
    try:
        deadline = time.monotonic() + 120
        while UsageBatch.objects.count() < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):  # finished already: the test then fails below
            os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
    killed = UsageFile.objects.get()
    assert killed.status == UsageFile.Status.PROCESSING
    assert 0 < killed.loaded < LINES
    assert UsageRecord.objects.count() == killed.loaded  # whole chunks only

    finished = usage_import_file(path, now=datetime(2026, 11, 20, tzinfo=UTC), actor=ACTOR, chunk_lines=5000)
    assert finished.pk == killed.pk
    assert (finished.status, finished.lines_read, finished.loaded, finished.duplicates, finished.quarantined) == (
        "done",
        LINES,
        LINES,
        0,
        0,
    )
    assert UsageRecord.objects.count() == LINES
    assert finished.parts == workers
    assert {account_balance(account_id=sub.account_id) for sub in subs} == {10_000_000 - LINES // 4 * 20}
