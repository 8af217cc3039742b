"""A ledger entry's «основание» is written in the operator's language whatever the language of
the request that caused it (issa.core.texts)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from issa.core.texts import operator_text


def test_operator_text_is_russian_under_an_english_or_belarusian_request():
    for language in ("en", "be", "ru"):
        with translation.override(language):
            assert operator_text(_("Usage, %(label)s"), label="f.cdr #1") == "Услуги связи, f.cdr #1"
            assert operator_text(_("Promised payment")) == "Обещанный платёж"
            assert translation.get_language() == language  # the request's language is left as it was
    pause = _("%(name)s: Pause %(day)s, %(percent)s%% of the day's fee returned")
    text = operator_text(pause, name="Смарт", day="01.11.2026", percent=50)
    assert text == "Смарт: Пауза 01.11.2026, возвращено 50% платы за день"


@pytest.mark.django_db
def test_a_usage_charge_booked_during_an_english_request_has_a_russian_reason(tmp_path):
    from issa.billing.models import LedgerEntry
    from issa.testing.factories import subscriber_with_balance
    from issa.usage.tests.helpers import MIN, import_lines, line, priced_plan

    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=0, sms=0, data_bytes=0)
    sub = subscriber_with_balance(10_000, plan=terms.plan, now=datetime(2026, 11, 1, tzinfo=UTC))
    call = line("c1", sub.msisdn, "voice", datetime(2026, 11, 10, 7, 0, tzinfo=UTC), MIN, destination="offnet")
    with translation.override("en"):
        import_lines(tmp_path, [call], now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), name="MSC1-20261110.cdr")
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.USAGE)
    assert entry.reason == "Услуги связи, MSC1-20261110.cdr #1"
    assert entry.amount == -20
