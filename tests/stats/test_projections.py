"""Projections toward the targets, from snapshots with figures worked out by hand.

On 1 July 2025, 90 days back is 2 April; the year started after 31 December 2024 (182 days
before); 183 days are left until 31 December. A month is 365.2425 / 12 = 30.436875 days.
"""

from datetime import date

import pytest

from impactnet.extensions import db
from impactnet.stats.models import GrowthSnapshot, Projection
from impactnet.stats.services import compute_projections, projection_for
from tests import factories
from tests.helpers import count

DAY = date(2025, 7, 1)
MONTH = 30.436875


def snapshots(municipality, *figures: tuple[date, int, int]) -> None:
    for day, partners, labelled in figures:
        db.session.add(
            GrowthSnapshot(
                scope_key=municipality.id,
                municipality_id=municipality.id,
                day=day,
                partners=partners,
                labelled=labelled,
            )
        )
    db.session.commit()


def target(municipality, year: int, partners: int, labelled: int):
    return factories.TargetFactory(
        municipality=municipality, year=year, partners_wanted=partners, labelled_wanted=labelled
    )


def projected(target_id: int) -> Projection:
    projection = projection_for(target_id)
    assert projection is not None and projection.computed_on == DAY
    return projection


@pytest.fixture
def growing(dordrecht):
    """18 partners and 9 labels more in the last 90 days; 33 and 15 more this year."""
    snapshots(
        dordrecht,
        (date(2024, 12, 31), 40, 10),
        (date(2025, 3, 1), 50, 12),
        (date(2025, 4, 2), 55, 16),
        (date(2025, 5, 15), 60, 20),
        (DAY, 73, 25),
        (date(2025, 7, 10), 90, 40),
    )
    return dordrecht


def test_on_track_when_the_recent_pace_reaches_both_figures_within_the_year(growing):
    goal = target(growing, 2025, 100, 40)
    assert compute_projections(DAY) == 1
    db.session.commit()

    projection = projected(goal.id)
    assert (projection.municipality_id, projection.partners_now, projection.labelled_now) == (growing.id, 73, 25)
    assert projection.partners_pace_90d == pytest.approx(18 / 90 * MONTH)  # 6.09 a month
    assert projection.labelled_pace_90d == pytest.approx(9 / 90 * MONTH)
    assert projection.partners_pace_year == pytest.approx(33 / 182 * MONTH)
    assert projection.labelled_pace_year == pytest.approx(15 / 182 * MONTH)
    assert projection.projected_partners_date == date(2025, 11, 13)  # 27 more at 0.2 a day: 135 days
    assert projection.projected_labelled_date == date(2025, 11, 28)  # 15 more at 0.1 a day: 150 days
    assert projection.partners_needed_per_month == pytest.approx(27 / 183 * MONTH)
    assert projection.labelled_needed_per_month == pytest.approx(15 / 183 * MONTH)
    assert projection.on_track is True
    # the straight lines stand at 40 + 60 * 182/365 = 69.9 and 10 + 30 * 182/365 = 25.0: both met
    assert (projection.partners_gap, projection.labelled_gap) == (0, 0)


def test_behind_with_dates_past_the_year_and_the_gap_to_the_straight_line(dordrecht):
    snapshots(dordrecht, (date(2024, 12, 31), 75, 30), (date(2025, 4, 2), 90, 40), (DAY, 99, 46))
    goal = target(dordrecht, 2025, 155, 110)
    compute_projections(DAY)
    db.session.commit()

    projection = projected(goal.id)
    assert projection.partners_pace_90d == pytest.approx(3.0436875)
    assert projection.labelled_pace_90d == pytest.approx(2.029125)
    assert projection.projected_partners_date == date(2027, 1, 12)  # 56 more at 0.1 a day: 560 days
    assert projection.projected_labelled_date == date(2028, 2, 16)  # 64 more at 1/15 a day: 960 days
    assert projection.partners_needed_per_month == pytest.approx(56 / 183 * MONTH)  # 9.31 a month
    assert projection.on_track is False
    # 75 + 80 * 182/365 = 114.9 partners and 30 + 80 * 182/365 = 69.9 labelled expected by now
    assert (projection.partners_gap, projection.labelled_gap) == (16, 24)


