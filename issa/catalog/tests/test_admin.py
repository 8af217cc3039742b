"""BSS-1: the catalogue in the back office — versioned terms, read-only once in force, VAT shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from issa.catalog.models import Allowance, Kind, NumberCategory, PlanTerms, ServiceTerms, UsagePrice
from issa.catalog.services import plan_terms_new_version
from issa.core.errors import DomainError
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.testing.factories import PlanTermsFactory, ServiceFactory, TariffPlanFactory
from issa.testing.staff import staff_login

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def staff(client, db):
    user = User.objects.create_superuser("catalogue", "Str0ng-pass!")
    staff_login(client, user)
    return user


@pytest.fixture
def terms(db):
    plan = TariffPlanFactory(code="smart", name="Смарт")
    terms = PlanTermsFactory(plan=plan, fee=Decimal("19.90"))
    UsagePrice.objects.create(terms=terms, kind=Kind.VOICE, destination="offnet", unit_price=Decimal("0.1500"))
    Allowance.objects.create(plan_terms=terms, kind=Kind.SMS, quantity=100)
    return terms


def _inline_post(plan, rows, extra=None):
    """The admin change form of a plan: its fields and the terms inline formset."""
    data = {
        "name": plan.name,
        "code": plan.code,
        "kind": plan.kind,
        "fee_period": plan.fee_period,
        "brand": "",
        "is_public": "on",
        "description": "",
        "benefits": "",
        "terms-TOTAL_FORMS": str(len(rows) + (1 if extra else 0)),
        "terms-INITIAL_FORMS": str(len(rows)),
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        "change_terms-TOTAL_FORMS": "0",  # the plan change terms inline, left empty
        "change_terms-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows + ([extra] if extra else [])):
        for key, value in row.items():
            data[f"terms-{i}-{key}"] = value
    return data


def _row(t, **over):
    row = {
        "id": str(t.pk),
        "plan": str(t.plan_id),
        "valid_from_0": "2020-01-01",
        "valid_from_1": "03:00:00",
        "fee": "1.00",
        "fee_discount": "0",
        "voice_rounding": "per_second",
        "data_unit_kb": "100",
    }
    row.update(over)
    return row


@time_machine.travel(NOW, tick=False)
def test_bss_1_terms_in_force_cannot_be_edited_through_the_plan_page(client, staff, terms):
    url = reverse("admin:catalog_tariffplan_change", args=[terms.plan_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "19,90\u00a0руб." in page.content.decode()
    response = client.post(url, _inline_post(terms.plan, [_row(terms, fee="0.01", DELETE="on")]))
    assert response.status_code == 302
    terms.refresh_from_db()
    assert terms.fee == Decimal("19.90")  # disabled: the posted price was ignored
    assert PlanTerms.objects.filter(pk=terms.pk).exists()  # and it was not deleted


@time_machine.travel(NOW, tick=False)
def test_bss_1_new_version_must_start_in_the_future(client, staff, terms):
    url = reverse("admin:catalog_tariffplan_change", args=[terms.plan_id])
    past = {
        "plan": str(terms.plan_id),
        "valid_from_0": "2026-11-19",
        "valid_from_1": "00:00:00",
        "fee": "21.90",
        "fee_discount": "0",
        "voice_rounding": "per_second",
        "data_unit_kb": "100",
    }
    response = client.post(url, _inline_post(terms.plan, [_row(terms)], extra=past))
    assert response.status_code == 200  # the form again, with the error
    assert PlanTerms.objects.count() == 1
    future = {**past, "valid_from_0": "2026-12-01"}
    response = client.post(url, _inline_post(terms.plan, [_row(terms)], extra=future))
    assert response.status_code == 302
    new = PlanTerms.objects.exclude(pk=terms.pk).get()
    assert new.fee == Decimal("21.90")
    assert AuditEvent.objects.filter(action="catalog.planterms_added", channel="admin").count() == 1


@time_machine.travel(NOW, tick=False)
def test_bss_1_terms_page_read_only_in_force_and_prices_locked(client, staff, terms):
    url = reverse("admin:catalog_planterms_change", args=[terms.pk])
    html = client.get(url).content.decode()
    assert 'name="fee"' not in html  # read-only
    assert 'name="prices-0-unit_price"' not in html
    client.post(url, {"fee": "0.01", "prices-TOTAL_FORMS": "0", "prices-INITIAL_FORMS": "0"})
    terms.refresh_from_db()
    assert terms.fee == Decimal("19.90")
    assert client.post(reverse("admin:catalog_planterms_delete", args=[terms.pk]), {"post": "yes"}).status_code == 403
    assert UsagePrice.objects.get().unit_price == Decimal("0.1500")


@time_machine.travel(NOW, tick=False)
def test_bss_1_new_version_action_copies_prices_and_allowances_from_tomorrow(client, staff, terms):
    response = client.post(
        reverse("admin:catalog_planterms_changelist"), {"action": "new_version", "_selected_action": [terms.pk]}
    )
    assert response.status_code == 302
    copy = PlanTerms.objects.exclude(pk=terms.pk).get()
    assert copy.valid_from == datetime(2026, 11, 20, 21, 0, tzinfo=UTC)  # 00:00 tomorrow in Minsk
    assert copy.prices.get().unit_price == Decimal("0.1500")
    assert copy.allowances.get().quantity == 100
    assert AuditEvent.objects.filter(action="catalog.plan_terms_versioned").count() == 1
    # the planned copy is editable until it comes into force
    html = client.get(reverse("admin:catalog_planterms_change", args=[copy.pk])).content.decode()
    assert 'name="fee"' in html


@pytest.mark.django_db
def test_bss_1_new_version_in_the_past_refused_nothing_changed(terms):
    with pytest.raises(DomainError) as exc:
        plan_terms_new_version(terms=terms, valid_from=NOW - timedelta(days=1), actor=Actor.system("t"), now=NOW)
    assert exc.value.code == "terms_in_the_past"
    assert PlanTerms.objects.count() == 1
    assert not AuditEvent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_bss_1_lists_show_prices_with_vat(client, staff, terms):
    service = ServiceFactory(code="opt", name="Опция")
    ServiceTerms.objects.create(
        service=service,
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        fee=Decimal("3.00"),
        fee_period=ServiceTerms.FeePeriod.MONTHLY,
    )
    NumberCategory.objects.create(code="gold", name="Золотой", rank=3, price=Decimal("120.00"))
    plans = client.get(reverse("admin:catalog_tariffplan_changelist")).content.decode()
    assert "19,90\u00a0руб." in plans
    assert "3,32\u00a0руб." in plans
    services = client.get(reverse("admin:catalog_service_changelist")).content.decode()
    assert "3,00\u00a0руб." in services
    assert "0,50\u00a0руб." in services
    categories = client.get(reverse("admin:catalog_numbercategory_changelist")).content.decode()
    assert "20,00\u00a0руб." in categories
    for name in (
        "admin:catalog_planterms_changelist",
        "admin:catalog_serviceterms_changelist",
        "admin:catalog_service_add",
        "admin:catalog_tariffplan_add",
    ):
        assert client.get(reverse(name)).status_code == 200


def test_bss_1_staff_set_compatibility_rules_on_the_service_page_audited(client, staff):
    """BSS-1: compatibility is catalogue data that staff edit: "requires/excludes" and the plans
    that allow a service, on the service's page; the save is audited."""
    from issa.catalog.models import ServiceAvailability, ServiceRule

    service = ServiceFactory(code="video-pack", name="Видео пакет")
    other = ServiceFactory(code="music-pack", name="Музыка")
    plan = TariffPlanFactory(code="smart-x", name="Смарт X")
    url = reverse("admin:catalog_service_change", args=[service.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"rules-TOTAL_FORMS" in page.content
    assert b"availability-TOTAL_FORMS" in page.content
    data = {
        "name": service.name,
        "code": service.code,
        "kind": service.kind,
        "description": "",
        "is_public": "on",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": ServiceRule.Kind.values[-1],
        "rules-0-other": str(other.pk),
        "availability-TOTAL_FORMS": "1",
        "availability-INITIAL_FORMS": "0",
        "availability-0-plan": str(plan.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceRule.objects.filter(service=service, other=other).count() == 1
    assert ServiceAvailability.objects.filter(service=service, plan=plan).count() == 1
    assert AuditEvent.objects.filter(action="catalog.servicerule_added").count() == 1
    assert AuditEvent.objects.filter(action="catalog.serviceavailability_added").count() == 1
    assert client.get(reverse("admin:catalog_tariffplan_change", args=[plan.pk])).status_code == 200
