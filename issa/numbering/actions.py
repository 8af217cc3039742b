"""Order actions of the number and its features (BSS-6), plugged into ``issa.orders``:

* ``change_number`` (SVC-6): to a number the subscriber reserved; the category's price is a
  one-time fee; the old number goes into quarantine.
* ``forwarding_set`` / ``forwarding_cancel`` (SVC-11): one condition at a time (or all, to cancel).
* ``voicemail_connect`` / ``voicemail_disconnect`` / ``voicemail_email_set`` /
  ``voicemail_email_cancel`` (SVC-12): the package «Плюс» and the address for copies.
* ``settings_send`` (SVC-10): settings over the air are a network operation (BSS-6), so they are
  an order too; when it completes, the SMS with the settings leaves for the handset.

Every action's ``provision`` sends the network the whole settings of the service (``add_service``
replaces them), computed from our own state, so a retried or repeated order converges.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import Service
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import format_msisdn, parse_msisdn
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.orders import selectors as order_sel
from issa.orders.actions import OrderAction, book_fee, order_action
from issa.orders.network import NetworkAdapter, order_request_id
from issa.subscribers.models import Product, Subscriber

from . import features, selectors, services
from .models import PoolNumber

# --- SVC-6: change of number ---------------------------------------------------------------


def order_ref(order: Any) -> str:
    return f"order:{order.pk}"


def _held_number(*, subscriber: Subscriber, msisdn: str, now: datetime) -> PoolNumber:
    """The number must be the subscriber's: a live reservation, or held by their open order."""
    from issa.orders.models import Order

    number = PoolNumber.objects.select_related("category").filter(msisdn=msisdn).first()
    if number is None or number.state != PoolNumber.State.RESERVED or number.holder_id != subscriber.pk:
        raise services.reservation_missing()
    if number.order_ref:
        order_id = number.order_ref.removeprefix("order:")
        if not Order.objects.filter(
            pk=int(order_id) if order_id.isdigit() else 0, subscriber_id=subscriber.pk, state__in=Order.OPEN_STATES
        ).exists():
            raise services.reservation_missing()
    elif number.reserved_until is None or number.reserved_until <= now:
        raise services.reservation_missing()
    return number


@order_action("change_number")
class ChangeNumber(OrderAction):
    title = _("Change of the number")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Change of the number to %(number)s") % {"number": format_msisdn(params["msisdn"])}

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        """Only at submit: the own number is refused here (``validate`` lets it pass afterwards)."""
        params = params or {}
        msisdn = parse_msisdn(str(params.get("msisdn") or params.get("number") or ""))  # the portal posts "number"
        if msisdn == subscriber.msisdn:
            raise DomainError("number_is_yours", _("This is already your number."), field="msisdn")
        return {"msisdn": msisdn}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "number"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        if params["msisdn"] == subscriber.msisdn:
            return  # completed already (the worker re-checks after a crash between steps)
        _held_number(subscriber=subscriber, msisdn=params["msisdn"], now=now)
        from issa.identity.models import User

        if User.objects.filter(login=params["msisdn"]).exclude(subscriber_id=subscriber.pk).exists():
            # a login left by the number's former holder: the login could not follow, so refuse
            # here rather than fail after the network has moved the SIM
            raise services.number_taken()

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        number = PoolNumber.objects.select_related("category").filter(msisdn=params["msisdn"]).first()
        return selectors.category_price_kopecks(number.category) if number is not None else 0

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        """First the reservation becomes the order's hold (it no longer runs out in 15 minutes
        while the network works and retries), then the network moves the SIM."""
        from issa.core import clock

        subscriber = order.subscriber
        new = order.params["msisdn"]
        if subscriber.msisdn == new:
            return
        services.number_hold_for_order(subscriber=subscriber, msisdn=new, order_ref=order_ref(order), now=clock.now())
        network.change_msisdn(msisdn=subscriber.msisdn, new=new, request_id=order_request_id(order))

    def complete(self, *, order: Any, now: datetime) -> None:
        from issa.notifications.services import sms_send

        subscriber = order.subscriber
        number = PoolNumber.objects.select_related("category").get(msisdn=order.params["msisdn"])
        old, new = services.number_change_apply(
            subscriber=subscriber,
            new_msisdn=order.params["msisdn"],
            order_ref=order_ref(order),
            actor=Actor.system("orders worker"),
            now=now,
        )
        subscriber.refresh_from_db()
        order.subscriber = subscriber
        book_fee(
            order=order,
            amount=order.price,
            reason=operator_text(_("Number %(number)s (%(category)s)"), number=new, category=number.category.name),
            now=now,
            step="number",
        )
        order.result = {"old": old, "new": new, "category": number.category.code}
        with translation.override("ru"):
            text = gettext("Your number is now %(new)s. Your ISSA login is the new number; the password is the same.")
        sms_send(msisdn=new, text=text % {"new": format_msisdn(new)}, kind="notice", now=now)


