"""AUTH-11, the corporate cabinet in full (issue 9): the list with the plan filter, balances and
spending (FINANCE), the export to Excel, a number's card, and services connected or disconnected
through the subscriber's own orders services (SERVICES). Another client's number is 404 by any
path; a supervisor cannot do what the role does not allow; each refusal changes nothing."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issa.access.services import corporate_role_assign, corporate_role_revoke
from issa.billing.models import LedgerEntry
from issa.core.phone import format_msisdn
from issa.identity.actor import Actor
from issa.identity.models import AuditEvent
from issa.orders.models import Order
from issa.orders.services import order_submit
from issa.subscribers.models import Product

from .conftest import book, cabinet_snapshot, make_subscriber, make_user

pytestmark = pytest.mark.django_db

LIST = "/corporate/"
EXPORT = "/corporate/export.xlsx"


def card_url(msisdn: str) -> str:
    return reverse("portal:corporate_number", args=[msisdn])


def order_new_url(msisdn: str) -> str:
    return reverse("portal:corporate_order_new", args=[msisdn])


def xlsx_text(body: bytes) -> str:
    """Every string of the workbook's first sheet (shared or inline), in order, one per line."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        names = book.namelist()
        shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", shared)
    out = []
    for cell in re.findall(r"<c [^>]*?(?:/>|>.*?</c>)", sheet):
        if 't="s"' in cell:
            out.append(strings[int(re.search(r"<v>(\d+)</v>", cell).group(1))])  # type: ignore[union-attr]
        else:
            found = re.search(r"<t[^>]*>([^<]*)</t>|<v>([^<]*)</v>", cell)
            if found:
                out.append(found.group(1) if found.group(1) is not None else found.group(2))
    return "\n".join(out)


def set_rights(corp: Any, staff_actor: Any, now: Any, *rights: str) -> None:
    corp.supervisor_role = corporate_role_assign(
        subscriber=corp.supervisor, role="supervisor", rights=list(rights), actor=staff_actor, now=now
    )


# --- 1. the list: plan filter, money, query count ---------------------------------------------------


def test_auth_11_list_filters_by_plan(client, corp):
    client.force_login(corp.admin_user)

    page = client.get(LIST, {"plan": corp.worker.plan.code}).content.decode()

    assert f'<option value="{corp.worker.plan.code}" selected>' in page
    assert f'id="number-{corp.worker.msisdn}"' in page
    for other in (corp.admin, corp.supervisor, corp.worker2):
        assert f'id="number-{other.msisdn}"' not in page
        assert f'<option value="{other.plan.code}">' in page  # the client's plans are offered
    assert "1 номер" in page
    assert f"plan={corp.worker.plan.code}" in page  # the export link keeps the filter


def test_auth_11_list_shows_the_shared_balance_and_this_months_spending(client, funded):
    client.force_login(funded.admin_user)

    page = client.get(LIST).content.decode()

    def money(number):
        start = page.index(f'data-testid="money-{number.msisdn}"')
        return re.sub(r"[ \n]+", " ", page[start : page.index("</p>", start)])

    worker = money(funded.worker)
    assert "Баланс: <strong>50,00\u00a0руб.</strong>" in worker
    assert f"счёт {funded.worker.account.number}, общий для 4 номеров" in worker
    assert "Расходы в этом месяце: <strong>3,45\u00a0руб.</strong>" in worker
    assert "Расходы в этом месяце: <strong>0,00\u00a0руб.</strong>" in money(funded.worker2)


def test_auth_11_supervisor_without_finance_sees_no_money(client, funded, staff_actor, now):
    set_rights(funded, staff_actor, now, "access", "services")
    client.force_login(funded.supervisor_user)

    page = client.get(LIST).content.decode()
    card = client.get(card_url(funded.worker.msisdn)).content.decode()

    assert format_msisdn(funded.worker.msisdn) in page
    for html in (page, card):
        assert 'data-testid="money-' not in html
        assert "50,00" not in html
        assert "Расходы" not in html


def test_auth_11_list_query_count_is_bounded_with_50_numbers(client, funded, django_assert_max_num_queries):
    account = funded.worker.account
    for _ in range(46):
        make_subscriber(account=account)
    client.force_login(funded.admin_user)
    client.get(LIST)  # warm the session and the caches

    with django_assert_max_num_queries(14):
        response = client.get(LIST)

    assert response.content.decode().count('class="corporate-number"') == 50


