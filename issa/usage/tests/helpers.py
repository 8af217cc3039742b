"""Shared test helpers for usage and rating: a priced plan, files of records, quick imports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from issa.catalog.models import Allowance, PlanTerms, ServiceTerms, TariffPlan, UsagePrice
from issa.identity.actor import Actor
from issa.testing.factories import PlanTermsFactory, ServiceFactory, TariffPlanFactory
from issa.usage.format import format_line, header_line
from issa.usage.services import usage_import_file

ACTOR = Actor.system("tests")
MIN = 60
MB = 1024 * 1024

PRICES = {
    ("voice", "onnet", True): "0.1000",
    ("voice", "offnet", True): "0.2000",
    ("voice", "fixed", True): "0.1500",
    ("voice", "intl_europe", True): "1.2000",
    ("voice", "roaming_1", True): "1.5000",
    ("voice", "roaming_1", False): "0.5000",
    ("sms", "onnet", True): "0.0500",
    ("sms", "offnet", True): "0.0800",
    ("mms", "onnet", True): "0.2500",
    ("data", "home", True): "0.5000",
    ("data", "roaming_1", True): "5.0000",
}


def priced_plan(
    *,
    code: str = "smart",
    valid_from: datetime,
    rounding: str = PlanTerms.VoiceRounding.PER_SECOND,
    data_unit_kb: int = 100,
    voice_seconds: int = 100 * MIN,
    sms: int = 50,
    data_bytes: int = 1024 * MB,
    prices: dict[tuple[str, str, bool], str] | None = None,
    plan: TariffPlan | None = None,
) -> PlanTerms:
    """A plan (or a new price version of ``plan``) with the prices above and its allowances."""
    plan = plan or TariffPlanFactory(code=code, name=f"Тариф {code}")
    terms = PlanTermsFactory(plan=plan, valid_from=valid_from, voice_rounding=rounding, data_unit_kb=data_unit_kb)
    for (kind, dest, outgoing), price in (prices or PRICES).items():
        UsagePrice.objects.create(
            terms=terms, kind=kind, destination=dest, outgoing=outgoing, unit_price=Decimal(price)
        )
    if voice_seconds:
        Allowance.objects.create(plan_terms=terms, kind="voice", quantity=voice_seconds)
    if sms:
        Allowance.objects.create(plan_terms=terms, kind="sms", quantity=sms)
    if data_bytes:
        Allowance.objects.create(plan_terms=terms, kind="data", destinations=["home"], quantity=data_bytes)
    return terms


def package(
    *,
    code: str,
    valid_from: datetime,
    kind: str = "voice",
    quantity: int = 30 * MIN,
    destinations: list[str] | None = None,
) -> ServiceTerms:
    service = ServiceFactory(code=code, name=f"Пакет {code}", kind="package")
    terms = ServiceTerms.objects.create(
        service=service, valid_from=valid_from, fee=Decimal("3.00"), fee_period=ServiceTerms.FeePeriod.MONTHLY
    )
    Allowance.objects.create(service_terms=terms, kind=kind, destinations=destinations or [], quantity=quantity)
    return terms


def line(rid: str, msisdn: str, kind: str, start: datetime, amount: int = 0, **kw: Any) -> str:
    return format_line(record_id=rid, msisdn=msisdn, kind=kind, start=start, amount=amount, **kw)


def write_file(path: Path, lines: Iterable[str], *, source: str = "MSC1") -> Path:
    path.write_text("\n".join([header_line(source), *lines]) + "\n", encoding="utf-8")
    return path


def import_lines(
    tmp_path: Path, lines: Iterable[str], *, now: datetime, name: str = "f.cdr", source: str = "MSC1", **kw: Any
) -> Any:
    path = write_file(tmp_path / name, lines, source=source)
    return usage_import_file(path, now=now, actor=ACTOR, **kw)
