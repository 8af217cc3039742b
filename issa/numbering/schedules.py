"""Periodic jobs of the number pool (synced by ``manage.py issa_schedules``)."""

from issa.core.schedules import Job

JOBS = [
    # SVC-6: searches already treat a lapsed reservation as free; this tidies the rows.
    Job(
        name="numbering.reservations_expire",
        func="issa.numbering.tasks.reservations_expire",
        minutes=5,
        description="SVC-6: lapsed number reservations become free",
    ),
    # SVC-6: a given-up number is offered again once its quarantine (NUMBER_QUARANTINE_DAYS) ends.
    Job(
        name="numbering.quarantine_release",
        func="issa.numbering.tasks.quarantine_release",
        cron="20 2 * * *",
        description="SVC-6: numbers out of quarantine return to the pool",
    ),
]
