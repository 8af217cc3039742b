"""Areas whose catalogues are written from a translation table (``issa/locale/<area>/…/build.py``):
the committed .po files are exactly what the table writes. A message added to a .po by hand and
not to the table would be lost at the next rebuild (this happened to «Order not completed»)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
SCRIPTS = sorted(LOCALE.glob("*/build.py")) + sorted(LOCALE.glob("*/tools/build.py"))


def _area(script: Path) -> Path:
    return script.parent if script.parent.parent == LOCALE else script.parent.parent


def test_there_are_tables_to_check():
    assert {_area(s).name for s in SCRIPTS} >= {"finance", "identity", "numbering", "orders"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: _area(s).name)
def test_the_table_writes_the_committed_catalogues(script: Path, tmp_path: Path):
    area = _area(script)
    copy = tmp_path / area.name
    shutil.copytree(area, copy)
    subprocess.run(  # noqa: S603 - our own script, on a copy of its area
        [sys.executable, str(copy / script.relative_to(area))], cwd=tmp_path, check=True, capture_output=True
    )
    for language in ("ru", "be"):
        written = (copy / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        committed = (area / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        assert written == committed, f"{area.name}/{language}: the .po differs from what build.py writes"
