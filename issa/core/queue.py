"""The one door to the background queue (django-q2 on the ORM broker, ADR 0002).

``enqueue`` defers to transaction commit: a task never runs for a change that rolled back, and
never runs before the rows it reads are visible. Tasks take ids and are idempotent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_immediately(task: str, *args: Any, **kwargs: Any) -> str:
    from django_q.tasks import async_task

    return str(async_task(task, *args, **kwargs))


def enqueue(task: str, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: enqueue_immediately(task, *args, **kwargs))
