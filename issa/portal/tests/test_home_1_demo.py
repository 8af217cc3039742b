"""HOME-1 demo data (issa/demo/loaders/home.py): every live home and office line gets a login
(``h1000001`` the first «Домашний интернет 100», password ``demo1234``, one hash for all) and a
month of traffic imported through the usage inbox (rated, nothing quarantined); a second run
adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import hashers
from django.contrib.auth.hashers import check_password
from django.db.models import Sum

from issa.catalog.models import TariffPlan
from issa.demo import loaders
from issa.demo.loaders import home as home_loader
from issa.identity.models import User
from issa.subscribers.models import Subscriber
from issa.usage.models import QuarantinedLine, UsageFile, UsageRecord

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_home_1_demo_loader_gives_logins_and_rated_traffic_and_is_idempotent(settings, tmp_path, monkeypatch):
    settings.ISSA_USAGE_DIR = tmp_path / "usage"
    hashes: list[str] = []
    real = hashers.make_password

    def counting(password: str | None, *args: object, **kwargs: object) -> str:
        hashes.append("x")
        return real(password, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(home_loader, "make_password", counting)
    loaders.run_all(stdout=StringIO(), now=NOW, only=["catalogue", "subscribers"])
    out = StringIO()
    loaders.run_all(stdout=out, now=NOW, only=["home"])

    lines = Subscriber.objects.filter(plan__kind=TariffPlan.Kind.HOME).exclude(status=Subscriber.Status.CLOSED)
    users = User.objects.filter(kind=User.Kind.HOME)
    assert users.count() == lines.count() >= 3
    assert len(hashes) == 1  # one Argon2 hash for every demo home login
    first = users.select_related("subscriber__plan").get(login="h1000001")
    assert first.subscriber is not None
    assert first.subscriber.plan.code == "home-100"
    assert users.get(login="h1000002").subscriber.plan.code == "office-300"  # type: ignore[union-attr]
    assert check_password("demo1234", first.password)
    assert not first.must_change_password

    file = UsageFile.objects.get(name__startswith="BRAS-HOME-1_")
    assert file.status == UsageFile.Status.DONE
    assert file.loaded == file.lines_read > 1000
    assert not QuarantinedLine.objects.filter(file=file).exists()
    records = UsageRecord.objects.filter(subscriber_id=first.subscriber.pk, kind="data")
    assert records.count() > 100
    volume = records.aggregate(total=Sum("down_bytes"))["total"]
    assert 10 * 1024**3 < volume < 200 * 1024**3  # a month of a home line: tens of gigabytes
    assert "h1000001" in out.getvalue()

    counted = (users.count(), UsageRecord.objects.count(), UsageFile.objects.count())
    loaders.run_all(stdout=StringIO(), now=NOW, only=["home"])
    assert (users.count(), UsageRecord.objects.count(), UsageFile.objects.count()) == counted
    assert len(hashes) == 1
