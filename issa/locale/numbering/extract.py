"""The msgids of the numbering area's own files (Python by ``ast``, templates by the translate
tags), so that ``build.py``'s table can be checked for completeness (a test does). Run from the
repository root to list them: ``.venv/bin/python issa/locale/numbering/extract.py``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PY = [
    "issa/numbering/models.py",
    "issa/numbering/patterns.py",
    "issa/numbering/services.py",
    "issa/numbering/selectors.py",
    "issa/numbering/features.py",
    "issa/numbering/actions.py",
    "issa/numbering/apps.py",
    "issa/numbering/api.py",
    "issa/numbering/ussd.py",
    "issa/portal/views/numbering.py",
]
# identity's user_login_change (the one edit of identity this area made) — its two messages
EXTRA = ["The new login is not valid.", "This login is already in use."]
TEMPLATE_DIR = "issa/portal/templates/portal/numbering"
FUNCS = {"_", "gettext", "gettext_lazy"}
TRANSLATE = re.compile(r"""\{%\s*translate\s+(?P<q>["'])(?P<text>.*?)(?P=q)""", re.S)
BLOCK = re.compile(r"\{%\s*blocktranslate\b.*?%\}(?P<text>.*?)\{%\s*endblocktranslate\s*%\}", re.S)
VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def python_msgids(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        arg = node.args[0]
        if name in FUNCS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append(arg.value)
    return found


def template_msgids(text: str) -> list[str]:
    found = [m.group("text") for m in TRANSLATE.finditer(text)]
    found.extend(
        VAR.sub(lambda v: f"%({v.group(1)})s", m.group("text").replace("%", "%%")) for m in BLOCK.finditer(text)
    )
    return found


def msgids() -> list[str]:
    seen: dict[str, None] = {}
    for name in PY:
        path = ROOT / name
        if path.exists():
            seen.update(dict.fromkeys(python_msgids(path)))
    for template in sorted((ROOT / TEMPLATE_DIR).glob("*.html")):
        seen.update(dict.fromkeys(template_msgids(template.read_text(encoding="utf-8"))))
    seen.update(dict.fromkeys(EXTRA))
    return [m for m in seen if m.strip()]


if __name__ == "__main__":
    for msgid in msgids():
        print(repr(msgid))
