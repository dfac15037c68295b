"""Claiming a submission in the review queue ("ik pak dit op"), so that two staff members don't
review the same one. The queue shows who claimed what; the claimant releases it, a colleague takes
it over.

Each change is a conditional update on what the acting staff member saw (nobody has it; I have it;
that colleague has it), so when two act at once exactly one wins and the other gets
:class:`ClaimConflict`. Claims are audited on the submission, not on the organisation's timeline:
they are St MBO's internal working arrangement, not news for the partner.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import rows_changed, utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepState, StepSubmission
from impactnet.journey.services import JourneyError


class ClaimConflict(JourneyError):
    """The submission's claim is no longer what the staff member saw."""


def _claimant_name(submission: StepSubmission) -> str:
    claimant = submission.claimed_by
    return (claimant.name or claimant.email) if claimant is not None else ""


def _conflict(submission: StepSubmission) -> ClaimConflict:
    """The Dutch message for the situation a colleague's move left behind."""
    db.session.refresh(submission)
    if submission.state is not StepState.SUBMITTED:
        return ClaimConflict(_l("Over deze inzending is intussen al beslist; er valt niets meer op te pakken."))
    if submission.claimed_by_id is None:
        return ClaimConflict(_l("Deze inzending is intussen vrijgegeven. Bekijk de actuele stand."))
    return ClaimConflict(
        _l("%(name)s heeft deze inzending intussen opgepakt. Bekijk de actuele stand.", name=_claimant_name(submission))
    )


def _move(actor: User, submission: StepSubmission, expected: int | None, new: int | None, action: AuditAction) -> None:
    changed = rows_changed(
        db.session,
        sa.update(StepSubmission)
        .where(
            StepSubmission.id == submission.id,
            StepSubmission.state == StepState.SUBMITTED,
            StepSubmission.claimed_by_id.is_(None) if expected is None else StepSubmission.claimed_by_id == expected,
        )
        .values(claimed_by_id=new, claimed_at=utcnow() if new is not None else None)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise _conflict(submission)
    db.session.refresh(submission)
    record(actor, action, submission, before={"claimed_by_id": expected}, after={"claimed_by_id": new})


def claim(actor: User, submission: StepSubmission) -> None:
    """``actor`` picks up an unclaimed submission."""
    if submission.claimed_by_id == actor.id:
        return  # a second click: already theirs
    _move(actor, submission, None, actor.id, AuditAction.SUBMISSION_CLAIMED)


def release(actor: User, submission: StepSubmission) -> None:
    """The claimant gives the submission back to the queue; a colleague's claim is taken over instead."""
    if submission.claimed_by_id is None:
        return  # nothing to release (a second click)
    if submission.claimed_by_id != actor.id:
        raise ClaimConflict(
            _l(
                "%(name)s heeft deze inzending opgepakt; alleen die kan hem vrijgeven. "
                "Neem hem over als u hem zelf wilt beoordelen.",
                name=_claimant_name(submission),
            )
        )
    _move(actor, submission, actor.id, None, AuditAction.SUBMISSION_RELEASED)


def take_over(actor: User, submission: StepSubmission, seen_claimant_id: int) -> None:
    """``actor`` takes over the claim of the colleague they saw on the page (``seen_claimant_id``)."""
    if seen_claimant_id == actor.id or submission.claimed_by_id == actor.id:
        raise ClaimConflict(_l("U heeft deze inzending al opgepakt."))
    _move(actor, submission, seen_claimant_id, actor.id, AuditAction.SUBMISSION_TAKEN_OVER)
