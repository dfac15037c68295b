"""Two transactions change the same organisation's steps at once: its milestone columns end as a
recompute gives (impactnet/stats/milestones.py locks the row before it recomputes). Real concurrent
transactions, so PostgreSQL only."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import StepState
from impactnet.organisations.models import Organisation
from impactnet.stats import milestones
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.commits]  # threads race on connections of their own


def test_two_approvals_of_one_organisation_at_once(app, path, dordrecht):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL for real concurrent transactions (set TEST_DATABASE_URL=postgresql+psycopg://...)"
        )
    steps = sorted(path.values(), key=lambda step: step.position)
    organisation_id = factories.OrganisationFactory(municipality=dordrecht).id
    db.session.commit()
    first_flushed, second_waiting = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def approve(step_key: str, before_commit) -> None:
        try:
            with app.app_context():
                organisation = db.session.get(Organisation, organisation_id)
                # Approved, its progress row set straight (as in test_milestones.approve).
                progress = journey.progress_for(organisation, step_key)
                progress.state, progress.state_changed_at = StepState.APPROVED, utcnow()
                db.session.flush()
                before_commit()
                db.session.commit()
        except BaseException as error:  # reported by the test below
            errors.append(error)
            first_flushed.set()

    def first_waits() -> None:
        first_flushed.set()  # its recompute ran and holds the organisation's row
        second_waiting.wait(10)
        time.sleep(0.5)  # the second is waiting on that row now

    first = threading.Thread(target=approve, args=(steps[0].key, first_waits))
    second = threading.Thread(target=approve, args=(steps[1].key, lambda: None))
    # The second's progress rows exist before it races (progress_for makes them on first use).
    journey.progress_list(db.session.get(Organisation, organisation_id))
    db.session.commit()
    first.start()
    first_flushed.wait(10)
    second.start()
    time.sleep(0.2)
    second_waiting.set()
    first.join(20)
    second.join(20)
    assert not errors, errors

    db.session.expire_all()
    kept = db.session.scalar(sa.select(Organisation.journey_step_id).where(Organisation.id == organisation_id))
    assert kept == steps[2].id  # both approvals seen: it stands at the third step
    milestones.recompute([organisation_id])
    assert db.session.scalar(sa.select(Organisation.journey_step_id).where(Organisation.id == organisation_id)) == kept
    db.session.rollback()