def test_auth_11_another_clients_administrator_sees_none_of_the_clients_numbers(
    client, corp, other_number, staff_actor, now
):
    other_admin = make_subscriber(account=other_number.account)
    corporate_role_assign(subscriber=other_admin, role="administrator", actor=staff_actor, now=now)
    client.force_login(make_user(other_admin))
    before = cabinet_snapshot()

    page = client.get(LIST, {"q": corp.worker.msisdn}).content.decode()

    assert format_msisdn(corp.worker.msisdn) not in page
    assert "Номера не найдены." in page
    assert client.get(card_url(corp.worker.msisdn)).status_code == 404
    assert client.post(order_new_url(corp.worker.msisdn), {"action": "connect_service"}).status_code == 404
    assert cabinet_snapshot() == before


# --- 2. the export -------------------------------------------------------------------------------


def test_auth_11_export_of_the_filtered_list_with_money_is_an_audited_xlsx(client, funded):
    client.force_login(funded.admin_user)

    response = client.get(EXPORT, {"q": "Петров"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="numbers-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"])
    text = xlsx_text(b"".join(response.streaming_content))
    assert f"+{funded.worker.msisdn}" in text
    assert f"+{funded.worker2.msisdn}" not in text
    for expected in ("Петров Пётр", funded.worker.plan.name, "Открыт", "Баланс счёта, BYN", "50", "3.45", "4"):
        assert expected in text.splitlines(), expected
    event = AuditEvent.objects.get(action="access.corporate_export")
    assert (event.actor, event.client, event.details["rows"], event.details["finance"]) == (
        funded.admin_user,
        funded.client,
        1,
        True,
    )
    assert event.details["filters"] == {"q": "Петров"}


def test_auth_11_export_without_finance_has_no_money_columns(client, funded, staff_actor, now):
    set_rights(funded, staff_actor, now, "access")
    client.force_login(funded.supervisor_user)

    response = client.get(EXPORT)

    lines = xlsx_text(b"".join(response.streaming_content)).splitlines()
    assert "Тарифный план" in lines
    assert f"+{funded.worker.msisdn}" in lines
    assert not [line for line in lines if "BYN" in line or line in ("50", "3.45")]
    assert AuditEvent.objects.get(action="access.corporate_export").details["finance"] is False


def test_auth_11_export_never_holds_another_clients_number(client, corp, other_number):
    client.force_login(corp.admin_user)

    response = client.get(EXPORT, {"q": other_number.msisdn, "plan": other_number.plan.code})

    assert response.status_code == 200
    text = xlsx_text(b"".join(response.streaming_content))
    assert other_number.msisdn not in text
    assert AuditEvent.objects.get(action="access.corporate_export").details["rows"] == 0


# --- 3. a number's card and its services -------------------------------------------------------------


def test_auth_11_card_shows_state_plan_services_and_offers(client, funded, music):
    Product.objects.create(subscriber=funded.worker2, service=music, active_from=timezone.now())
    client.force_login(funded.admin_user)

    page = client.get(card_url(funded.worker.msisdn)).content.decode()

    assert format_msisdn(funded.worker.msisdn) in page
    assert "Петров Пётр" in page
    assert funded.worker.plan.name in page
    assert "Закрыть доступ" in page
    assert 'data-testid="connect_service-music"' in page
    assert "Баланс" in page
    other = client.get(card_url(funded.worker2.msisdn)).content.decode()
    assert 'data-testid="connected-music"' in other
    assert 'data-testid="disconnect_service-music"' in other