# --- SVC-11: call forwarding ---------------------------------------------------------------


def _forwarding_allowed(subscriber: Subscriber) -> Service:
    service = features.forwarding_service()
    if not order_sel.plan_allows(plan=subscriber.plan, service=service):
        raise DomainError(
            "service_not_on_plan",
            _("The service «%(name)s» is not available on the tariff plan «%(plan)s»."),
            kind=ErrorKind.CONFLICT,
            name=service.name,
            plan=subscriber.plan.name,
        )
    return service


def _put_settings(*, order: Any, service: Service, settings: dict[str, Any], now: datetime, fee_reason: str) -> None:
    """Our side of a settings change: the open product's settings are replaced in place (a new
    product period would restart its fees), opened when missing, closed when emptied."""
    product = features.open_product(subscriber=order.subscriber, service_code=service.code, now=now)
    if product is None:
        if settings:
            Product.objects.create(subscriber=order.subscriber, service=service, active_from=now, settings=settings)
            book_fee(order=order, amount=order_sel.one_time_fee(service=service, now=now), reason=fee_reason, now=now)
        return
    if settings:
        product.settings = settings
        product.save(update_fields=["settings"])
    else:
        product.active_to = now
        product.save(update_fields=["active_to"])


def _push(*, network: NetworkAdapter, order: Any, service: str, settings: dict[str, Any]) -> None:
    msisdn = order.subscriber.msisdn
    if settings:
        network.add_service(msisdn=msisdn, service=service, settings=settings, request_id=order_request_id(order))
    else:
        network.remove_service(msisdn=msisdn, service=service, request_id=order_request_id(order))


