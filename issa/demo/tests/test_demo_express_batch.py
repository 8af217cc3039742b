"""FIN-4 in the demo: the demo express-card batch expires like any other (it was loaded without
a "valid until" date and so never expired)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from issa.demo.loaders import payments
from issa.payments.models import ExpressCard, ExpressCardBatch
from issa.payments.services.express import express_default_valid_until

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_fin_4_demo_batch_has_the_usual_validity_and_expires_after_it():
    payments.load(stdout=io.StringIO(), now=NOW)
    batch = ExpressCardBatch.objects.get(number=payments.BATCH)
    assert batch.valid_until == express_default_valid_until(now=NOW)
    assert ExpressCard.objects.filter(batch=batch).count() == payments.CARDS
    assert not batch.expired(now=NOW)
    last_day_end = datetime.combine(batch.valid_until + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    assert batch.expired(now=last_day_end + timedelta(hours=1))  # past midnight in Minsk too


def test_fin_4_a_demo_batch_from_an_old_loader_gets_its_validity_on_the_next_load():
    ExpressCardBatch.objects.create(number=payments.BATCH, face_value=1000, quantity=10, issued_at=NOW, note="demo")
    payments.load(stdout=io.StringIO(), now=NOW + timedelta(days=1))
    batch = ExpressCardBatch.objects.get(number=payments.BATCH)
    assert batch.valid_until == express_default_valid_until(now=NOW + timedelta(days=1))
    assert ExpressCardBatch.objects.count() == 1