def test_auth_11_administrator_connects_a_service_with_the_same_confirm_step(
    client, funded, music, django_capture_on_commit_callbacks
):
    client.force_login(funded.admin_user)

    response = client.post(order_new_url(funded.worker.msisdn), {"action": "connect_service", "service": "music"})

    order = Order.objects.get(subscriber=funded.worker)
    assert response["Location"] == reverse("portal:corporate_order", args=[funded.worker.msisdn, order.pk])
    assert order.state == Order.State.DRAFT
    draft = client.get(response["Location"]).content.decode()
    assert "Подтвердить" in draft
    assert 'ООО "Ромашка"' in draft or "ООО &quot;Ромашка&quot;" in draft
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:corporate_order_confirm", args=[funded.worker.msisdn, order.pk]))

    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    assert Product.objects.filter(subscriber=funded.worker, service=music, active_to__isnull=True).exists()
    state = client.get(reverse("portal:corporate_order_state", args=[funded.worker.msisdn, order.pk]))
    assert 'data-state="completed"' in state.content.decode()
    events = AuditEvent.objects.filter(action__in=("order.submitted", "order.confirmed")).order_by("pk")
    assert [(e.actor, e.subscriber, e.client, e.channel) for e in events] == [
        (funded.admin_user, funded.worker, funded.client, "web")
    ] * 2
    behalf = events[0].details["on_behalf"]
    assert behalf == {
        "client": funded.client.pk,
        "role": "administrator",
        "role_id": funded.admin_role.pk,
        "holder": funded.admin.msisdn,
    }
    # the number's own user sees the order in their own history
    worker = Client()
    worker.force_login(funded.worker_user)
    assert "Музыка" in worker.get(reverse("portal:services_orders")).content.decode()


def test_auth_11_supervisor_with_services_disconnects_and_cancels(client, funded, music, staff_actor, now):
    set_rights(funded, staff_actor, now, "services")
    Product.objects.create(subscriber=funded.worker, service=music, active_from=timezone.now())
    client.force_login(funded.supervisor_user)
    assert "Закрыть доступ" not in client.get(card_url(funded.worker.msisdn)).content.decode()  # no ACCESS

    client.post(order_new_url(funded.worker.msisdn), {"action": "disconnect_service", "service": "music"})
    order = Order.objects.get(subscriber=funded.worker)
    client.post(reverse("portal:corporate_order_cancel", args=[funded.worker.msisdn, order.pk]))

    order.refresh_from_db()
    assert (order.action, order.state) == ("disconnect_service", Order.State.CANCELLED)
    event = AuditEvent.objects.get(action="order.cancelled")
    assert (event.actor, event.subscriber, event.details["on_behalf"]["role"]) == (
        funded.supervisor_user,
        funded.worker,
        "supervisor",
    )


# --- 4. rights and ownership: refusals change nothing ----------------------------------------------


def test_auth_11_supervisor_without_services_gets_no_buttons_and_a_post_is_refused(
    client, funded, music, staff_actor, now
):
    set_rights(funded, staff_actor, now, "access", "finance")
    client.force_login(funded.supervisor_user)

    card = client.get(card_url(funded.worker.msisdn)).content.decode()
    assert "Музыка" not in card
    assert "connect_service" not in card
    assert "Ваша роль не позволяет подключать и отключать услуги." in card
    before = cabinet_snapshot()

    response = client.post(
        order_new_url(funded.worker.msisdn), {"action": "connect_service", "service": "music"}, follow=True
    )

    assert response.redirect_chain[-1][0] == card_url(funded.worker.msisdn)
    assert "Ваша роль не позволяет подключать и отключать услуги." in response.content.decode()
    assert cabinet_snapshot() == before


def test_auth_11_supervisor_without_services_cannot_confirm_a_draft_made_before(
    client, funded, music, staff_actor, now
):
    set_rights(funded, staff_actor, now, "services")
    client.force_login(funded.supervisor_user)
    client.post(order_new_url(funded.worker.msisdn), {"action": "connect_service", "service": "music"})
    order = Order.objects.get(subscriber=funded.worker)
    set_rights(funded, staff_actor, now, "access")  # staff narrowed the role meanwhile
    client.force_login(funded.supervisor_user)
    before = cabinet_snapshot()

    confirm = client.post(reverse("portal:corporate_order_confirm", args=[funded.worker.msisdn, order.pk]))

    assert confirm.status_code == 302
    assert cabinet_snapshot() == before
    assert client.get(reverse("portal:corporate_order", args=[funded.worker.msisdn, order.pk])).status_code == 403


def test_auth_11_another_clients_number_is_404_by_every_path_and_nothing_changes(client, funded, music, other_number):
    client.force_login(funded.admin_user)
    before = cabinet_snapshot()
    m = other_number.msisdn

    assert client.get(card_url(m)).status_code == 404
    assert client.post(order_new_url(m), {"action": "connect_service", "service": "music"}).status_code == 404
    assert client.post(reverse("portal:corporate_set_access", args=[m]), {"action": "close"}).status_code == 404
    assert client.get(card_url("375290000000")).status_code == 404
    assert cabinet_snapshot() == before


