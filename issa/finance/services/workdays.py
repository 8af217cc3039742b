"""The Belarusian working-day calendar (FIN-6: a refund request is reviewed within 3 working days).

Rule: a working day is Monday to Friday that is not a public holiday or a day off moved by the
Council of Ministers, plus the Saturdays made working days by those transfers. All of this comes
from the pinned ``holidays`` package (``country_holidays("BY")``: holidays, "Day off (substituted
from …)" and ``weekend_workdays`` such as Saturday 11.01.2025 and 25.04.2026). The due date is the
N-th working day after the day of submission (Europe/Minsk), so a request made on a Friday before a
holiday Monday is due on the third working day that follows.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import holidays


@lru_cache(maxsize=8)
def _calendar(first_year: int) -> Any:
    return holidays.country_holidays("BY", years=range(first_year, first_year + 3))


def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after ``day`` (``day`` itself is not counted)."""
    return _calendar(day.year).get_nth_working_day(day, n)
