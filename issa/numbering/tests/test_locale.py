"""Every message of the numbering area has its Russian and Belarusian translation, and the pages
speak Russian by default."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "numbering"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"numbering_locale_{name}", LOCALE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_msgid_has_ru_and_be():
    table = _load("build").T
    missing = [m for m in _load("extract").msgids() if m not in table]
    assert missing == []
    assert all(ru and be for ru, be in table.values())


def test_compiled_catalogues_are_used():
    with translation.override("ru"):
        assert translation.gettext("Number mask") == "Маска номера"
        assert translation.gettext("When busy") == "Если занято"
    with translation.override("be"):
        assert translation.gettext("Number mask") == "Маска нумара"
