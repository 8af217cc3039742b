"""Writes to the number pool (SVC-6): reserve, release, hold for an order, change the number,
and the periodic releases (expired reservations, ended quarantine).

Concurrency: a reservation is one conditional ``UPDATE … WHERE msisdn = … AND (free OR expired)``;
the database lets exactly one of several simultaneous reservations of a number match (on
PostgreSQL the losers re-check the condition on the winner's row version and update nothing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issa.catalog.models import NumberCategory
from issa.core import clock, rules
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import parse_msisdn
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.subscribers.models import Subscriber

from .models import NumberAssignment, PoolNumber
from .patterns import category_of
from .selectors import available_q

State = PoolNumber.State

# SVC-5: orders (and so the reservations that lead to one) are refused while service is suspended.
SUSPENDED = (
    Subscriber.Status.PAUSED,
    Subscriber.Status.SUSPENDED_CLIENT,
    Subscriber.Status.SUSPENDED_OPERATOR,
    Subscriber.Status.CLOSED,
)


def number_taken() -> DomainError:
    return DomainError(
        "number_taken",
        _("This number has just been taken by someone else. Please choose another one."),
        kind=ErrorKind.CONFLICT,
        field="msisdn",
    )


def reservation_missing() -> DomainError:
    return DomainError(
        "number_not_reserved",
        _("Your reservation of this number has ended. Choose the number again."),
        kind=ErrorKind.CONFLICT,
        field="msisdn",
    )


def service_suspended() -> DomainError:
    return DomainError(
        "service_suspended",
        _("Orders are not accepted while service on the number is suspended."),
        kind=ErrorKind.CONFLICT,
    )


def _check_subscriber(subscriber: Subscriber) -> None:
    if subscriber.status in SUSPENDED:
        raise service_suspended()


def number_reserve(*, subscriber: Subscriber, msisdn: str, actor: Actor, now: datetime) -> PoolNumber:
    """Hold a free number for the subscriber for ``NUMBER_RESERVATION_MINUTES`` (SVC-6). Reserving
    another number gives up the previous short reservation (one at a time per subscriber)."""
    _check_subscriber(subscriber)
    msisdn = parse_msisdn(msisdn)
    if msisdn == subscriber.msisdn:
        raise DomainError("number_is_yours", _("This is already your number."), field="msisdn")
    until = now + timedelta(minutes=int(rules.get("NUMBER_RESERVATION_MINUTES")))
    with transaction.atomic():
        mine = Q(state=State.RESERVED, holder_id=subscriber.pk, order_ref="")
        won = PoolNumber.objects.filter(Q(msisdn=msisdn) & (available_q(now) | mine)).update(
            state=State.RESERVED, holder_id=subscriber.pk, reserved_until=until, order_ref="", changed_at=now
        )
        if not won:
            if not PoolNumber.objects.filter(msisdn=msisdn).exists():
                raise DomainError(
                    "number_not_offered", _("This number is not offered."), kind=ErrorKind.NOT_FOUND, field="msisdn"
                )
            raise number_taken()
        released = (
            PoolNumber.objects.filter(state=State.RESERVED, holder_id=subscriber.pk, order_ref="")
            .exclude(msisdn=msisdn)
            .update(state=State.FREE, holder=None, reserved_until=None, changed_at=now)
        )
        number = PoolNumber.objects.select_related("category").get(msisdn=msisdn)
        audit_record(
            actor=actor,
            action="number.reserve",
            now=now,
            subscriber=subscriber,
            obj=number,
            details={"msisdn": msisdn, "until": until.isoformat(), "released_others": released},
        )
    return number


def number_release(*, subscriber: Subscriber, msisdn: str, actor: Actor, now: datetime) -> None:
    """Give up one's own short reservation (not one held by an order)."""
    msisdn = parse_msisdn(msisdn)
    with transaction.atomic():
        count = PoolNumber.objects.filter(
            msisdn=msisdn, state=State.RESERVED, holder_id=subscriber.pk, order_ref=""
        ).update(state=State.FREE, holder=None, reserved_until=None, changed_at=now)
        if not count:
            raise reservation_missing()
        audit_record(actor=actor, action="number.release", now=now, subscriber=subscriber, details={"msisdn": msisdn})


def number_hold_for_order(*, subscriber: Subscriber, msisdn: str, order_ref: str, now: datetime) -> PoolNumber:
    """Turn the subscriber's live reservation into a hold for the order of number change: it no
    longer runs out by time (the order may take up to ``ORDER_EFFECT_HOURS``); the order releases
    it when it fails or is cancelled. Idempotent for the same order."""
    with transaction.atomic():
        count = (
            PoolNumber.objects.filter(msisdn=msisdn, state=State.RESERVED, holder_id=subscriber.pk)
            .filter(Q(order_ref="", reserved_until__gt=now) | Q(order_ref=order_ref))
            .update(order_ref=order_ref, reserved_until=now + timedelta(hours=int(rules.get("ORDER_EFFECT_HOURS"))))
        )
        if not count:
            raise reservation_missing()
        return PoolNumber.objects.select_related("category").get(msisdn=msisdn)


def number_hold_release(*, order_ref: str, now: datetime) -> int:
    """The order of number change failed or was cancelled: the held number is free again."""
    return PoolNumber.objects.filter(state=State.RESERVED, order_ref=order_ref).update(
        state=State.FREE, holder=None, reserved_until=None, order_ref="", changed_at=now
    )


def _category_for(msisdn: str) -> NumberCategory:
    code = category_of(msisdn)
    category = NumberCategory.objects.filter(code=code).first()
    if category is None:
        category = NumberCategory.objects.order_by("-rank").first()
    if category is None:
        raise DomainError("no_number_categories", _("The catalogue has no number categories."))
    return category


