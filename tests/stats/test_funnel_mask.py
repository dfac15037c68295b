"""The funnel's current step from a bit mask of approved steps (impactnet/stats/counters.py) gives
exactly what the plain organisations x steps query gives, approvals out of order included."""
from __future__ import annotations

from datetime import timedelta

from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats import counters
from tests import factories


def test_the_mask_and_the_plain_query_agree(path, dordrecht, zwijndrecht):
    steps = sorted(path.values(), key=lambda step: step.position)
    now = utcnow()
    # (municipality, status, approved step indexes, days since the last approval)
    cases = [(dordrecht, Status.APPLICANT, [], 0), (dordrecht, Status.PARTNER, [0], 3),
             (dordrecht, Status.WORKING_TOWARD_LABEL, [0, 1, 2], 10), (zwijndrecht, Status.PARTNER, [1, 2], 4),
             (zwijndrecht, Status.WORKING_TOWARD_LABEL, list(range(len(steps))), 1),  # every step approved
             (zwijndrecht, Status.LABELLED, [0, 1], 2), (dordrecht, Status.WORKING_TOWARD_LABEL, [0, 1, 3], 7)]
    for municipality, status, approved, days in cases:
        organisation = factories.OrganisationFactory(municipality=municipality, status=status)
        for index, step in enumerate(steps):
            state = StepState.APPROVED if index in approved else StepState.SUBMITTED
            db.session.add(StepProgress(organisation_id=organisation.id, step_id=step.id, state=state,
                                        state_changed_at=now - timedelta(days=days + index)))
    db.session.flush()
    day = local_today()
    by_mask = counters.funnel_rows(day)
    assert by_mask == counters._funnel_rows_by_product(day)
    at = {(row["municipality_id"], row["step_id"]): row["organisations"] for row in by_mask}
    assert at[dordrecht.id, steps[0].id] == 1  # the applicant
    assert at[dordrecht.id, steps[1].id] == 1
    assert at[dordrecht.id, steps[3].id] == 1
    assert at[dordrecht.id, steps[2].id] == 1  # steps 1, 2 and 4 approved: at the third
    assert at[zwijndrecht.id, steps[0].id] == 1  # the second and third approved, not the first
    assert sum(at.values()) == 5  # neither the labelled one nor the one with every step approved
