"""The history rebuilt from the demo's audit trail shows the programme's figures."""

from datetime import date

import sqlalchemy as sa

from impactnet.database import local_today
from impactnet.demo.seed import HISTORY_END, seed_demo
from impactnet.extensions import db
from impactnet.regions.services import municipality_by_slug
from impactnet.stats.models import REGION, GrowthSnapshot
from impactnet.stats.services import (
    backfill_snapshots,
    compute_projections,
    projection_for,
    take_snapshots,
)
from tests.stats.test_snapshots import all_rows, figures


def snapshot(slug: str, day: date) -> GrowthSnapshot:
    scope = REGION if slug == "region" else municipality_by_slug(slug).id
    return db.session.scalar(
        sa.select(GrowthSnapshot).where(GrowthSnapshot.scope_key == scope, GrowthSnapshot.day == day)
    )


def test_the_backfill_reproduces_the_demo_milestones_and_todays_figures():
    seed_demo()
    db.session.commit()
    today = local_today()
    assert today > HISTORY_END
    backfill_snapshots(date(2021, 11, 1), today)
    db.session.commit()

    may = snapshot("dordrecht", date(2024, 5, 31))
    assert may.partners == 65
    q3 = snapshot("dordrecht", date(2024, 9, 30))
    assert (q3.partners, q3.labelled, q3.working_toward_label) == (75, 30, 45)
    assert snapshot("region", date(2024, 9, 30)).partners == 75  # Dordrecht alone until 2025
    assert snapshot("zwijndrecht", date(2024, 12, 31)) is None
    assert snapshot("zwijndrecht", date(2025, 1, 1)).partners == 0
    assert snapshot("dordrecht", date(2021, 11, 1)).partners == 0  # joined then; no organisations yet

    rebuilt = all_rows()
    assert take_snapshots(today) == 4
    db.session.commit()
    assert all_rows() == rebuilt  # the trail replayed to today gives today's counts

    # Mid-2025 Dordrecht is behind its target of 155 partners, 110 labelled.
    target = next(t for t in municipality_by_slug("dordrecht").targets if t.year == 2025)
    assert compute_projections(date(2025, 6, 30)) == 1
    db.session.commit()
    projection = projection_for(target.id)
    assert projection.on_track is False
    assert projection.partners_gap > 0 and projection.labelled_gap > 0
    assert projection.partners_now == figures(target.municipality_id, date(2025, 6, 30))[0]