def test_no_growth_means_no_date_and_a_reached_figure_is_reached_today(dordrecht, zwijndrecht):
    snapshots(dordrecht, (date(2024, 12, 31), 30, 10), (date(2025, 4, 2), 32, 12), (DAY, 32, 12))
    snapshots(zwijndrecht, (date(2024, 12, 31), 30, 10), (date(2025, 4, 2), 35, 12), (DAY, 33, 12))
    flat, shrinking = target(dordrecht, 2025, 30, 20), target(zwijndrecht, 2025, 50, 20)
    compute_projections(DAY)
    db.session.commit()

    projection = projected(flat.id)
    assert projection.projected_partners_date == DAY and projection.partners_needed_per_month == 0
    assert projection.partners_gap == 0
    assert projection.labelled_pace_90d == 0 and projection.projected_labelled_date is None
    assert projection.labelled_pace_year == pytest.approx(2 / 182 * MONTH)
    assert projection.on_track is False

    projection = projected(shrinking.id)
    assert projection.partners_pace_90d == pytest.approx(-2 / 90 * MONTH)
    assert projection.projected_partners_date is None and projection.on_track is False


def test_a_later_years_target_is_measured_from_the_start_of_this_year(growing):
    target(growing, 2024, 60, 20)  # over: not projected
    later = target(growing, 2026, 150, 80)
    assert compute_projections(DAY) == 1
    db.session.commit()

    projection = projected(later.id)
    assert projection.projected_partners_date == date(2026, 7, 21)  # 77 more at 0.2 a day: 385 days
    assert projection.projected_labelled_date == date(2027, 1, 2)  # 55 more at 0.1 a day: 550 days
    assert projection.on_track is False
    assert projection.partners_needed_per_month == pytest.approx(77 / 548 * MONTH)
    # lines over 730 days: 40 + 110 * 182/730 = 67.4 partners, 10 + 70 * 182/730 = 27.5 labelled
    assert (projection.partners_gap, projection.labelled_gap) == (0, 3)


def test_a_municipality_with_a_shorter_history_is_measured_over_what_there_is(dordrecht, zwijndrecht):
    snapshots(zwijndrecht, (date(2025, 5, 1), 0, 0), (DAY, 12, 0))
    newcomer = target(zwijndrecht, 2025, 30, 10)
    target(dordrecht, 2025, 155, 110)  # no snapshots: no projection
    assert compute_projections(DAY) == 1
    db.session.commit()

    projection = projected(newcomer.id)
    assert projection.partners_pace_90d == pytest.approx(12 / 61 * MONTH)
    assert projection.partners_pace_year == pytest.approx(12 / 61 * MONTH)
    assert projection.projected_partners_date == date(2025, 10, 1)  # 18 more at 12/61 a day: 91.5, so 92 days
    assert projection.projected_labelled_date is None
    assert projection.partners_gap == 0  # the line from 0 on 1 May to 30 on 31 December stands at 7.5


def test_computing_a_day_again_replaces_it_and_the_latest_is_shown(growing):
    goal = target(growing, 2025, 100, 40)
    compute_projections(DAY)
    compute_projections(DAY)
    db.session.commit()
    assert count(Projection) == 1

    compute_projections(date(2025, 7, 10))
    db.session.commit()
    assert count(Projection) == 2
    latest = projection_for(goal.id)
    assert (latest.computed_on, latest.partners_now, latest.labelled_now) == (date(2025, 7, 10), 90, 40)
    assert latest.projected_labelled_date == date(2025, 7, 10)  # reached
    assert projection_for(goal.id + 1) is None
