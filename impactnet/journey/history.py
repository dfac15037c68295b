"""Every step's versions for St MBO's view of an organisation: handed in when and by whom, the
decision, the feedback and the reviewer. Two queries, however many steps and versions."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState, StepSubmission
from impactnet.journey.services import steps
from impactnet.organisations.models import Organisation


@dataclass(frozen=True)
class StepHistory:
    step: JourneyStep
    versions: list[StepSubmission]  # handed in (or recorded by staff), oldest first; drafts left out


def step_history(organisation: Organisation) -> list[StepHistory]:
    """Each step in order with its handed-in versions."""
    versions = db.session.scalars(
        sa.select(StepSubmission)
        .join(StepSubmission.progress)
        .where(StepProgress.organisation_id == organisation.id, StepSubmission.state != StepState.DRAFT)
        .options(
            contains_eager(StepSubmission.progress),
            joinedload(StepSubmission.created_by),
            joinedload(StepSubmission.decided_by),
        )
        .order_by(StepSubmission.number)
    ).all()
    by_step: dict[int, list[StepSubmission]] = {}
    for version in versions:
        by_step.setdefault(version.progress.step_id, []).append(version)
    return [StepHistory(step, by_step.get(step.id, [])) for step in steps()]
