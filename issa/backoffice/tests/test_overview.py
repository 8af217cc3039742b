"""The subscriber on one page for staff (issue 9, AUTH-12): state, access, balance, ledger, orders,
feedback and audit trail; links to the full lists and to the existing staff actions; the view is
audited, needs ``subscribers.view_subscriber``, and runs a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issa.access.models import AccessBlock
from issa.access.services import access_restrict_by_operator
from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.catalog.models import TariffPlan
from issa.customers.models import Client
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent, User
from issa.identity.services import audit_record
from issa.orders.models import Order
from issa.subscribers.models import Subscriber
from issa.support import services as support
from issa.testing.factories import AccountFactory, TariffPlanFactory, UserFactory, subscriber_with_balance
from issa.testing.staff import staff_login

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def login(client: HttpClient, user: User) -> HttpClient:
    """The back office's sign-in: password and a verified TOTP device (ADR 0009)."""
    staff_login(client, user)
    return client


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_superuser("oper411", "Str0ng-pass!")


def overview_url(subscriber: Subscriber) -> str:
    return reverse("admin:subscribers_subscriber_overview", args=[subscriber.pk])


def _order(subscriber: Subscriber, title: str, state: str = Order.State.COMPLETED) -> Order:
    now = timezone.now()
    return Order.objects.create(
        subscriber=subscriber, action="service_connect", title=title, state=state, created_at=now, updated_at=now
    )


def _history(subscriber: Subscriber, tag: str, rows: int = 1) -> None:
    """Ledger entries, orders, feedback requests and audit events marked with ``tag``."""
    now = timezone.now()
    for i in range(rows):
        ledger_post(
            account=subscriber.account,
            subscriber=subscriber,
            amount=-(100 + i),
            kind=LedgerEntry.Kind.SUBSCRIPTION_FEE,
            reason=f"{tag} fee {i}",
            idempotency_key=f"test:{tag}:{i}",
            now=now - timedelta(minutes=i),
        )
        _order(subscriber, f"{tag} order {i}")
        support.support_request_create(
            subscriber=subscriber, topic="question", subject=f"{tag} subject {i}", text="?", actor=SYSTEM, now=now
        )
        audit_record(actor=SYSTEM, action=f"test.{tag}", now=now, subscriber=subscriber)


@pytest.fixture
def legal_subscriber(db: Any) -> Subscriber:
    account = AccountFactory.create(number="310000999", client__kind=Client.Kind.LEGAL, client__name="ООО «Ромашка»")
    subscriber = subscriber_with_balance(123456, msisdn="375291112233", account=account, user_name="Жук Дмитрий")
    subscriber.puk_registration = True
    subscriber.save(update_fields=["puk_registration"])
    return subscriber


def test_auth_12_staff_see_the_subscriber_on_one_page(
    client: HttpClient, staff: User, legal_subscriber: Subscriber
) -> None:
    subscriber = legal_subscriber
    UserFactory.create(subscriber=subscriber)
    access_restrict_by_operator(
        subscriber=subscriber, note="Жалоба о мошенничестве №17", actor=Actor("admin", user=staff), now=timezone.now()
    )
    _history(subscriber, "qqmine")
    _order(subscriber, "qqfailed order", Order.State.FAILED)
    late = support.support_request_create(
        subscriber=subscriber,
        topic="question",
        subject="qqlate",
        text="?",
        actor=SYSTEM,
        now=timezone.now() - timedelta(hours=30),
    )
    page = login(client, staff).get(overview_url(subscriber))
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "+375 29 111-22-33",
        "Жук Дмитрий",
        "ООО «Ромашка»",
        "310000999",
        subscriber.plan.name,
        subscriber.get_status_display(),
        subscriber.get_device_display(),
        subscriber.sim.iccid,
        "Жалоба о мошенничестве №17",
        "qqmine fee 0",
        "qqmine order 0",
        "qqfailed order",
        "qqmine subject 0",
        "qqlate",
        "test.qqmine",
        "access.closed",
    ):
        assert expected in html, expected
    assert page.context["balance"] == "1\u00a0233,56\u00a0руб."
    assert (
        '<p class="ov-balance" data-testid="overview-balance">1\u00a0233,56\u00a0руб.</p>' in html
    )  # 1234,56 - 1,00: exact, from the billing selector
    assert page.context["access_open"] is False
    assert [b.reason for b in page.context["blocks"]] == [AccessBlock.Reason.OFFENCE]
    assert page.context["subscriber"].puk_registration is True
    assert [r.pk for r in page.context["requests"] if r.overdue] == [late.pk]
    assert 'data-testid="overview-overdue"' in html
    for secret in ("12345678", "87654321"):  # the SIM's codes never reach the page (INFO-4)
        assert secret not in html