def number_change_apply(
    *, subscriber: Subscriber, new_msisdn: str, order_ref: str, actor: Actor, now: datetime
) -> tuple[str, str]:
    """Move the subscriber to the number held for the order (SVC-6): the subscriber row, the ISSA
    login, the number history; the old number goes into quarantine for ``NUMBER_QUARANTINE_DAYS``.
    Everything else (plan, services, balance, audit trail, bills, rated usage) is keyed by the
    subscriber or the account and so follows without a copy. Returns (old, new). Idempotent: a
    second call for an already moved subscriber changes nothing."""
    from issa.identity.models import User
    from issa.identity.services.accounts import user_login_change

    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().select_related("account__client").get(pk=subscriber.pk)
        if subscriber.msisdn == new_msisdn:
            return subscriber.msisdn, new_msisdn  # already done (a retried completion)
        number = PoolNumber.objects.select_for_update().filter(msisdn=new_msisdn).first()
        if number is None or number.state != State.RESERVED or number.order_ref != order_ref:
            raise reservation_missing()
        if number.holder_id != subscriber.pk:
            raise number_taken()
        old = subscriber.msisdn
        quarantine_until = now + timedelta(days=int(rules.get("NUMBER_QUARANTINE_DAYS")))
        old_row = PoolNumber.objects.select_for_update().filter(msisdn=old).first()
        if old_row is None:
            old_row = PoolNumber(msisdn=old, category=_category_for(old))
        old_row.state = State.QUARANTINE
        old_row.holder = None
        old_row.reserved_until = None
        old_row.order_ref = ""
        old_row.quarantine_until = quarantine_until
        old_row.changed_at = now
        old_row.save()

        number.state = State.ASSIGNED
        number.holder = subscriber
        number.reserved_until = None
        number.order_ref = ""
        number.changed_at = now
        number.save()

        subscriber.msisdn = new_msisdn
        subscriber.save(update_fields=["msisdn", "updated_at"])

        opened = NumberAssignment.objects.filter(subscriber=subscriber, msisdn=old, valid_to__isnull=True)
        if not opened.update(valid_to=now):
            # the number was theirs since the connection (or since the row, whichever is earlier)
            start = clock.start_of_local_day(subscriber.activated_on) if subscriber.activated_on else now
            if subscriber.created_at is not None:
                start = min(start, subscriber.created_at)
            NumberAssignment.objects.create(
                msisdn=old, subscriber=subscriber, valid_from=min(start, now), valid_to=now, order_ref=""
            )
        NumberAssignment.objects.create(msisdn=new_msisdn, subscriber=subscriber, valid_from=now, order_ref=order_ref)

        user = User.objects.filter(subscriber=subscriber).first()
        if user is not None and user.login == old:
            user_login_change(user=user, new_login=new_msisdn, actor=actor, now=now)

        audit_record(
            actor=actor,
            action="number.change",
            now=now,
            subscriber=subscriber,
            obj=number,
            details={
                "old": old,
                "new": new_msisdn,
                "order": order_ref,
                "quarantine_until": quarantine_until.isoformat(),
            },
        )
    return old, new_msisdn


def reservations_expire(*, now: datetime) -> int:
    """Periodic: short reservations that ran out become free (search already treats them so), and
    so do numbers held for an order of number change that failed or was cancelled."""
    from issa.orders.models import Order

    count = PoolNumber.objects.filter(state=State.RESERVED, order_ref="", reserved_until__lte=now).update(
        state=State.FREE, holder=None, reserved_until=None, changed_at=now
    )
    held = dict(PoolNumber.objects.filter(state=State.RESERVED).exclude(order_ref="").values_list("order_ref", "pk"))
    ids = {ref: int(ref.removeprefix("order:")) for ref in held if ref.removeprefix("order:").isdigit()}
    open_ids = set(Order.objects.filter(pk__in=ids.values(), state__in=Order.OPEN_STATES).values_list("pk", flat=True))
    for ref in held:
        if ids.get(ref) not in open_ids:
            count += number_hold_release(order_ref=ref, now=now)
    return count


def quarantine_release(*, now: datetime) -> int:
    """Periodic: numbers whose quarantine has ended are offered again (SVC-6)."""
    with transaction.atomic():
        count = PoolNumber.objects.filter(state=State.QUARANTINE, quarantine_until__lte=now).update(
            state=State.FREE, quarantine_until=None, holder=None, changed_at=now
        )
        if count:
            audit_record(
                actor=Actor.system("numbering.quarantine_release"),
                action="number.quarantine_release",
                now=now,
                details={"count": count},
            )
    return count


def pool_add(*, msisdns: list[str], now: datetime, category: NumberCategory | None = None) -> int:
    """Add numbers to the pool as free (staff, the demo loader); the category follows the pattern
    unless one is given. Numbers already in the pool or in use by a subscriber are skipped."""
    normalized = sorted({parse_msisdn(m) for m in msisdns})
    known = set(PoolNumber.objects.filter(msisdn__in=normalized).values_list("msisdn", flat=True))
    known |= set(Subscriber.objects.filter(msisdn__in=normalized).values_list("msisdn", flat=True))
    by_code = {c.code: c for c in NumberCategory.objects.all()}
    fallback = category or NumberCategory.objects.order_by("-rank").first()
    rows: list[PoolNumber] = []
    for msisdn in normalized:
        if msisdn in known:
            continue
        cat: Any = category or by_code.get(category_of(msisdn)) or fallback
        if cat is None:
            raise DomainError("no_number_categories", _("The catalogue has no number categories."))
        rows.append(PoolNumber(msisdn=msisdn, category=cat, state=State.FREE, changed_at=now))
    PoolNumber.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
