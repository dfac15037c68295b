"""Query parameters of the API: parsed strictly, refused with a message naming the parameter."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MAX_YEARS = 20
DEFAULT_MONTHS = 12
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


@dataclass(frozen=True)
class ParameterError(ValueError):
    parameter: str
    error: str  # Dutch, for the portal's own users
    error_en: str

    def as_json(self) -> dict:
        return {"error": self.error, "error_en": self.error_en, "parameter": self.parameter, "status": 400}


def _parse(name: str, raw: str, end_of_month: bool) -> date:
    match = _DATE.fullmatch(raw)
    if match is None:
        raise ParameterError(name, f"'{name}' moet een datum zijn als JJJJ-MM of JJJJ-MM-DD.",
                             f"'{name}' must be a date as YYYY-MM or YYYY-MM-DD.")
    year, month, day = int(match[1]), int(match[2]), match[3]
    try:
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if end_of_month else 1)
        return date(year, month, int(day))
    except (ValueError, calendar.IllegalMonthError):
        raise ParameterError(name, f"'{name}' is geen bestaande datum.", f"'{name}' is not a valid date.") from None


def _months_before(day: date, months: int) -> date:
    index = max(day.year * 12 + day.month - 1 - months, 12)  # not before the year 1
    return date(index // 12, index % 12 + 1, 1)


def date_range(args, today: date) -> tuple[date, date]:
    """``from`` and ``to`` (a month means its first resp. last day); by default the last 12 months."""
    raw_from, raw_to = args.get("from"), args.get("to")
    end = _parse("to", raw_to, end_of_month=True) if raw_to else today
    start = _parse("from", raw_from, end_of_month=False) if raw_from else _months_before(end, DEFAULT_MONTHS - 1)
    if start > end:
        raise ParameterError("from", "'from' ligt na 'to'.", "'from' is after 'to'.")
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_YEARS * 12:
        raise ParameterError("from", f"'from' ligt {MAX_YEARS} jaar of meer voor 'to': vraag minder tegelijk op.",
                             f"'from' is {MAX_YEARS} years or more before 'to': ask for less at a time.")
    return start, end
