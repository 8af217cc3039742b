"""``manage.py demo_load``: a believable operator, the same on every run, and idempotent."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db.models import Sum

from issa.billing.models import LedgerEntry
from issa.catalog.models import (
    Allowance,
    NumberCategory,
    PlanTerms,
    Service,
    ServiceTerms,
    TariffPlan,
    UsagePrice,
)
from issa.customers.models import Account, Client
from issa.demo import loaders
from issa.demo.loaders import subscribers as subscribers_loader
from issa.identity.models import User
from issa.subscribers.models import PlanPeriod, Product, Sim, Subscriber

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
MINE = ["--only", "catalogue", "--only", "subscribers", "--only", "users"]
COUNTED = [TariffPlan, PlanTerms, UsagePrice, Allowance, Service, ServiceTerms, NumberCategory, Client, Account,
           Subscriber, Sim, PlanPeriod, Product, LedgerEntry, User]  # fmt: skip


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_load", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def test_registry_runs_every_loader_module_in_order() -> None:
    modules = loaders.discover()
    names = [loaders.loader_name(m) for m in modules]
    assert names[:3] == ["catalogue", "subscribers", "users"]
    assert [m.ORDER for m in modules] == sorted(m.ORDER for m in modules)
    assert all(not name.startswith("_") for name in names)


@pytest.mark.django_db
def test_whole_demo_load_is_idempotent_counts_equal_after_two_runs() -> None:
    first_output = run()
    first = counts()
    balance = LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]
    second_output = run()
    assert counts() == first
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == balance
    assert "password admin12345" in first_output
    assert "admin12345" not in second_output  # the superuser's password is printed once
    assert "Demo operator loaded in" in second_output


@pytest.mark.django_db
def test_admin_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSA_ADMIN_PASSWORD", "From-env-2026")
    run("--only", "catalogue", "--only", "subscribers", "--only", "users")
    assert check_password("From-env-2026", User.objects.get(login="admin").password)


def test_population_is_the_same_on_every_run() -> None:
    today = date(2026, 3, 10)
    first = subscribers_loader._Generator(today).population()
    second = subscribers_loader._Generator(today).population()
    assert first == second
    numbers = [s.msisdn for a in first for s in a.subscribers]
    assert len(numbers) == len(set(numbers)) == subscribers_loader.TARGET_SUBSCRIBERS


@pytest.mark.django_db
def test_unknown_loader_name_is_refused() -> None:
    with pytest.raises(SystemExit):
        run("--only", "nonsense")
    assert TariffPlan.objects.count() == 0


@pytest.mark.django_db
def test_registry_picks_up_a_new_loader_module_and_skips_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zz_extra.py").write_text(
        "ORDER = 5\nRAN = []\ndef load(*, stdout, now):\n    RAN.append(now)\n    stdout.write('extra ran')\n"
    )
    (tmp_path / "zz_helper.py").write_text("NAMES = ['not a loader']\n")
    (tmp_path / "_zz_private.py").write_text("ORDER = 1\ndef load(*, stdout, now):\n    raise AssertionError\n")
    (tmp_path / "zz_no_order.py").write_text("def load(*, stdout, now):\n    raise AssertionError\n")
    monkeypatch.setattr(loaders, "__path__", [*loaders.__path__, str(tmp_path)])
    names = [loaders.loader_name(m) for m in loaders.discover()]
    assert names[0] == "zz_extra"  # ORDER 5 runs before the catalogue (10)
    assert not {"zz_helper", "_zz_private", "zz_no_order"} & set(names)
    out = io.StringIO()
    timings = loaders.run_all(stdout=out, now=NOW, only=["zz_extra"])
    assert list(timings) == ["zz_extra"]
    assert "extra ran" in out.getvalue()
