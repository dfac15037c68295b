"""The organisations' milestone columns (impactnet/stats/milestones.py): kept by every flush, equal
to a recompute from the step progress and the audit trail after every kind of change, and what the
funnel and "new this period" read."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.imports.applying import moment
from impactnet.imports.services import run_import
from impactnet.journey import services as journey
from impactnet.journey.models import JourneyStep, StepProgress, StepState
from impactnet.journey.organisation_status import set_status
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.review import services as review
from impactnet.stats import counters, milestones
from tests import factories
from tests.helpers import statements

COLUMNS = [getattr(Organisation, name) for name in milestones.COLUMNS]
SAMPLE = Path(__file__).parents[1] / "imports" / "sample_import.csv"


def kept() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.select(Organisation.id, *COLUMNS).order_by(Organisation.id))]


def assert_kept() -> None:
    """What the flushes left in the columns is what a recompute from scratch gives."""
    before = kept()
    milestones.recompute()
    assert kept() == before
    db.session.rollback()


def milestones_of(organisation: Organisation) -> dict:
    db.session.expire(organisation)
    return {name: getattr(organisation, name) for name in milestones.COLUMNS}


def approve(staff, organisation: Organisation, key: str) -> None:
    """The step approved, as fast as the milestones need it: its progress row set straight (the state
    machine would want it handed in first; the flush hook sees any changed progress row)."""
    progress = journey.progress_for(organisation, key)
    progress.state, progress.state_changed_at = StepState.APPROVED, utcnow()
    db.session.flush()


def test_every_kind_of_change_keeps_the_columns(app, path, dordrecht, zwijndrecht, mailbox):
    staff = factories.UserFactory(role="staff")
    steps = sorted(path.values(), key=lambda step: step.position)
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    db.session.commit()
    registered = milestones_of(organisation)
    assert registered == {
        "journey_step_id": steps[0].id,
        "journey_step_since": organisation.created_at.date(),
        "became_partner_at": None,
        "got_label_at": None,
    }
    assert_kept()

    with app.test_request_context():
        approve(staff, organisation, steps[0].key)
        set_status(staff, organisation, Status.PARTNER)
        db.session.commit()
        partner = milestones_of(organisation)
        assert partner["journey_step_id"] == steps[1].id and partner["became_partner_at"] is not None
        assert partner["journey_step_since"] == journey.progress_for(organisation, steps[0].key).state_changed_at.date()
        assert_kept()

        for step in steps[1:]:
            approve(staff, organisation, step.key)
        set_status(staff, organisation, Status.WORKING_TOWARD_LABEL)
        review.award_or_renew_label(staff, organisation)
        db.session.commit()
        labelled = milestones_of(organisation)
        assert labelled["journey_step_id"] is None  # every step approved: at no step any more
        assert labelled["got_label_at"] is not None and labelled["became_partner_at"] == partner["became_partner_at"]
        assert_kept()

        # The partner changes an approved step: it stands there again (a new version to review).
        journey.change_state(
            None, journey.progress_for(organisation, steps[3].key), None, StepState.DRAFT, by_staff=False
        )
        review.revoke_label(staff, organisation, "Afspraken niet nagekomen")
        db.session.commit()
        assert milestones_of(organisation)["journey_step_id"] == steps[3].id
        assert_kept()

        review.withdraw(staff, organisation, "Stopt")
        db.session.commit()
        assert_kept()

        run_import(staff, SAMPLE.read_bytes(), SAMPLE.name, invite=False, today=date(2026, 1, 10))
        db.session.commit()
    imported = db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == "90000001"))
    assert milestones_of(imported)["got_label_at"] == moment(date(2022, 12, 1))  # the file's award date
    assert milestones_of(imported)["became_partner_at"] == moment(date(2022, 3, 15))  # its agreement
    assert_kept()


def test_a_backdated_registration_or_approval_moves_its_moment(path, dordrecht):
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    db.session.commit()
    organisation.created_at = datetime(2024, 5, 1, 9, tzinfo=UTC)
    db.session.commit()
    assert milestones_of(organisation)["journey_step_since"] == date(2024, 5, 1)
    first = min(path.values(), key=lambda step: step.position)
    db.session.add(
        StepProgress(
            organisation_id=organisation.id,
            step_id=first.id,
            state=StepState.APPROVED,
            state_changed_at=datetime(2024, 6, 1, 23, 30, tzinfo=UTC),
        )
    )
    db.session.commit()
    assert milestones_of(organisation)["journey_step_since"] == date(2024, 6, 1)  # the UTC day
    assert_kept()


def test_moving_a_step_recomputes_every_organisation_and_editing_its_text_none(path, dordrecht):
    steps = sorted(path.values(), key=lambda step: step.position)
    organisations = [factories.OrganisationFactory(municipality=dordrecht) for _ in range(3)]
    db.session.commit()
    assert {milestones_of(o)["journey_step_id"] for o in organisations} == {steps[0].id}

    steps[-1].position = steps[0].position - 1  # the last step first
    db.session.commit()
    assert {milestones_of(o)["journey_step_id"] for o in organisations} == {steps[-1].id}
    assert_kept()

    db.session.get(JourneyStep, steps[2].id).title = "Inspiratie"
    with statements() as sent:
        db.session.commit()
    assert sent and not any("UPDATE organisations" in statement for statement in sent)


def test_the_recompute_is_no_edit_of_the_organisation(dordrecht, path):
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    db.session.commit()
    updated = organisation.updated_at
    milestones.recompute()
    db.session.commit()
    db.session.expire(organisation)
    assert organisation.updated_at == updated


def test_the_funnel_reads_the_first_step_not_approved(path, dordrecht, zwijndrecht):
    """Approvals out of order included: the organisation stands at its first step not approved."""
    steps = sorted(path.values(), key=lambda step: step.position)
    now = utcnow()
    # (municipality, status, approved step indexes, days since the last approval)
    cases = [
        (dordrecht, Status.APPLICANT, [], 0),
        (dordrecht, Status.PARTNER, [0], 3),
        (dordrecht, Status.WORKING_TOWARD_LABEL, [0, 1, 2], 10),
        (zwijndrecht, Status.PARTNER, [1, 2], 4),
        (zwijndrecht, Status.WORKING_TOWARD_LABEL, list(range(len(steps))), 1),  # every step approved
        (zwijndrecht, Status.LABELLED, [0, 1], 2),
        (dordrecht, Status.WORKING_TOWARD_LABEL, [0, 1, 3], 7),
    ]
    for municipality, status, approved, days in cases:
        organisation = factories.OrganisationFactory(
            municipality=municipality, status=status, created_at=now - timedelta(days=30)
        )
        for index, step in enumerate(steps):
            state = StepState.APPROVED if index in approved else StepState.SUBMITTED
            db.session.add(
                StepProgress(
                    organisation_id=organisation.id,
                    step_id=step.id,
                    state=state,
                    state_changed_at=now - timedelta(days=days + len(steps) - index),
                )
            )
    db.session.flush()
    rows = {(row["municipality_id"], row["step_id"]): row for row in counters.funnel_rows(local_today())}
    at = {key: row["organisations"] for key, row in rows.items()}
    assert at[dordrecht.id, steps[0].id] == 1  # the applicant
    assert at[dordrecht.id, steps[1].id] == 1
    assert at[dordrecht.id, steps[3].id] == 1
    assert at[dordrecht.id, steps[2].id] == 1  # steps 1, 2 and 4 approved: at the third
    assert at[zwijndrecht.id, steps[0].id] == 1  # the second and third approved, not the first
    assert sum(at.values()) == 5  # neither the labelled one nor the one with every step approved
    assert rows[dordrecht.id, steps[0].id]["median_days"] in (30, 31)  # since its registration (UTC day)
    assert rows[zwijndrecht.id, steps[0].id]["median_days"] in (4 + len(steps) - 2, 4 + len(steps) - 2 + 1)
    assert len(rows) == 2 * len(steps)  # every municipality, every step


def test_events_written_without_the_orm_count_after_a_recompute(path, dordrecht):
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=Status.PARTNER)
    db.session.commit()
    at = datetime(2025, 3, 4, 12, tzinfo=UTC)
    db.session.execute(
        sa.insert(AuditEvent),
        [
            {
                "occurred_at": at,
                "action": AuditAction.ORGANISATION_STATUS_CHANGED,
                "object_type": "organisations",
                "object_id": organisation.id,
                "organisation_id": organisation.id,
                "before": {"status": "applicant"},
                "after": {"status": "partner"},
            }
        ],
    )
    assert milestones_of(organisation)["became_partner_at"] is None  # a bulk insert: not seen by the flush
    milestones.recompute([organisation.id])
    assert milestones_of(organisation)["became_partner_at"] == at


def test_the_funnels_median_is_the_median_of_the_days_every_organisation_has_stood_there(path, dordrecht):
    """Odd and even counts, many on one day, one far away: the SQL median (the middle one, or the
    mean of the two middle ones) equals statistics.median over each organisation's days."""
    steps = sorted(path.values(), key=lambda step: step.position)
    today = local_today()
    rng = random.Random(14)
    days_by_step = {
        steps[0].id: [rng.choice([0, 3, 3, 3, 9, 40, 400]) for _ in range(17)],
        steps[1].id: [rng.randrange(0, 60) for _ in range(24)],
        steps[2].id: [5],
    }
    for step_id, days in days_by_step.items():
        for n in days:
            organisation = factories.OrganisationFactory(municipality=dordrecht, status=Status.PARTNER)
            db.session.flush()
            db.session.execute(
                sa.update(Organisation)
                .where(Organisation.id == organisation.id)
                .values(journey_step_id=step_id, journey_step_since=today - timedelta(days=n))
            )
    rows = {row["step_id"]: row for row in counters.funnel_rows(today) if row["municipality_id"] == dordrecht.id}
    for step_id, days in days_by_step.items():
        assert rows[step_id]["organisations"] == len(days)
        assert rows[step_id]["median_days"] == statistics.median(days), step_id
    assert rows[steps[3].id]["organisations"] == 0 and rows[steps[3].id]["median_days"] is None
