"""Order actions (BSS-6). The contract and the registry are in ``registry.py``; this module
re-exports them and holds the orders app's own actions:

    from issa.orders.actions import OrderAction, order_action, get_action, ACTIONS

    @order_action("forwarding_set")
    class ForwardingSet(OrderAction):
        title = _("Call forwarding")
        def validate(self, *, subscriber, params, now): ...   # raise DomainError
        def price(self, *, subscriber, params, now): return 0  # kopecks, SVC-4
        def provision(self, *, network, order): network.update_service(..., request_id=order_request_id(order))
        def complete(self, *, order, now): ...                 # our state, fees (ledger_post)

Other apps put their actions in ``<app>/actions.py``; ``OrdersConfig.ready`` imports every
installed app's ``actions`` module (``autodiscover_modules("actions")``).

Actions here: ``change_plan`` (SVC-1), ``connect_service`` / ``disconnect_service`` (SVC-2, and
Mobile Internet packages, SVC-7), ``internet_change`` (SVC-7), ``favourite_set`` /
``favourite_cancel`` (SVC-8), ``pause`` / ``restore`` (SVC-9).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Service, TariffPlan
from issa.core.errors import DomainError, ErrorKind
from issa.core.money import to_kopecks
from issa.core.phone import parse_msisdn
from issa.core.texts import operator_text
from issa.subscribers.models import PlanPeriod, Product, Subscriber

from . import selectors as sel
from .network import NetworkAdapter, order_request_id
from .registry import ACTIONS, OrderAction, get_action, order_action

__all__ = ["ACTIONS", "OrderAction", "book_fee", "get_action", "order_action"]

SWITCHABLE_KINDS = (Service.Kind.OPTION, Service.Kind.PACKAGE, Service.Kind.INTERNET)


def book_fee(
    *, order: Any, amount: int, reason: str, now: datetime, step: str = "fee", effective_at: datetime | None = None
) -> None:
    """A one-time fee of an order, once (key ``order:<id>:<step>``), through the billing core."""
    from issa.billing.models import LedgerEntry
    from issa.billing.services import ledger_post

    if amount <= 0:
        return
    ledger_post(
        account=order.subscriber.account,
        subscriber=order.subscriber,
        amount=-amount,
        kind=LedgerEntry.Kind.ONE_TIME_FEE,
        reason=reason,
        idempotency_key=f"order:{order.pk}:{step}",
        now=now,
        effective_at=effective_at,
        details={"order": order.pk, "action": order.action},
    )


def _service(code: Any, *, kinds: tuple[str, ...]) -> Service:
    service = Service.objects.filter(code=str(code or "").strip(), kind__in=kinds).first()
    if service is None:
        raise DomainError("service_unknown", _("There is no such service."), field="service")
    return service


def _not_connected_error(service: Service) -> DomainError:
    return DomainError(
        "service_not_connected",
        _("The service «%(name)s» is not connected."),
        kind=ErrorKind.CONFLICT,
        name=service.name,
    )


def _check_connect(
    *, subscriber: Subscriber, service: Service, now: datetime, replacing: Service | None = None
) -> None:
    """SVC-2 compatibility: the plan allows it, what it requires is there, nothing it excludes is."""
    if not service.is_public:
        raise DomainError("service_closed", _("The service «%(name)s» cannot be connected now."), name=service.name)
    if not sel.plan_allows(plan=subscriber.plan, service=service):
        raise DomainError(
            "service_not_on_plan",
            _("The service «%(name)s» is not available on the tariff plan «%(plan)s»."),
            kind=ErrorKind.CONFLICT,
            name=service.name,
            plan=subscriber.plan.name,
        )
    active = {p.service_id: p.service for p in sel.active_products(subscriber=subscriber, at=now)}
    if replacing is not None:
        active.pop(replacing.pk, None)
    if service.pk in active:
        raise DomainError(
            "service_connected",
            _("The service «%(name)s» is already connected."),
            kind=ErrorKind.CONFLICT,
            name=service.name,
        )
    for needed in sel.required_services(service):
        if needed.pk not in active:
            raise DomainError(
                "service_requires",
                _("The service «%(name)s» needs «%(other)s» connected first."),
                kind=ErrorKind.CONFLICT,
                name=service.name,
                other=needed.name,
            )
    for other in sel.excluded_services(service):
        if other.pk in active:
            raise DomainError(
                "service_excludes",
                _("The service «%(name)s» cannot be used together with «%(other)s»."),
                kind=ErrorKind.CONFLICT,
                name=service.name,
                other=other.name,
            )


check_connect = _check_connect  # public name for other apps' actions (SVC-2 rules)


def _open_product(*, order: Any, service: Service, now: datetime, settings: dict[str, Any] | None = None) -> Product:
    return Product.objects.create(
        subscriber=order.subscriber, service=service, active_from=now, settings=settings or {}
    )


def _close_product(*, subscriber: Subscriber, service: Service, now: datetime) -> None:
    product = sel.active_product(subscriber=subscriber, service=service, at=now)
    if product is not None:
        product.active_to = now
        product.save(update_fields=["active_to"])


# --- SVC-1: the tariff plan ----------------------------------------------------------------


@order_action("change_plan")
class ChangePlan(OrderAction):
    title = _("Change of the tariff plan")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Change of the tariff plan to «%(plan)s»") % {"plan": params.get("plan_name", params["plan"])}

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        code = str((params or {}).get("plan") or "").strip()
        plan = TariffPlan.objects.filter(code=code, kind=subscriber.plan.kind, is_public=True).first()
        if plan is None:
            raise DomainError("plan_unknown", _("There is no such tariff plan open for connection."), field="plan")
        return {"plan": plan.code, "plan_name": plan.name}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "plan"

    def _plan(self, params: dict[str, Any]) -> TariffPlan:
        return TariffPlan.objects.get(code=params["plan"])

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        plan = self._plan(params)
        if plan.pk == subscriber.plan_id:
            raise DomainError("plan_same", _("This is already your tariff plan."), kind=ErrorKind.CONFLICT)
        for product in sel.active_products(subscriber=subscriber, at=now):
            if product.service.kind != Service.Kind.PAUSE and not sel.plan_allows(plan=plan, service=product.service):
                raise DomainError(
                    "plan_service_conflict",
                    _("The service «%(name)s» is not available on «%(plan)s»: disconnect it first."),
                    kind=ErrorKind.CONFLICT,
                    name=product.service.name,
                    plan=plan.name,
                )

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        return to_kopecks(sel.plan_change_terms(self._plan(params)).fee)

    def scheduled_for(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> datetime:
        return sel.plan_change_moment(plan=self._plan(params), now=now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.set_plan(msisdn=order.subscriber.msisdn, plan=order.params["plan"], request_id=order_request_id(order))

    def complete(self, *, order: Any, now: datetime) -> None:
        """Close the plan period at the stated moment and open the new one: rating and the fee job
        follow ``PlanPeriod``, so each record and each day is on the plan then in force."""
        plan = self._plan(order.params)
        subscriber = order.subscriber
        switch = min(order.scheduled_for or now, now)
        current = (
            PlanPeriod.objects.filter(subscriber=subscriber, valid_to__isnull=True).order_by("-valid_from").first()
        )
        if current is not None:
            switch = max(switch, current.valid_from)
            current.valid_to = switch
            current.save(update_fields=["valid_to"])
        PlanPeriod.objects.create(subscriber=subscriber, plan=plan, valid_from=switch)
        subscriber.plan = plan
        subscriber.save(update_fields=["plan", "updated_at"])
        book_fee(
            order=order,
            amount=order.price,
            reason=operator_text(_("%(name)s: plan change fee"), name=plan.name),
            now=now,
            effective_at=switch,
        )
        order.result = {"effective_at": switch.isoformat()}


# --- SVC-2 / SVC-7: services and Mobile Internet packages -------------------------------------


class _SwitchableServiceAction(OrderAction):
    """Connect and disconnect share how a service is named and which orders they may not overlap
    with: one Mobile Internet package at a time, otherwise one order per service."""

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        service = _service((params or {}).get("service"), kinds=SWITCHABLE_KINDS)
        return {"service": service.code, "name": service.name}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        service = Service.objects.get(code=params["service"])
        return "internet" if service.kind == Service.Kind.INTERNET else f"service:{service.code}"


@order_action("connect_service")
class ConnectService(_SwitchableServiceAction):
    title = _("Connection of a service")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Connection of «%(name)s»") % {"name": params.get("name", params["service"])}

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = Service.objects.get(code=params["service"])
        if service.kind == Service.Kind.INTERNET:
            current = sel.active_of_kind(subscriber=subscriber, kind=Service.Kind.INTERNET, at=now)
            if current is not None and current.service_id != service.pk:
                raise DomainError(
                    "internet_package_active",
                    _("The package «%(name)s» is connected: change the package instead."),
                    kind=ErrorKind.CONFLICT,
                    name=current.service.name,
                )
        _check_connect(subscriber=subscriber, service=service, now=now)

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        return sel.service_price(service=Service.objects.get(code=params["service"]), now=now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.add_service(
            msisdn=order.subscriber.msisdn, service=order.params["service"], request_id=order_request_id(order)
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        """The product starts now; the fee job charges its subscription fee from ``active_from``
        (pro rata where the catalogue says so); only the connection fee is booked here."""
        service = Service.objects.get(code=order.params["service"])
        _open_product(order=order, service=service, now=now)
        book_fee(
            order=order,
            amount=sel.one_time_fee(service=service, now=now),
            reason=operator_text(_("%(name)s: connection fee"), name=service.name),
            now=now,
        )


@order_action("disconnect_service")
class DisconnectService(_SwitchableServiceAction):
    title = _("Disconnection of a service")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Disconnection of «%(name)s»") % {"name": params.get("name", params["service"])}

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = Service.objects.get(code=params["service"])
        if sel.active_product(subscriber=subscriber, service=service, at=now) is None:
            raise _not_connected_error(service)
        active = {p.service_id for p in sel.active_products(subscriber=subscriber, at=now)}
        for dependant in sel.dependants(service):
            if dependant.pk in active:
                raise DomainError(
                    "service_required_by",
                    _("«%(other)s» needs «%(name)s»: disconnect «%(other)s» first."),
                    kind=ErrorKind.CONFLICT,
                    name=service.name,
                    other=dependant.name,
                )

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.remove_service(
            msisdn=order.subscriber.msisdn, service=order.params["service"], request_id=order_request_id(order)
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        _close_product(subscriber=order.subscriber, service=Service.objects.get(code=order.params["service"]), now=now)


@order_action("internet_change")
class ChangeInternetPackage(OrderAction):
    """SVC-7: one Mobile Internet package for another, in one order."""

    title = _("Change of the Mobile Internet package")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Change of the Mobile Internet package to «%(name)s»") % {
            "name": params.get("name", params["service"])
        }

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        service = _service((params or {}).get("service"), kinds=(Service.Kind.INTERNET,))
        return {"service": service.code, "name": service.name}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "internet"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = Service.objects.get(code=params["service"])
        current = sel.active_of_kind(subscriber=subscriber, kind=Service.Kind.INTERNET, at=now)
        if current is None:
            raise DomainError(
                "internet_none", _("No Mobile Internet package is connected: connect one."), kind=ErrorKind.CONFLICT
            )
        if current.service_id == service.pk:
            raise DomainError(
                "service_connected",
                _("The service «%(name)s» is already connected."),
                kind=ErrorKind.CONFLICT,
                name=service.name,
            )
        _check_connect(subscriber=subscriber, service=service, now=now, replacing=current.service)

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        return sel.service_price(service=Service.objects.get(code=params["service"]), now=now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        msisdn = order.subscriber.msisdn
        state = network.state(msisdn=msisdn)
        for code in state["services"]:
            old = Service.objects.filter(code=code, kind=Service.Kind.INTERNET).first()
            if old is not None and code != order.params["service"]:
                network.remove_service(
                    msisdn=msisdn, service=code, request_id=order_request_id(order, f"remove:{code}")
                )
        network.add_service(msisdn=msisdn, service=order.params["service"], request_id=order_request_id(order, "add"))

    def complete(self, *, order: Any, now: datetime) -> None:
        current = sel.active_of_kind(subscriber=order.subscriber, kind=Service.Kind.INTERNET, at=now)
        if current is not None:
            current.active_to = now
            current.save(update_fields=["active_to"])
        service = Service.objects.get(code=order.params["service"])
        _open_product(order=order, service=service, now=now)
        book_fee(
            order=order,
            amount=sel.one_time_fee(service=service, now=now),
            reason=operator_text(_("%(name)s: connection fee"), name=service.name),
            now=now,
        )


# --- SVC-8: the favourite number -----------------------------------------------------------


def favourite_service() -> Service:
    # the catalogue's «Любимый номер» (code "favourite"); other favourite kinds (a favourite
    # country) are ordinary services
    favourites = Service.objects.filter(kind=Service.Kind.FAVOURITE)
    service = favourites.filter(code="favourite").first() or favourites.order_by("pk").first()
    if service is None:
        raise DomainError(
            "favourite_unavailable", _("The «Любимый номер» service is not offered."), kind=ErrorKind.CONFLICT
        )
    return service


@order_action("favourite_set")
class FavouriteSet(OrderAction):
    """Assign or change the «Любимый» number (not every plan allows it)."""

    title = _("«Любимый номер»")

    def describe(self, *, params: dict[str, Any]) -> str:
        from issa.core.phone import format_msisdn

        return gettext("«Любимый номер»: %(number)s") % {"number": format_msisdn(params["number"])}

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        number = parse_msisdn(str((params or {}).get("number") or ""))  # DomainError invalid_msisdn
        return {"number": number}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "favourite"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = favourite_service()
        if params["number"] == subscriber.msisdn:
            raise DomainError("favourite_own", _("Your own number cannot be your favourite."), field="number")
        current = sel.active_product(subscriber=subscriber, service=service, at=now)
        if current is None:
            _check_connect(subscriber=subscriber, service=service, now=now)
        elif (current.settings or {}).get("number") == params["number"]:
            raise DomainError("favourite_same", _("This number is already your favourite."), kind=ErrorKind.CONFLICT)

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        service = favourite_service()
        if sel.active_product(subscriber=subscriber, service=service, at=now) is None:
            return sel.service_price(service=service, now=now)
        return sel.one_time_fee(service=service, now=now)  # a change costs the one-time fee only

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.add_service(
            msisdn=order.subscriber.msisdn,
            service=favourite_service().code,
            settings={"number": order.params["number"]},
            request_id=order_request_id(order),
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        service = favourite_service()
        _close_product(subscriber=order.subscriber, service=service, now=now)
        _open_product(order=order, service=service, now=now, settings={"number": order.params["number"]})
        book_fee(
            order=order,
            amount=sel.one_time_fee(service=service, now=now),
            reason=f"{service.name}: {order.params['number']}",
            now=now,
        )


@order_action("favourite_cancel")
class FavouriteCancel(OrderAction):
    title = _("Cancel «Любимый номер»")

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "favourite"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = favourite_service()
        if sel.active_product(subscriber=subscriber, service=service, at=now) is None:
            raise _not_connected_error(service)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.remove_service(
            msisdn=order.subscriber.msisdn, service=favourite_service().code, request_id=order_request_id(order)
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        _close_product(subscriber=order.subscriber, service=favourite_service(), now=now)


# --- SVC-9: Pause and «Восстановить» -----------------------------------------------------------


def _pause_service() -> Service:
    service = Service.objects.filter(kind=Service.Kind.PAUSE).order_by("pk").first()
    if service is None:
        raise DomainError("pause_unavailable", _("The Pause service is not offered."), kind=ErrorKind.CONFLICT)
    return service


@order_action("pause")
class Pause(OrderAction):
    """Suspend all mobile services at the subscriber's request. Fees (the day it starts in full,
    then 50% of the plan's fee and nothing for other services) are the fee job's, read from the
    Pause product (issa/billing/fees.py)."""

    title = _("Pause")

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "pause"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        service = _pause_service()
        if sel.active_product(subscriber=subscriber, service=service, at=now) is not None:
            raise DomainError("pause_active", _("Pause is already on."), kind=ErrorKind.CONFLICT)
        if not sel.plan_allows(plan=subscriber.plan, service=service):
            raise DomainError(
                "service_not_on_plan",
                _("The service «%(name)s» is not available on the tariff plan «%(plan)s»."),
                kind=ErrorKind.CONFLICT,
                name=service.name,
                plan=subscriber.plan.name,
            )

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        return sel.one_time_fee(service=_pause_service(), now=now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.suspend(msisdn=order.subscriber.msisdn, request_id=order_request_id(order))

    def complete(self, *, order: Any, now: datetime) -> None:
        service = _pause_service()
        _open_product(order=order, service=service, now=now)
        subscriber = order.subscriber
        subscriber.status = Subscriber.Status.PAUSED
        subscriber.save(update_fields=["status", "updated_at"])
        book_fee(
            order=order,
            amount=order.price,
            reason=operator_text(_("%(name)s: connection fee"), name=service.name),
            now=now,
        )


@order_action("restore")
class Restore(OrderAction):
    title = _("Restore service")
    allowed_while_paused = True

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "pause"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        if sel.active_product(subscriber=subscriber, service=_pause_service(), at=now) is None:
            raise DomainError("pause_not_active", _("Service is not paused."), kind=ErrorKind.CONFLICT)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.resume(msisdn=order.subscriber.msisdn, request_id=order_request_id(order))

    def complete(self, *, order: Any, now: datetime) -> None:
        _close_product(subscriber=order.subscriber, service=_pause_service(), now=now)
        subscriber = order.subscriber
        if subscriber.status == Subscriber.Status.PAUSED:
            subscriber.status = Subscriber.Status.ACTIVE
            subscriber.save(update_fields=["status", "updated_at"])
