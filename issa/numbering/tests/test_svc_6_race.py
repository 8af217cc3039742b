"""SVC-6: ten people reserving one number at the same moment — exactly one gets it (PostgreSQL:
real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from issa.core.errors import DomainError
from issa.numbering import services
from issa.numbering.models import PoolNumber
from issa.testing.factories import SubscriberFactory

from .conftest import ACTOR, NOW


@pytest.mark.django_db(transaction=True)
def test_svc_6_ten_threads_reserve_one_number_one_wins(pool):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    subs = [SubscriberFactory() for _ in range(10)]
    barrier = threading.Barrier(len(subs))
    won: list[int] = []
    lost: list[str] = []
    errors: list[BaseException] = []

    def run(sub):
        try:
            barrier.wait()
            services.number_reserve(subscriber=sub, msisdn="375295777777", actor=ACTOR, now=NOW)
            won.append(sub.pk)
        except DomainError as exc:
            lost.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(sub,)) for sub in subs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(won) == 1
    assert lost == ["number_taken"] * 9
    row = PoolNumber.objects.get(msisdn="375295777777")
    assert row.state == PoolNumber.State.RESERVED
    assert row.holder_id == won[0]
