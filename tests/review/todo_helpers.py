"""Organisations at a given place on the path, for the to-do overview's tests."""

from __future__ import annotations

from datetime import timedelta

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus
from tests import factories

ORDER = ("partnerovereenkomst", "inventarisatie", "inspiratiesessie", "impactplan", "beoordeling")


def at_step(
    municipality,
    path,
    name: str,
    approved: tuple[str, ...] = (),
    days_ago: int = 0,
    current: tuple[str, StepState] | None = None,
    status=OrganisationStatus.WORKING_TOWARD_LABEL,
    created_days_ago: int = 0,
    **fields,
):
    """An organisation with ``approved`` steps approved ``days_ago`` days ago and, optionally, one
    more step (``current``) in a state since then."""
    when = utcnow() - timedelta(days=days_ago)
    organisation = factories.OrganisationFactory(
        municipality=municipality,
        name=name,
        status=status,
        created_at=utcnow() - timedelta(days=created_days_ago),
        **fields,
    )
    rows = [(key, StepState.APPROVED) for key in approved] + ([current] if current else [])
    for key, state in rows:
        progress = StepProgress(
            organisation_id=organisation.id, step_id=path[key].id, state=state, state_changed_at=when
        )
        db.session.add(progress)
        db.session.flush()
        if state is not StepState.NOT_STARTED:
            db.session.add(
                StepSubmission(
                    progress_id=progress.id,
                    number=1,
                    state=state,
                    statement="Ons verhaal",
                    created_at=when,
                    submitted_at=when if state is not StepState.DRAFT else None,
                    decided_at=when if state in (StepState.APPROVED, StepState.CHANGES_REQUESTED) else None,
                )
            )
    db.session.commit()
    return organisation
