"""BSS-2: the command with its progress bar, the inbox the worker watches, the periodic jobs and
the quarantine in the back office."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from issa.billing.selectors import account_balance
from issa.identity.models import AuditEvent
from issa.testing.factories import SubscriberFactory, subscriber_with_balance
from issa.testing.staff import staff_login
from issa.usage import tasks
from issa.usage.models import QuarantinedLine, UsageFile, UsageRecord

from .helpers import MIN, line, priced_plan, write_file

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sub():
    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=0, sms=0, data_bytes=0)
    return subscriber_with_balance(10_000, plan=terms.plan, now=datetime(2026, 11, 1, tzinfo=UTC))


def calls(sub, ids):
    return [line(f"c{i}", sub.msisdn, "voice", T0 + timedelta(minutes=i), MIN, destination="offnet") for i in ids]


@pytest.fixture
def usage_dir(tmp_path, settings):
    settings.ISSA_USAGE_DIR = tmp_path / "usage"
    return tmp_path / "usage"


def test_bss_2_usage_import_command_reports_counts_and_shows_progress(tmp_path, sub):
    path = write_file(tmp_path / "MSC1_001.cdr", [*calls(sub, range(5)), "broken"])
    out, err = StringIO(), StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("usage_import", str(path), "--chunk", "2", stdout=out, stderr=err)
    assert "6 lines, 5 loaded, 0 duplicates, 1 quarantined" in out.getvalue()
    assert "100%" in err.getvalue()  # tqdm bar on stderr
    assert account_balance(account_id=sub.account_id) == 10_000 - 5 * 20


def test_bss_2_usage_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("usage_import", str(tmp_path / "nope.cdr"))
    assert UsageFile.objects.count() == 0


def test_bss_2_inbox_files_are_imported_and_moved(usage_dir, sub):
    inbox = usage_dir / "inbox"
    inbox.mkdir(parents=True)
    write_file(inbox / "a.cdr", calls(sub, range(3)))
    write_file(inbox / "b.cdr", calls(sub, range(2, 6)))  # overlaps a.cdr by one record
    (inbox / "c.cdr").write_text("no header\n")
    with time_machine.travel(NOW, tick=False):
        assert tasks.inbox_poll() == 3
        assert tasks.inbox_poll() == 0  # nothing left
    assert sorted(p.name for p in (usage_dir / "processed").iterdir()) == ["a.cdr", "b.cdr"]
    assert [p.name for p in (usage_dir / "failed").iterdir()] == ["c.cdr"]
    assert list(inbox.iterdir()) == []
    assert UsageRecord.objects.count() == 6
    assert account_balance(account_id=sub.account_id) == 10_000 - 6 * 20
    assert AuditEvent.objects.filter(action="usage.file_imported").count() == 2
    assert AuditEvent.objects.filter(action="usage.file_failed").count() == 1


def test_bss_2_a_stale_claim_of_a_killed_worker_is_resumed(usage_dir, sub):
    processing = usage_dir / "processing"
    processing.mkdir(parents=True)
    path = write_file(processing / "stuck.cdr", calls(sub, range(3)))
    old = NOW.timestamp() - 3600
    os.utime(path, (old, old))
    fresh = write_file(processing / "busy.cdr", calls(sub, range(10, 12)))  # another worker's, just claimed
    with time_machine.travel(NOW, tick=False):
        tasks.inbox_poll()
    assert (usage_dir / "processed" / "stuck.cdr").exists()
    assert fresh.exists()  # left to the worker that holds it
    assert UsageRecord.objects.count() == 3


def test_bss_2_periodic_jobs_are_declared():
    from issa.core.schedules import declared_jobs

    names = {job.name: job for job in declared_jobs()}
    assert names["usage.inbox"].func == "issa.usage.tasks.inbox_poll"
    assert names["usage.inbox"].minutes == 1
    assert names["usage.partitions"].func == "issa.usage.tasks.partitions_ahead"


def test_bss_2_partitions_are_made_ahead():
    from issa.usage import storage

    with time_machine.travel(NOW, tick=False):
        created = tasks.partitions_ahead(2)
        again = tasks.partitions_ahead(2)
    if storage.is_postgres():
        assert set(created) >= {"usage_usagerecord_p2027_01"}
        assert again == []
    else:
        assert created == again == []


def test_bss_2_staff_reprocess_the_quarantine_in_the_back_office(client, tmp_path, sub):
    from issa.identity.models import User

    path = write_file(tmp_path / "q.cdr", [line("u1", "375299999999", "voice", T0, 60, destination="offnet")])
    from issa.identity.actor import Actor
    from issa.usage.services import usage_import_file

    usage_import_file(path, now=NOW, actor=Actor.system("t"))
    staff = User.objects.create_superuser(login="admin", password="Adm1n-pass-123")
    staff_login(client, staff)
    url = reverse("admin:usage_quarantinedline_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert "375299999999" in page.content.decode()
    SubscriberFactory(msisdn="375299999999", plan=sub.plan)
    line_id = QuarantinedLine.objects.get().pk
    response = client.post(url, {"action": "reprocess", "_selected_action": [line_id]}, follow=True)
    assert response.status_code == 200
    assert QuarantinedLine.objects.get().status == "loaded"
    assert UsageRecord.objects.filter(msisdn="375299999999").count() == 1
    event = AuditEvent.objects.get(action="usage.quarantine_reprocessed")
    assert (event.channel, event.actor_id) == ("admin", staff.pk)
    assert client.get(reverse("admin:usage_usagefile_changelist")).status_code == 200
    assert client.get(reverse("admin:usage_usagerecord_changelist")).status_code == 200
