"""Catalogue changes (BSS-1): a price change is a new version of the terms, never an edit of the
terms in force, so nothing already rated or charged is re-priced."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.core.errors import DomainError, ErrorKind
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .models import Allowance, PlanTerms, ServiceTerms, UsagePrice


def _check_future(valid_from: datetime, now: datetime) -> None:
    if valid_from <= now:
        raise DomainError(
            "terms_in_the_past",
            _("A new version of the terms must start in the future: terms in force are never changed."),
            field="valid_from",
        )


def plan_terms_new_version(*, terms: PlanTerms, valid_from: datetime, actor: Actor, now: datetime) -> PlanTerms:
    """Copy ``terms`` with its usage prices and allowances as a new version from ``valid_from``;
    staff then edit the copy's prices before it comes into force."""
    _check_future(valid_from, now)
    if PlanTerms.objects.filter(plan_id=terms.plan_id, valid_from=valid_from).exists():
        raise DomainError("terms_exist", _("The plan already has terms from this moment."), kind=ErrorKind.CONFLICT)
    with transaction.atomic():
        copy = PlanTerms.objects.create(
            plan_id=terms.plan_id,
            valid_from=valid_from,
            fee=terms.fee,
            fee_discount=terms.fee_discount,
            voice_rounding=terms.voice_rounding,
            data_unit_kb=terms.data_unit_kb,
        )
        UsagePrice.objects.bulk_create(
            UsagePrice(terms=copy, kind=p.kind, destination=p.destination, outgoing=p.outgoing, unit_price=p.unit_price)
            for p in terms.prices.all()
        )
        Allowance.objects.bulk_create(
            Allowance(plan_terms=copy, kind=a.kind, destinations=a.destinations, quantity=a.quantity)
            for a in terms.allowances.all()
        )
        audit_record(actor=actor, action="catalog.plan_terms_versioned", now=now, obj=copy, details={"from": terms.pk})
    return copy


def service_terms_new_version(
    *, terms: ServiceTerms, valid_from: datetime, actor: Actor, now: datetime
) -> ServiceTerms:
    _check_future(valid_from, now)
    if ServiceTerms.objects.filter(service_id=terms.service_id, valid_from=valid_from).exists():
        raise DomainError("terms_exist", _("The service already has terms from this moment."), kind=ErrorKind.CONFLICT)
    with transaction.atomic():
        copy = ServiceTerms.objects.create(
            service_id=terms.service_id,
            valid_from=valid_from,
            fee=terms.fee,
            fee_period=terms.fee_period,
            one_time_fee=terms.one_time_fee,
            pro_rata=terms.pro_rata,
        )
        Allowance.objects.bulk_create(
            Allowance(service_terms=copy, kind=a.kind, destinations=a.destinations, quantity=a.quantity)
            for a in terms.allowances.all()
        )
        audit_record(
            actor=actor, action="catalog.service_terms_versioned", now=now, obj=copy, details={"from": terms.pk}
        )
    return copy
