"""The portal's and core's catalogues: complete, compiled, and used (Russian first, then be, en)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from issa.core.money import format_byn
from issa.customers.models import Account
from issa.notifications.models import SmsMessage
from issa.subscribers.models import Subscriber

LOCALE = Path(settings.BASE_DIR) / "issa" / "locale"
CATALOGUES = [LOCALE / area / lang / "LC_MESSAGES" for area in ("portal", "core") for lang in ("ru", "be")]


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a simple .po file (no plurals, no contexts: ours have none)."""
    entries: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r'^msgid "(.*)"\nmsgstr "(.*)"$', re.M)
    for msgid, msgstr in pattern.findall(text):
        if msgid:
            unescape = lambda s: s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")  # noqa: E731
            entries[unescape(msgid)] = unescape(msgstr)
    return entries


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: f"{p.parts[-3]}-{p.parts[-2]}")
def test_catalogue_is_complete_and_its_mo_is_compiled_from_it(folder: Path) -> None:
    entries = parse_po(folder / "django.po")
    assert len(entries) > 50
    assert all(entries.values()), [k for k, v in entries.items() if not v]
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in entries.items():
        assert compiled.gettext(msgid) == msgstr, msgid


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", "Баланс: 12,34\u00a0руб."), ("be", "Баланс: 12,34\u00a0руб.")]
)
def test_ussd_balance_message_is_translated(language: str, expected: str) -> None:
    with translation.override(language):
        assert _("Balance: %(amount)s") % {"amount": format_byn(1234, language)} == expected


def test_spine_model_labels_are_russian() -> None:
    with translation.override("ru"):
        assert str(Subscriber._meta.verbose_name) == "абонент"
        assert str(Subscriber.Status.PAUSED.label).startswith("Обслуживание приостановлено")
        assert str(Account.PaymentMethod.PREPAID.label) == "Авансовый"
        assert str(SmsMessage._meta.verbose_name_plural) == "SMS-сообщения"
    with translation.override("be"):
        assert str(Subscriber._meta.verbose_name) == "абанент"
    with translation.override("en"):
        assert str(Subscriber._meta.verbose_name) == "subscriber"