def test_auth_12_another_subscribers_data_is_not_mixed_in(client: HttpClient, staff: User) -> None:
    mine = subscriber_with_balance()
    other = subscriber_with_balance()
    _history(mine, "qqmine")
    _history(other, "qqother")
    html = login(client, staff).get(overview_url(mine)).content.decode()
    assert "qqmine fee 0" in html
    for foreign in ("qqother", other.msisdn[-7:], other.account.number):
        assert foreign not in html, foreign


def test_auth_12_viewing_the_page_is_audited(client: HttpClient, staff: User) -> None:
    subscriber = subscriber_with_balance()
    login(client, staff).get(overview_url(subscriber), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="staff.subscriber_viewed")
    assert event.subscriber == subscriber
    assert event.actor == staff
    assert event.channel == "admin"
    assert event.ip == "10.1.2.3"
    assert event.client == subscriber.account.client


def test_auth_12_staff_without_view_subscriber_get_403_and_nothing_is_written(client: HttpClient) -> None:
    subscriber = subscriber_with_balance()
    cashier = User.objects.create_user("cashier", "Str0ng-pass!", is_staff=True)
    cashier.user_permissions.add(Permission.objects.get(codename="view_ledgerentry"))
    response = login(client, cashier).get(overview_url(subscriber))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="staff.subscriber_viewed").exists()


def test_auth_12_each_role_sees_the_sections_and_buttons_its_rights_allow(as_role: Any) -> None:
    subscriber = subscriber_with_balance()
    _history(subscriber, "qqmine")
    cc411, _ = as_role("cc411")
    response = cc411.get(overview_url(subscriber))
    assert response.status_code == 200
    assert {a.testid for a in response.context["actions"]} == {"restrict", "lost-sim"}  # access is open
    assert all(response.context["shown"][s] for s in ("ledger", "orders", "requests", "audit"))
    html = response.content.decode()
    assert "qqmine fee 0" in html
    assert "t-cc411" in html  # the staff member's own name in the header, not the subscriber's login
    sales, _ = as_role("sales")
    response = sales.get(overview_url(subscriber))
    assert response.status_code == 200
    assert {a.testid for a in response.context["actions"]} == {"lost-sim", "role", "puk"}
    html = response.content.decode()
    assert 'data-testid="overview-audit"' not in html
    assert "test.qqmine" not in html
    assert "qqmine fee 0" not in html
    assert 'data-testid="overview-balance"' in html


def test_auth_12_unknown_subscriber_gives_404(client: HttpClient, staff: User) -> None:
    url = reverse("admin:subscribers_subscriber_overview", args=[987654])
    assert login(client, staff).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="staff.subscriber_viewed").exists()


def test_auth_12_one_page_runs_a_bounded_number_of_queries(
    client: HttpClient, staff: User, django_assert_max_num_queries: Any
) -> None:
    few = subscriber_with_balance()
    many = subscriber_with_balance()
    _history(few, "few", rows=1)
    _history(many, "many", rows=35)
    UserFactory.create(subscriber=many)
    login(client, staff)
    client.get(overview_url(few))  # warm the session and caches
    counts = []
    for subscriber in (few, many):
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(20):
            assert client.get(overview_url(subscriber)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]  # 1 or 35 rows per list: the same queries
    response = client.get(overview_url(many))
    assert len(response.context["ledger"]) == 20
    assert len(response.context["events"]) == 30


