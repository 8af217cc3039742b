"""Reads of the catalogue: which terms are in force when (BSS-1)."""

from __future__ import annotations

from datetime import datetime

from .models import PlanTerms, ServiceTerms


def plan_terms_at(*, plan_id: int, at: datetime) -> PlanTerms | None:
    """The plan's terms in force at ``at``: the latest ``valid_from`` not after it."""
    return PlanTerms.objects.filter(plan_id=plan_id, valid_from__lte=at).order_by("-valid_from").first()


def service_terms_at(*, service_id: int, at: datetime) -> ServiceTerms | None:
    return ServiceTerms.objects.filter(service_id=service_id, valid_from__lte=at).order_by("-valid_from").first()


def terms_locked(terms: PlanTerms | ServiceTerms, *, now: datetime) -> bool:
    """Terms that are (or were) in force are history: rating and fees used them, so they are
    never edited; a price change is a new version with a later ``valid_from``."""
    return terms.pk is not None and terms.valid_from <= now