def test_auth_11_another_numbers_order_id_is_404_and_nothing_changes(client, funded, music, other_number):
    book_money(other_number)
    actor = Actor(channel="web", label="theirs")
    foreign = order_submit(
        subscriber=other_number, action="connect_service", params={"service": "music"}, actor=actor, now=timezone.now()
    )
    own_draft_of_worker2 = order_submit(
        subscriber=funded.worker2,
        action="connect_service",
        params={"service": "music"},
        actor=actor,
        now=timezone.now(),
    )
    client.force_login(funded.admin_user)
    before = cabinet_snapshot()

    for msisdn, order in (
        (funded.worker.msisdn, foreign),  # a client's number with another client's order id
        (other_number.msisdn, foreign),  # another client's number and its own order
        (funded.worker.msisdn, own_draft_of_worker2),  # the order of another of the client's numbers
    ):
        args = [msisdn, order.pk]
        assert client.get(reverse("portal:corporate_order", args=args)).status_code == 404
        assert client.get(reverse("portal:corporate_order_state", args=args)).status_code == 404
        assert client.post(reverse("portal:corporate_order_confirm", args=args)).status_code == 404
        assert client.post(reverse("portal:corporate_order_cancel", args=args)).status_code == 404
    assert cabinet_snapshot() == before


def book_money(subscriber: Any) -> None:
    book(subscriber.account, 5000, LedgerEntry.Kind.PAYMENT, f"t:{subscriber.msisdn}", at=timezone.now())


def test_auth_11_a_plain_subscriber_of_the_client_gets_404_for_the_whole_cabinet(client, funded, music):
    client.force_login(funded.worker_user)
    before = cabinet_snapshot()
    m = funded.worker2.msisdn

    for response in (
        client.get(LIST),
        client.get(EXPORT),
        client.get(card_url(m)),
        client.post(order_new_url(m), {"action": "connect_service", "service": "music"}),
        client.post(reverse("portal:corporate_set_access", args=[m]), {"action": "close"}),
    ):
        assert response.status_code == 404
    assert cabinet_snapshot() == before


def test_auth_11_revoked_role_can_no_longer_order(client, funded, music, staff_actor, now):
    client.force_login(funded.admin_user)
    client.post(order_new_url(funded.worker.msisdn), {"action": "connect_service", "service": "music"})
    order = Order.objects.get(subscriber=funded.worker)
    corporate_role_revoke(role=funded.admin_role, note="уволен", actor=staff_actor, now=now)
    before = cabinet_snapshot()

    assert client.get(card_url(funded.worker.msisdn)).status_code == 404
    assert (
        client.post(reverse("portal:corporate_order_confirm", args=[funded.worker.msisdn, order.pk])).status_code == 404
    )
    assert cabinet_snapshot() == before


def test_auth_11_only_service_actions_are_offered_to_the_cabinet(client, funded, music):
    client.force_login(funded.admin_user)
    before = cabinet_snapshot()

    response = client.post(order_new_url(funded.worker.msisdn), {"action": "pause"}, follow=True)

    assert "Такой операции нет." in response.content.decode()
    assert cabinet_snapshot() == before


def test_auth_11_card_and_export_query_counts_are_bounded(client, funded, music, django_assert_max_num_queries):
    for _ in range(46):
        make_subscriber(account=funded.worker.account)
    client.force_login(funded.admin_user)
    client.get(LIST)

    with django_assert_max_num_queries(30):  # the offers' rules are asked per catalogue service, not per number
        assert client.get(card_url(funded.worker.msisdn)).status_code == 200
    with django_assert_max_num_queries(15):  # one statement for the rows, money included
        response = client.get(EXPORT)
        body = b"".join(response.streaming_content)
    assert xlsx_text(body).count("+375") == 50


def test_auth_11_pages_keep_the_filters(client, corp):
    for _ in range(47):
        make_subscriber(account=corp.worker.account)
    client.force_login(corp.admin_user)

    first = client.get(LIST, {"status": "active"}).content.decode()
    second = client.get(LIST, {"status": "active", "page": 2}).content.decode()

    assert "51 номер" in first
    assert first.count('class="corporate-number"') == 50
    assert 'href="?status=active&amp;page=2"' in first
    assert second.count('class="corporate-number"') == 1
    assert 'href="?status=active&amp;page=1"' in second
