"""St MBO's decisions: reviewing steps and the label's whole life.

A decision on a submission is a conditional update ("only while it is still
submitted"), so when two staff members decide at the same time exactly one
wins and the other gets :class:`DecisionConflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.duplicates import insert_unless_duplicate
from impactnet.database import local_today, rows_changed, utcnow
from impactnet.extensions import db
from impactnet.journey import statemachine
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState, StepSubmission
from impactnet.journey.organisation_status import set_status
from impactnet.journey.services import (
    JourneyError,
    change_state,
    check_not_erased,
    check_predecessor_approved,
    progress_for,
    reread_progress,
    step_after,
    steps,
)
from impactnet.organisations.models import Organisation, in_network
from impactnet.organisations.models import OrganisationStatus as Org
from impactnet.review import mails

LABEL_FIELDS = ("label_awarded_on", "label_valid_until", "label_revoked_on", "label_revoked_reason")


class DecisionConflict(JourneyError):
    """Someone else decided on this submission first."""

    @classmethod
    def already_decided(cls) -> DecisionConflict:
        return cls(_l("Over deze inzending is intussen al beslist door een collega. Bekijk de actuele stand."))


@dataclass(frozen=True)
class QueueItem:
    submission: StepSubmission
    organisation: Organisation
    step: JourneyStep
    waiting: timedelta


def review_queue(
    now: datetime, municipality_id: int | None = None, step_id: int | None = None, limit: int | None = None
) -> list[QueueItem]:
    """Submitted steps, oldest first, with how long each has waited and who has claimed it."""
    query = (
        sa.select(StepSubmission, Organisation, JourneyStep)
        .join(StepProgress, StepSubmission.progress_id == StepProgress.id)
        .join(Organisation, StepProgress.organisation_id == Organisation.id)
        .join(JourneyStep, StepProgress.step_id == JourneyStep.id)
        .where(StepSubmission.state == StepState.SUBMITTED, in_network())
        .options(joinedload(Organisation.municipality), joinedload(StepSubmission.claimed_by))
        .order_by(StepSubmission.submitted_at, StepSubmission.id)
        .limit(limit)
    )
    if municipality_id is not None:
        query = query.where(Organisation.municipality_id == municipality_id)
    if step_id is not None:
        query = query.where(JourneyStep.id == step_id)
    items = []
    for submission, organisation, step in db.session.execute(query):
        assert submission.submitted_at is not None, "a submission in review was handed in"
        items.append(QueueItem(submission, organisation, step, now - submission.submitted_at))
    return items


def _decide(actor: User, submission: StepSubmission, outcome: StepState, feedback: str | None) -> None:
    if submission.decided_at is not None:
        raise DecisionConflict.already_decided()
    check_not_erased(submission.progress.organisation)
    if submission.progress.organisation.status is Org.WITHDRAWN:
        raise JourneyError(_l("Deze organisatie is afgemeld; er valt niets meer te beoordelen."))
    statemachine.check_step_move(submission.state, outcome, by_staff=True, kind=submission.progress.step.kind)
    changed = rows_changed(
        db.session,
        sa.update(StepSubmission)
        .where(StepSubmission.id == submission.id, StepSubmission.state == StepState.SUBMITTED)
        .values(state=outcome, decided_at=utcnow(), decided_by_id=actor.id, feedback=feedback or None)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise DecisionConflict.already_decided()
    db.session.refresh(submission)
    change_state(actor, submission.progress, submission, outcome, note=feedback, by_staff=True)


def request_changes(actor: User, submission: StepSubmission, feedback: str) -> None:
    """Send a submission back with feedback the entrepreneur sees on the step."""
    if not feedback.strip():
        raise JourneyError(_l("Schrijf wat er moet veranderen."))
    _decide(actor, submission, StepState.CHANGES_REQUESTED, feedback.strip())
    mails.step_decided(submission, next_step=None)


def approve(actor: User, submission: StepSubmission, note: str = "", today: date | None = None) -> None:
    """Approve a submission; on the first step the organisation becomes a
    partner, on the label review it gets (or renews) the label."""
    progress = submission.progress
    _decide(actor, submission, StepState.APPROVED, note.strip())
    organisation = progress.organisation
    status = statemachine.status_after_approval(
        organisation.status,
        first_step=progress.step.position == steps()[0].position,
        label_review=progress.step.kind is StepKind.LABEL_REVIEW,
    )
    if status is Org.LABELLED:
        award_or_renew_label(actor, organisation, today)  # its mail tells of this approval too
    else:
        set_status(actor, organisation, status, note=_l("Partnerovereenkomst goedgekeurd."))  # if it changes
        mails.step_decided(submission, next_step=step_after(progress.step))


def record_staff_step(actor: User, organisation: Organisation, step_key: str, note: str) -> None:
    """Record a step St MBO carries out itself (e.g. the inspiration session held)."""
    check_not_erased(organisation)
    progress = progress_for(organisation, step_key)
    if progress is None:
        raise LookupError(step_key)
    statemachine.check_step_move(progress.state, StepState.APPROVED, by_staff=True, kind=progress.step.kind)
    check_predecessor_approved(progress)
    now = utcnow()
    submission = insert_unless_duplicate(
        lambda: StepSubmission(
            progress=progress,
            number=len(progress.submissions) + 1,
            state=StepState.APPROVED,
            statement=note.strip(),
            created_by_id=actor.id,
            submitted_at=now,
            decided_at=now,
            decided_by_id=actor.id,
        )
    )
    if submission is None:
        # A colleague recorded it a moment ago: answer as when it had been recorded before
        # (the state machine refuses recording it twice).
        reread_progress(progress)
        return record_staff_step(actor, organisation, step_key, note)
    change_state(actor, progress, submission, StepState.APPROVED, note=note.strip() or None, by_staff=True)
    set_status(actor, organisation, statemachine.status_after_step_submitted(organisation.status))
    mails.staff_step_recorded(submission, next_step=step_after(progress.step))


def _label_snapshot(organisation: Organisation) -> dict[str, Any]:
    return {
        name: (value.isoformat() if isinstance(value, date) else value)
        for name in LABEL_FIELDS
        for value in [getattr(organisation, name)]
    }


def award_or_renew_label(actor: User, organisation: Organisation, today: date | None = None) -> None:
    """Award the label, or renew it: before expiry the new period follows on
    the old one; after expiry it starts today."""
    today = today or local_today()
    validity = relativedelta(months=current_app.config["LABEL_VALIDITY_MONTHS"])
    before = _label_snapshot(organisation)
    renewing = statemachine.renews_label(organisation.status, organisation.label_valid_until, today)
    if renewing:
        organisation.label_valid_until = organisation.label_valid_until + validity
    else:
        set_status(actor, organisation, Org.LABELLED, note=_l("Label toegekend."))
        organisation.label_awarded_on = today
        organisation.label_valid_until = today + validity
    organisation.label_revoked_on = organisation.label_revoked_reason = None
    event = record(
        actor,
        AuditAction.LABEL_RENEWED if renewing else AuditAction.LABEL_AWARDED,
        organisation,
        before=before,
        after=_label_snapshot(organisation),
        organisation_id=organisation.id,
    )
    db.session.flush()
    mails.label_awarded(organisation, event.id, renewed=renewing)


def revoke_label(actor: User, organisation: Organisation, reason: str, today: date | None = None) -> None:
    check_not_erased(organisation)
    if not statemachine.can_revoke_label(organisation.status):
        raise JourneyError(_l("Deze organisatie heeft geen label om in te trekken."))
    if not reason.strip():
        raise JourneyError(_l("Geef de reden van de intrekking."))
    before = _label_snapshot(organisation)
    set_status(actor, organisation, Org.LABEL_REVOKED, note=reason.strip())
    organisation.label_revoked_on = today or local_today()
    organisation.label_revoked_reason = reason.strip()
    event = record(
        actor,
        AuditAction.LABEL_REVOKED,
        organisation,
        before=before,
        after=_label_snapshot(organisation),
        organisation_id=organisation.id,
        note=reason.strip(),
    )
    db.session.flush()
    mails.label_revoked(organisation, event.id)


def withdraw(actor: User, organisation: Organisation, reason: str) -> None:
    """The organisation leaves the network (on its own request)."""
    check_not_erased(organisation)
    if not statemachine.can_withdraw(organisation.status):
        raise JourneyError(_l("Deze organisatie is al afgemeld."))
    if not reason.strip():
        raise JourneyError(_l("Geef de reden van de afmelding."))
    set_status(actor, organisation, Org.WITHDRAWN, note=reason.strip())
    mails.withdrawn(organisation, reason.strip(), key=f"{organisation.id}:{utcnow().isoformat()}")


def expire_due_labels(today: date) -> list[int]:
    """Mark labels past their end date as expired; returns the organisations'
    ids (empty on a second run the same day)."""
    due = list(db.session.scalars(sa.select(Organisation).where(Organisation.label_ended(today))))
    for organisation in due:
        set_status(None, organisation, Org.LABEL_EXPIRED, note=_l("Geldigheid van het label verstreken."))
        record(
            None,
            AuditAction.LABEL_EXPIRED,
            organisation,
            after=_label_snapshot(organisation),
            organisation_id=organisation.id,
        )
    db.session.flush()
    return [organisation.id for organisation in due]
