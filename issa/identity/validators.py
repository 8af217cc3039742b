"""The password policy in one place (AUTH-3, AUTH-8): the operator's 5–10 letters or digits by
default, because USSD must accept the same password; a stricter ASVS setting on request."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from issa.core import rules


class OperatorPasswordValidator:
    def _bounds(self) -> tuple[int, int, bool]:
        if rules.get("PASSWORD_STRICT"):
            return 8, 64, True
        return int(rules.get("PASSWORD_MIN_LENGTH")), int(rules.get("PASSWORD_MAX_LENGTH")), False

    def validate(self, password: str, user: object = None) -> None:
        low, high, strict = self._bounds()
        if not low <= len(password) <= high:
            raise ValidationError(
                _("The password must be %(min)d to %(max)d characters long.") % {"min": low, "max": high},
                code="password_length",
            )
        if not strict and not re.fullmatch(r"[0-9A-Za-zА-Яа-яЁёІіЎў]+", password):
            raise ValidationError(_("The password may contain only letters and digits."), code="password_chars")

    def get_help_text(self) -> str:
        low, high, strict = self._bounds()
        if strict:
            return _("%(min)d to %(max)d characters.") % {"min": low, "max": high}
        return _("%(min)d to %(max)d letters or digits.") % {"min": low, "max": high}