@order_action("forwarding_set")
class ForwardingSet(OrderAction):
    title = _("Call forwarding")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Call forwarding %(condition)s to %(number)s") % {
            "condition": str(features.Condition(params["condition"]).label).lower(),
            "number": format_msisdn(params["number"]),
        }

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        params = params or {}
        return {
            "condition": features.parse_condition(params.get("condition")),
            "number": features.parse_forwarding_target(params.get("number"), subscriber=subscriber),
        }

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "forwarding"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        _forwarding_allowed(subscriber)
        current = features.forwarding_state(subscriber=subscriber, now=now)
        if current.get(params["condition"]) == params["number"]:
            raise DomainError(
                "forwarding_same", _("Calls are already forwarded there on this condition."), kind=ErrorKind.CONFLICT
            )

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        if features.forwarding_state(subscriber=subscriber, now=now):
            return 0
        return order_sel.service_price(service=features.forwarding_service(), now=now)

    def _target(self, order: Any, now: datetime) -> dict[str, Any]:
        current = features.forwarding_state(subscriber=order.subscriber, now=now)
        return {**current, order.params["condition"]: order.params["number"]}

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        from issa.core import clock

        _push(
            network=network, order=order, service=features.FORWARDING_SERVICE, settings=self._target(order, clock.now())
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        service = features.forwarding_service()
        _put_settings(order=order, service=service, settings=self._target(order, now), now=now, fee_reason=service.name)


@order_action("forwarding_cancel")
class ForwardingCancel(OrderAction):
    title = _("Cancel call forwarding")

    def describe(self, *, params: dict[str, Any]) -> str:
        if params["condition"] == "all":
            return gettext("Cancel all call forwarding")
        return gettext("Cancel call forwarding %(condition)s") % {
            "condition": str(features.Condition(params["condition"]).label).lower()
        }

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        raw = str((params or {}).get("condition") or "").strip()
        return {"condition": "all" if raw == "all" else features.parse_condition(raw)}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "forwarding"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        current = features.forwarding_state(subscriber=subscriber, now=now)
        if not current or (params["condition"] != "all" and params["condition"] not in current):
            raise DomainError(
                "forwarding_not_set", _("Call forwarding is not set on this condition."), kind=ErrorKind.CONFLICT
            )

    def _target(self, order: Any, now: datetime) -> dict[str, Any]:
        if order.params["condition"] == "all":
            return {}
        current = features.forwarding_state(subscriber=order.subscriber, now=now)
        current.pop(order.params["condition"], None)
        return dict(current)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        from issa.core import clock

        _push(
            network=network, order=order, service=features.FORWARDING_SERVICE, settings=self._target(order, clock.now())
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        service = features.forwarding_service()
        _put_settings(order=order, service=service, settings=self._target(order, now), now=now, fee_reason=service.name)


# --- SVC-12: voicemail «Плюс» --------------------------------------------------------------


def _voicemail_connected(subscriber: Subscriber, now: datetime) -> Product:
    product = features.open_product(subscriber=subscriber, service_code=features.VOICEMAIL_PLUS_SERVICE, now=now)
    if product is None:
        service = features.voicemail_plus_service()
        raise DomainError(
            "service_not_connected",
            _("The service «%(name)s» is not connected."),
            kind=ErrorKind.CONFLICT,
            name=service.name,
        )
    return product


@order_action("voicemail_connect")
class VoicemailConnect(OrderAction):
    title = _("Connection of voicemail «Плюс»")

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "voicemail"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        from issa.orders.actions import check_connect  # the catalogue's compatibility rules (SVC-2)

        check_connect(subscriber=subscriber, service=features.voicemail_plus_service(), now=now)

    def price(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> int:
        return order_sel.service_price(service=features.voicemail_plus_service(), now=now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.add_service(
            msisdn=order.subscriber.msisdn,
            service=features.VOICEMAIL_PLUS_SERVICE,
            settings={},
            request_id=order_request_id(order, "add"),
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        service = features.voicemail_plus_service()
        if features.open_product(subscriber=order.subscriber, service_code=service.code, now=now) is None:
            Product.objects.create(subscriber=order.subscriber, service=service, active_from=now, settings={})
        book_fee(
            order=order,
            amount=order_sel.one_time_fee(service=service, now=now),
            reason=operator_text(_("%(name)s: connection fee"), name=service.name),
            now=now,
        )


@order_action("voicemail_disconnect")
class VoicemailDisconnect(OrderAction):
    title = _("Disconnection of voicemail «Плюс»")

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "voicemail"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        _voicemail_connected(subscriber, now)

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.remove_service(
            msisdn=order.subscriber.msisdn, service=features.VOICEMAIL_PLUS_SERVICE, request_id=order_request_id(order)
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        product = features.open_product(
            subscriber=order.subscriber, service_code=features.VOICEMAIL_PLUS_SERVICE, now=now
        )
        if product is not None:
            product.active_to = now
            product.save(update_fields=["active_to"])


@order_action("voicemail_email_set")
class VoicemailEmailSet(OrderAction):
    title = _("E-mail for copies of voice messages")

    def describe(self, *, params: dict[str, Any]) -> str:
        return gettext("Copies of voice messages to %(email)s") % {"email": params["email"]}

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        return {"email": features.parse_email((params or {}).get("email"))}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "voicemail"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        product = _voicemail_connected(subscriber, now)
        if (product.settings or {}).get("email") == params["email"]:
            raise DomainError(
                "voicemail_email_same", _("Copies already go to this address."), kind=ErrorKind.CONFLICT, field="email"
            )

    def _target(self, order: Any, now: datetime) -> dict[str, Any]:
        product = _voicemail_connected(order.subscriber, now)
        return {**(product.settings or {}), "email": order.params["email"]}

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        from issa.core import clock

        _push(
            network=network,
            order=order,
            service=features.VOICEMAIL_PLUS_SERVICE,
            settings=self._target(order, clock.now()),
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        from issa.notifications.services import email_send

        product = _voicemail_connected(order.subscriber, now)
        product.settings = self._target(order, now)
        product.save(update_fields=["settings"])
        with translation.override("ru"):
            subject = gettext("Copies of voice messages")
            body = gettext(
                "Copies of the voice messages left for %(number)s will come to this address. "
                "If you did not ask for it, call %(centre)s."
            )
        from issa.core import rules

        number = format_msisdn(order.subscriber.msisdn)
        email_send(
            to=[order.params["email"]],
            subject=subject,
            body=body % {"number": number, "centre": rules.get("CONTACT_CENTRE")},
        )


@order_action("voicemail_email_cancel")
class VoicemailEmailCancel(OrderAction):
    title = _("Stop copies of voice messages by e-mail")

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "voicemail"

    def validate(self, *, subscriber: Subscriber, params: dict[str, Any], now: datetime) -> None:
        product = _voicemail_connected(subscriber, now)
        if not (product.settings or {}).get("email"):
            raise DomainError(
                "voicemail_email_not_set", _("No address for copies is set."), kind=ErrorKind.CONFLICT, field="email"
            )

    def _target(self, order: Any, now: datetime) -> dict[str, Any]:
        product = _voicemail_connected(order.subscriber, now)
        return {k: v for k, v in (product.settings or {}).items() if k != "email"}

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        from issa.core import clock

        network.add_service(
            msisdn=order.subscriber.msisdn,
            service=features.VOICEMAIL_PLUS_SERVICE,
            settings=self._target(order, clock.now()),
            request_id=order_request_id(order),
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        product = _voicemail_connected(order.subscriber, now)
        product.settings = self._target(order, now)
        product.save(update_fields=["settings"])


# --- SVC-10: phone settings by SMS ---------------------------------------------------------


@order_action("settings_send")
class SettingsSend(OrderAction):
    title = _("Phone settings by SMS")

    def describe(self, *, params: dict[str, Any]) -> str:
        names = ", ".join(str(features.SettingsKind(k).label) for k in params["kinds"])
        return gettext("Phone settings by SMS: %(what)s") % {"what": names}

    def clean(self, *, subscriber: Subscriber, params: dict[str, Any]) -> dict[str, Any]:
        return {"kinds": features.parse_settings_kinds((params or {}).get("kinds"))}

    def lock_key(self, *, params: dict[str, Any]) -> str:
        return "settings"

    def provision(self, *, network: NetworkAdapter, order: Any) -> None:
        network.send_settings(
            msisdn=order.subscriber.msisdn, kinds=list(order.params["kinds"]), request_id=order_request_id(order)
        )

    def complete(self, *, order: Any, now: datetime) -> None:
        from issa.notifications.services import sms_send

        with translation.override("ru"):
            for kind in order.params["kinds"]:
                sms_send(
                    msisdn=order.subscriber.msisdn, text=features.settings_sms_text(kind), kind="settings", now=now
                )
