"""The one definition of a moment's calendar day in the Netherlands (impactnet.database.local_day),
which the snapshots, the reminders and the identity history all use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from impactnet.database import local_day


@pytest.mark.parametrize(
    "moment, day",
    [
        (datetime(2026, 1, 31, 22, 59, tzinfo=UTC), date(2026, 1, 31)),  # winter: UTC+1
        (datetime(2026, 1, 31, 23, 0, tzinfo=UTC), date(2026, 2, 1)),
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),  # summer: UTC+2
        (datetime(2026, 6, 30, 22, 0, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),  # the night the clocks go forward
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # the day the clocks went back
        (datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), date(2027, 1, 1)),  # any zone
    ],
)
def test_a_moment_falls_on_its_dutch_calendar_day(moment, day):
    assert local_day(moment) == day
