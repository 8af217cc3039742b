"""Periodic jobs are declared in code and synced into django-q's Schedule table idempotently."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from issa.core.schedules import Job, ScheduleError, declared_jobs, sync_schedules

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 15:00 in Minsk


def rows() -> list[tuple]:
    return list(
        Schedule.objects.order_by("name").values_list(
            "pk", "name", "func", "args", "kwargs", "schedule_type", "cron", "minutes", "repeats", "next_run"
        )
    )


def test_the_core_declares_its_housekeeping_job():
    jobs = {job.name: job for job in declared_jobs()}
    assert jobs["core.clear_sessions"].func == "django.core.management.call_command"
    assert jobs["core.clear_sessions"].args == ("clearsessions",)


def test_a_job_may_be_declared_as_a_plain_mapping():
    job = Job.from_declaration({"name": "core.x", "func": "math.floor", "cron": "5 * * * *", "description": "d"}, "t")
    assert job == Job(name="core.x", func="math.floor", cron="5 * * * *", description="d")
    with pytest.raises(ScheduleError, match="not a job declaration"):
        Job.from_declaration({"name": "core.x", "func": "math.floor", "every": 5}, "t")
    with pytest.raises(ScheduleError, match="not a Job"):
        Job.from_declaration("core.x", "t")


@pytest.mark.django_db
def test_issa_schedules_twice_gives_the_same_rows():
    call_command("issa_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = rows()
    call_command("issa_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert rows() == first
    assert {row[1] for row in first} == {job.name for job in declared_jobs()}


@pytest.mark.django_db
def test_sync_creates_updates_and_removes_by_name_and_leaves_admin_schedules_alone():
    Schedule.objects.create(name="ad hoc made by staff", func="math.floor", args="1.5", schedule_type=Schedule.ONCE)
    daily = Job(name="core.daily_probe", func="math.floor", args=(1.5,), cron="5 0 * * *")
    often = Job(name="core.often_probe", func="math.ceil", minutes=10)

    result = sync_schedules([daily, often], now=NOW)
    assert sorted(result.created) == ["core.daily_probe", "core.often_probe"]
    row = Schedule.objects.get(name="core.daily_probe")
    assert (row.func, row.args, row.schedule_type, row.cron) == ("math.floor", "(1.5,)", Schedule.CRON, "5 0 * * *")
    # the cron is read in the operator's zone: 00:05 Minsk = 21:05 UTC the evening before
    assert row.next_run == datetime(2026, 3, 10, 21, 5, tzinfo=UTC)
    assert Schedule.objects.get(name="core.often_probe").next_run == datetime(2026, 3, 10, 12, 10, tzinfo=UTC)

    # same declarations later: nothing changes, not even the planned run
    again = sync_schedules([daily, often], now=datetime(2026, 3, 10, 13, 0, tzinfo=UTC))
    assert sorted(again.unchanged) == ["core.daily_probe", "core.often_probe"]
    assert Schedule.objects.get(name="core.often_probe").next_run == datetime(2026, 3, 10, 12, 10, tzinfo=UTC)

    # a new timing is taken and re-planned; a job no longer declared is removed
    moved = Job(name="core.daily_probe", func="math.floor", args=(1.5,), cron="30 1 * * *")
    result = sync_schedules([moved], now=NOW)
    assert (result.updated, result.removed) == (["core.daily_probe"], ["core.often_probe"])
    row = Schedule.objects.get(name="core.daily_probe")
    assert row.cron == "30 1 * * *"
    assert row.next_run == datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    assert set(Schedule.objects.values_list("name", flat=True)) == {"core.daily_probe", "ad hoc made by staff"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("job", "message"),
    [
        (Job(name="nodot", func="math.floor", cron="* * * * *"), "must look like"),
        (Job(name="core.both", func="math.floor", cron="* * * * *", minutes=5), "exactly one"),
        (Job(name="core.neither", func="math.floor"), "exactly one"),
        (Job(name="core.badcron", func="math.floor", cron="61 * * * *"), "invalid cron"),
        (Job(name="core.missing", func="issa.core.no_such_module.task", cron="* * * * *"), "cannot import"),
    ],
)
def test_a_wrong_declaration_is_refused_and_nothing_is_written(job: Job, message: str):
    before = rows()
    with pytest.raises(ScheduleError, match=message):
        sync_schedules([job], now=NOW)
    assert rows() == before
