"""The series' date parameters: the OpenAPI document's pattern says exactly what the code accepts."""

import re
from datetime import date
from itertools import product

import pytest

from impactnet.core.params import DATE_PATTERN, FIRST_YEAR, LAST_YEAR, MONTH_PATTERN, ParameterError, date_range

TODAY = date(2025, 6, 15)


def test_the_document_pattern_matches_exactly_the_dates_the_code_accepts():
    # Every YYYY-MM and YYYY-MM-DD shape over 00-13 months and 00-32 days, in and just around the
    # accepted years: 100,000 strings, each judged by the document and by the code.
    years = [f"{year:04d}" for year in (0, 1, 1999, 2100, 9999, *range(FIRST_YEAR, LAST_YEAR + 1))]
    months = [f"{month:02d}" for month in range(14)]
    days = [f"{day:02d}" for day in range(33)]
    pattern = re.compile(DATE_PATTERN)
    disagreements = []
    for year, month in product(years, months):
        for value in [f"{year}-{month}"] + [f"{year}-{month}-{day}" for day in days]:
            if bool(pattern.fullmatch(value)) != _accepted_by_parse(value):
                disagreements.append(value)
    assert disagreements == []


def _accepted_by_parse(value: str) -> bool:
    # 'from' alone, with 'to' set far enough after it that only the value itself can be refused.
    year = int(value[:4])
    to = f"{min(max(year, FIRST_YEAR) + 1, LAST_YEAR)}-12"
    try:
        date_range({"from": value, "to": to}, TODAY)
    except ParameterError as error:
        assert error.parameter == "from", (value, error)
        return False
    return True


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("2096-02-29", True),
        ("2025-02-29", False),
        ("2100-02-29", False),
        ("2025-04-30", True),
        ("2025-04-31", False),
        ("2025-12-31", True),
        ("2025-13", False),
        ("2025-00", False),
        ("0000-00", False),
        ("1999-12", False),
        ("2100-01", False),
        ("", False),
        ("2025-01\n", False),
    ],
)
def test_month_and_day_edges_in_the_document(value, matches):
    assert bool(re.fullmatch(DATE_PATTERN, value)) is matches  # anchored as in JSON Schema (ECMA-262)


def test_the_month_pattern_of_the_answers():
    assert re.search(MONTH_PATTERN, "2025-06") and not re.search(MONTH_PATTERN, "0000-00")
    assert not re.search(MONTH_PATTERN, "2025-13") and not re.search(MONTH_PATTERN, "2025-06-01")


def test_the_default_range_does_not_start_before_the_first_year():
    assert date_range({"to": "2000-03"}, TODAY) == (date(2000, 1, 1), date(2000, 3, 31))
    assert date_range({}, TODAY) == (date(2024, 7, 1), TODAY)
