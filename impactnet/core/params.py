"""Query parameters of the API: parsed strictly, refused with a message naming the parameter.

The OpenAPI document states the same rule as a regular expression (:data:`DATE_PATTERN`);
tests/api/test_params.py checks, for every date of the accepted years, that the two agree.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MAX_YEARS = 20
DEFAULT_MONTHS = 12
# Plausible years: the network began in 2021; a year outside these is a typo, not a question.
FIRST_YEAR, LAST_YEAR = 2000, 2099
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")

_YEAR = "20[0-9]{2}"
_MONTH = "(0[1-9]|1[0-2])"
_MONTH_AND_DAY = (
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = "20([02468][048]|[13579][26])-02-29"  # every fourth year from 2000 (a leap year) to 2096
MONTH_PATTERN = f"^{_YEAR}-{_MONTH}$"
# YYYY-MM or an existing YYYY-MM-DD in FIRST_YEAR..LAST_YEAR: exactly what _parse accepts.
DATE_PATTERN = f"^({_YEAR}-{_MONTH}|{_YEAR}-{_MONTH_AND_DAY}|{_LEAP_DAY})$"


@dataclass(frozen=True)
class ParameterError(ValueError):
    parameter: str
    error: str  # Dutch, for the portal's own users
    error_en: str

    def as_json(self) -> dict:
        return {"error": self.error, "error_en": self.error_en, "parameter": self.parameter, "status": 400}


def _parse(name: str, raw: str, end_of_month: bool) -> date:
    if raw == "":
        # An empty value is refused rather than read as "not given": it is more likely a client's
        # unfilled template than a request for the default.
        raise ParameterError(
            name,
            f"'{name}' is leeg: laat de parameter weg of geef een datum als JJJJ-MM.",
            f"'{name}' is empty: leave the parameter out or give a date as YYYY-MM.",
        )
    match = _DATE.fullmatch(raw)
    if match is None:
        raise ParameterError(
            name,
            f"'{name}' moet een datum zijn als JJJJ-MM of JJJJ-MM-DD.",
            f"'{name}' must be a date as YYYY-MM or YYYY-MM-DD.",
        )
    year, month, day = int(match[1]), int(match[2]), match[3]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(
            name,
            f"'{name}' moet in de jaren {FIRST_YEAR} tot en met {LAST_YEAR} liggen.",
            f"'{name}' must be in the years {FIRST_YEAR} to {LAST_YEAR}.",
        )
    try:
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if end_of_month else 1)
        return date(year, month, int(day))
    except (ValueError, calendar.IllegalMonthError):
        raise ParameterError(name, f"'{name}' is geen bestaande datum.", f"'{name}' is not a valid date.") from None


def _months_before(day: date, months: int) -> date:
    index = max(day.year * 12 + day.month - 1 - months, FIRST_YEAR * 12)  # not before the first year
    return date(index // 12, index % 12 + 1, 1)


def date_range(args, today: date) -> tuple[date, date]:
    """``from`` and ``to`` (a month means its first resp. last day); by default the last 12 months.
    A parameter that is present must be a date, also when it is empty."""
    raw_from, raw_to = args.get("from"), args.get("to")
    end = _parse("to", raw_to, end_of_month=True) if raw_to is not None else today
    start = (
        _parse("from", raw_from, end_of_month=False)
        if raw_from is not None
        else _months_before(end, DEFAULT_MONTHS - 1)
    )
    if start > end:
        raise ParameterError("from", "'from' ligt na 'to'.", "'from' is after 'to'.")
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_YEARS * 12:
        raise ParameterError(
            "from",
            f"'from' ligt {MAX_YEARS} jaar of meer voor 'to': vraag minder tegelijk op.",
            f"'from' is {MAX_YEARS} years or more before 'to': ask for less at a time.",
        )
    return start, end
