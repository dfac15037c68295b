"""The daily job issues the same few statements for 20 organisations as for 200."""

from datetime import date

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.stats.models import GrowthSnapshot
from impactnet.stats.services import (
    backfill_snapshots,
    compute_projections,
    take_snapshots,
)
from tests import factories
from tests.helpers import count, statements
from tests.stats.network import bulk_network

DAY = date(2025, 6, 30)


def daily_job() -> tuple[int, int]:
    with statements() as snapshots:
        take_snapshots(DAY)
    with statements() as projections:
        compute_projections(DAY)
    db.session.commit()
    return len(snapshots), len(projections)


def test_snapshots_and_projections_take_a_fixed_number_of_statements(dordrecht, zwijndrecht):
    factories.TargetFactory(municipality=dordrecht, year=2025)
    factories.TargetFactory(municipality=zwijndrecht, year=2025, partners_wanted=40, labelled_wanted=20)
    municipalities = [dordrecht.id, zwijndrecht.id]
    bulk_network(municipalities, 20)
    backfill_snapshots(date(2024, 12, 31), DAY)  # history for the pace
    db.session.commit()
    small = daily_job()

    bulk_network(municipalities, 180, first=20)
    backfill_snapshots(date(2024, 12, 31), DAY)
    db.session.commit()
    large = daily_job()

    assert small == large
    # Growth figures 4; the funnel and the breakdowns at most 8 (their queries, the steps and
    # municipalities, a delete and an insert each).
    assert large[0] <= 12 and large[1] <= 3
    assert (
        db.session.scalar(
            sa.select(GrowthSnapshot.partners).where(GrowthSnapshot.scope_key == 0, GrowthSnapshot.day == DAY)
        )
        > 100
    )
    assert count(GrowthSnapshot, GrowthSnapshot.day == DAY) == 3