def test_auth_12_each_section_links_to_its_full_filtered_list(client: HttpClient, staff: User) -> None:
    mine = subscriber_with_balance()
    other = subscriber_with_balance()
    _history(mine, "qqmine")
    _history(other, "qqother")
    response = login(client, staff).get(overview_url(mine))
    links = response.context["links"]
    for name, marker in (("ledger", "qqmine fee 0"), ("orders", "qqmine order 0"), ("requests", "qqmine subject 0")):
        listed = client.get(links[name])
        assert listed.status_code == 200, name
        assert marker in listed.content.decode(), name
        assert "qqother" not in listed.content.decode(), name
    audit = client.get(links["audit"])
    assert audit.status_code == 200
    assert set(audit.context["cl"].queryset.values_list("subscriber_id", flat=True)) == {mine.pk}
    for name in ("blocks", "roles", "refunds", "change", "access"):
        assert client.get(links[name]).status_code == 200, name


def test_auth_12_buttons_lead_to_the_existing_admin_actions(client: HttpClient, staff: User) -> None:
    subscriber = subscriber_with_balance()
    user = UserFactory.create(subscriber=subscriber)
    response = login(client, staff).get(overview_url(subscriber))
    actions = {action.testid: action for action in response.context["actions"]}
    assert set(actions) == {"restrict", "lost-sim", "role", "puk", "temporary-password"}  # access is open

    def press(testid: str) -> Any:
        action = actions[testid]
        return client.post(action.url, {"action": action.action, "_selected_action": action.selected, "index": "0"})

    step = press("restrict")  # the access admin's own page asking for the reason
    assert step.status_code == 200
    assert 'name="note"' in step.content.decode()
    assert not AccessBlock.objects.filter(subscriber=subscriber).exists()
    assert press("lost-sim").status_code == 200
    assert press("puk").status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.puk_registration is True
    assert AuditEvent.objects.filter(subscriber=subscriber, action__icontains="puk").exists()
    assert press("temporary-password").status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is True
    page = client.get(overview_url(subscriber)).content.decode()
    assert reverse("admin:finance_refundrequest_changelist") in page


def test_home_1_a_home_line_gets_the_home_login_button_instead_of_sms_and_puk(client: HttpClient, staff: User) -> None:
    line = subscriber_with_balance(plan=TariffPlanFactory.create(code="home-100", kind=TariffPlan.Kind.HOME))
    response = login(client, staff).get(overview_url(line))
    actions = {action.testid: action for action in response.context["actions"]}
    assert "puk" not in actions
    assert "temporary-password" not in actions
    home = actions["home-login"]
    issued = client.post(home.url, {"action": home.action, "_selected_action": home.selected, "index": "0"})
    assert issued.status_code == 200  # the identity admin's page showing the login and password once
    assert User.objects.get(subscriber=line).login in issued.content.decode()
    assert AuditEvent.objects.filter(subscriber=line, action="auth.home_login_issued").count() == 1


def test_auth_12_the_page_is_linked_from_the_changelist_and_the_change_page(client: HttpClient, staff: User) -> None:
    subscriber = subscriber_with_balance()
    login(client, staff)
    url = overview_url(subscriber)
    changelist = client.get(reverse("admin:subscribers_subscriber_changelist")).content.decode()
    assert f'href="{url}"' in changelist
    assert "Открыть" in changelist
    change = client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk])).content.decode()
    assert f'href="{url}"' in change


def test_auth_12_admin_home_has_the_find_a_subscriber_box(client: HttpClient, staff: User) -> None:
    html = login(client, staff).get(reverse("admin:index")).content.decode()
    assert 'data-testid="find-subscriber"' in html
    assert f'action="{reverse("admin:subscribers_subscriber_changelist")}"' in html


def test_auth_12_open_access_is_offered_only_while_something_blocks_it(client: HttpClient, staff: User) -> None:
    from django.utils import timezone

    from issa.access.services import access_restrict_by_operator
    from issa.identity.actor import Actor

    subscriber = subscriber_with_balance()
    login(client, staff)
    assert "lift" not in {a.testid for a in client.get(overview_url(subscriber)).context["actions"]}
    access_restrict_by_operator(subscriber=subscriber, note="abuse", actor=Actor.system("test"), now=timezone.now())
    actions = {a.testid: a for a in client.get(overview_url(subscriber)).context["actions"]}
    assert "lift" in actions
    lift = actions["lift"]
    step = client.post(lift.url, {"action": lift.action, "_selected_action": lift.selected, "index": "0"})
    assert step.status_code == 200  # the access admin's own page asking for the note
    assert AccessBlock.objects.filter(subscriber=subscriber, lifted_at__isnull=True).count() == 1  # nothing yet
