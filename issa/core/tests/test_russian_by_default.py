"""Russian by default, Belarusian too: every message marked for translation in our code and
templates has a Russian and a Belarusian translation in some area's catalogue, apart from the
few that read the same (acronyms, a format, text already in Russian). Found with Django's own
``makemessages`` on a copy of the sources, so a new English string on a page fails here instead
of reaching a subscriber."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

ISSA = Path(__file__).resolve().parents[2]
SAME_IN_RUSSIAN = {
    "E-mail",
    "e-mail",
    "SMS",
    "MMS",
    "API",
    "USSD",
    "ICCID",
    "SHA-256",
    "%(role)s %(number)s",
    "«Любимый номер»: %(number)s",
    "Регистрация по PUK1",
}


def _string(lines: list[str], key: str) -> str | None:
    parts = [line[len(key) + 1 :] for line in lines if line.startswith(f"{key} ")]
    if not parts:
        return None
    start = lines.index(f"{key} {parts[0]}")
    for line in lines[start + 1 :]:
        if not line.startswith('"'):
            break
        parts.append(line)
    return "".join(ast.literal_eval(part) for part in parts)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (Debian's gettext)")
@pytest.mark.parametrize("language", ["ru", "be"])
def test_every_message_has_a_russian_and_a_belarusian_translation(language: str, tmp_path: Path):
    copy = tmp_path / "issa"
    shutil.copytree(
        ISSA, copy, ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "static", "migrations", "*.pyc")
    )
    (copy / "locale").mkdir()
    subprocess.run(  # noqa: S603 - Django's own command on a copy of our sources
        [sys.executable, "-m", "django", "makemessages", "-l", language, "--no-wrap", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ISSA.parent)},
    )
    catalogue = (copy / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert 'msgid "Who is signed in"' in catalogue  # the sources were read (templates too)
    assert catalogue.count("\nmsgid ") > 1000
    missing = []
    with translation.override(language):
        for entry in catalogue.split("\n\n")[1:]:
            lines = entry.strip().split("\n")
            msgid, context = _string(lines, "msgid"), _string(lines, "msgctxt")
            if not msgid or _string(lines, "msgid_plural") is not None or msgid in SAME_IN_RUSSIAN:
                continue
            translated = pgettext(context, msgid) if context else gettext(msgid)
            if translated == msgid and re.search(r"[A-Za-z]{3}", msgid):
                missing.append(msgid if context is None else f"{context}: {msgid}")
    assert missing == []
