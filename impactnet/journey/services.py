"""The organisation's side of the journey: drafts, submissions and evidence.

Every move goes through :mod:`impactnet.journey.statemachine`; every state
change writes an AuditEvent. Services flush, the caller commits.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.duplicates import insert_missing_rows, insert_unless_duplicate
from impactnet.core.locale import Message, localized
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.journey import statemachine
from impactnet.journey.models import (
    DrechtsDoel,
    Evidence,
    ImpactAction,
    JourneyStep,
    StepKind,
    StepProgress,
    StepState,
    StepSubmission,
)
from impactnet.journey.organisation_status import set_status
from impactnet.journey.questionnaire import QUESTIONS, missing_answers
from impactnet.organisations.models import Organisation, OrganisationStatus


class JourneyError(ValueError):
    """A rule of the journey was broken; the message is shown to the user."""


ERASED = _l("De gegevens van deze organisatie zijn gewist; er kan niets meer aan veranderen.")


def check_not_erased(organisation: Organisation) -> None:
    """An erased organisation (AVG) is kept only for the counts: nothing about it changes any more,
    so no personal data can come back."""
    if organisation.erased_at is not None:
        raise JourneyError(ERASED)


@dataclass(frozen=True)
class PlannedAction:
    goal_id: int
    description: str
    commitment: str
    target_date: date


@dataclass(frozen=True)
class StepInput:
    """What the organisation typed on a step's page."""

    statement: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    actions: tuple[PlannedAction, ...] = ()


def steps() -> list[JourneyStep]:
    return list(db.session.scalars(sa.select(JourneyStep).order_by(JourneyStep.position)))


def step_after(step: JourneyStep) -> JourneyStep | None:
    """The step that follows ``step`` on the path (None after the last)."""
    return next((later for later in steps() if later.position > step.position), None)


def step_by_key(key: str) -> JourneyStep | None:
    return db.session.scalar(sa.select(JourneyStep).where(JourneyStep.key == key))


def active_goals() -> list[DrechtsDoel]:
    return list(
        db.session.scalars(sa.select(DrechtsDoel).where(DrechtsDoel.active.is_(True)).order_by(DrechtsDoel.number))
    )


def _existing_progress(organisation: Organisation) -> dict[int, StepProgress]:
    return {
        p.step_id: p
        for p in db.session.scalars(
            sa.select(StepProgress)
            .where(StepProgress.organisation_id == organisation.id)
            .options(joinedload(StepProgress.step), selectinload(StepProgress.submissions))
        )
    }


def progress_list(organisation: Organisation) -> list[StepProgress]:
    """The organisation's progress on every step, in order (rows made on first use)."""
    existing = _existing_progress(organisation)
    all_steps = steps()
    missing = [step for step in all_steps if step.id not in existing]
    if missing:
        # Two first page views or saves of one organisation may make these rows at the same
        # moment: the insert skips rows that exist by then, and all are read again.
        db.session.flush()
        insert_missing_rows(
            db.metadata.tables[StepProgress.__tablename__],
            [
                {"organisation_id": organisation.id, "step_id": step.id, "state": StepState.NOT_STARTED}
                for step in missing
            ],
            keys=("organisation_id", "step_id"),
        )
        existing = _existing_progress(organisation)
    return [existing[step.id] for step in all_steps]


def progress_for(organisation: Organisation, step_key: str) -> StepProgress | None:
    return next((p for p in progress_list(organisation) if p.step.key == step_key), None)


def blocking_step(progress: StepProgress) -> JourneyStep | None:
    """The predecessor that must be approved (at least once) before this step can be handed in."""
    earlier = [p for p in progress_list(progress.organisation) if p.step.position < progress.step.position]
    if earlier and earlier[-1].last_approved is None:
        return earlier[-1].step
    return None


def check_predecessor_approved(progress: StepProgress) -> None:
    if (blocking := blocking_step(progress)) is not None:
        raise JourneyError(_l("Rond eerst de stap ‘%(title)s’ af.", title=localized(blocking, "title")))


def change_state(
    actor: User | None,
    progress: StepProgress,
    submission: StepSubmission | None,
    new_state: StepState,
    note: str | None = None,
    *,
    by_staff: bool,
) -> None:
    """Move a step (and its current version) to ``new_state`` and record it; a move the state machine
    does not allow (for staff, or for the organisation) raises :class:`TransitionError`. Callers that
    do work before the move (a new version's row) ask the machine first as well, so nothing is done
    for a move that is refused."""
    old_state = progress.state
    statemachine.check_step_move(old_state, new_state, by_staff=by_staff, kind=progress.step.kind)
    progress.state = new_state
    progress.state_changed_at = utcnow()
    if submission is not None:
        submission.state = new_state
    if old_state is not new_state:
        record(
            actor,
            AuditAction.STEP_STATE_CHANGED,
            progress,
            before={"step": progress.step.key, "state": old_state.value},
            after={"step": progress.step.key, "state": new_state.value},
            organisation_id=progress.organisation_id,
            note=note,
        )
    db.session.flush()


def reread_progress(progress: StepProgress) -> None:
    """Forget what was loaded of ``progress`` (its state, its versions), so the next read sees
    what a parallel request committed meanwhile."""
    db.session.expire(progress)


def _copy_evidence(source: Evidence, into: StepSubmission) -> Evidence:
    copy = Evidence(
        organisation_id=source.organisation_id,
        original_name=source.original_name,
        stored_name=files.new_stored_name(),
        content_type=source.content_type,
        size=source.size,
        uploaded_at=source.uploaded_at,
        uploaded_by_id=source.uploaded_by_id,
    )
    target = files.stored_path(copy.organisation_id, copy.stored_name)
    shutil.copyfile(files.stored_path(source.organisation_id, source.stored_name), target)
    files.written_in_transaction(target)
    into.evidence.append(copy)
    return copy


def working_draft(actor: User, progress: StepProgress) -> StepSubmission:
    """The version the organisation edits: the open draft, or a new one that
    starts as a copy of the latest version (so an approved step is changed
    in a new version that goes back to review)."""
    current = progress.current
    if current is not None and current.state is StepState.DRAFT:
        return current
    statemachine.check_step_move(progress.state, StepState.DRAFT, by_staff=False, kind=progress.step.kind)
    draft = insert_unless_duplicate(
        lambda: StepSubmission(
            progress=progress,
            number=(current.number + 1) if current else 1,
            state=StepState.DRAFT,
            created_by_id=actor.id,
        )
    )
    if draft is None:
        # A parallel request of this organisation (a colleague, a second tab, a double click)
        # made this version a moment ago: carry on as the one that came second would, with the
        # draft it made (or the refusal, if that one was handed in).
        reread_progress(progress)
        _check_may_edit(actor, progress)
        return working_draft(actor, progress)
    if current is not None:
        draft.statement, draft.answers = current.statement, dict(current.answers or {})
        draft.actions = [
            ImpactAction(
                goal_id=a.goal_id, description=a.description, commitment=a.commitment, target_date=a.target_date
            )
            for a in current.actions
        ]
        for item in current.evidence:
            _copy_evidence(item, draft)
    change_state(actor, progress, draft, StepState.DRAFT, by_staff=False)
    return draft


def edit_refusal(progress: StepProgress, today: date | None = None) -> Message | None:
    """Why the organisation cannot change this step now (a Dutch text), or None when it can. The one
    answer for the services, the step page and the dashboard."""
    organisation = progress.organisation
    if organisation.erased_at is not None:
        return ERASED
    if organisation.status not in statemachine.ACTIVE_ORGANISATION_STATES:
        return _l("Uw organisatie is afgemeld; stappen kunnen niet meer worden gewijzigd.")
    if progress.step.kind is StepKind.STAFF_RECORDED:
        return _l("Deze stap wordt door St MBO vastgelegd.")
    if progress.state is StepState.SUBMITTED:
        return _l("Deze stap wacht op beoordeling door St MBO en kan nu niet worden gewijzigd.")
    if (opens := renewal_waits_until(progress, today)) is not None:
        return _l(
            "Uw label is geldig tot en met %(end)s. Verlengen kunt u aanvragen vanaf %(date)s.",
            end=format_date(organisation.label_valid_until, "long"),
            date=format_date(opens, "long"),
        )
    return None


def renewal_waits_until(progress: StepProgress, today: date | None = None) -> date | None:
    """For the approved label review of a labelled organisation: the day renewal opens, while that
    day is still to come (None otherwise). Asking earlier would only stack validity periods."""
    organisation = progress.organisation
    if (
        progress.step.kind is not StepKind.LABEL_REVIEW
        or progress.state is not StepState.APPROVED
        or organisation.status is not OrganisationStatus.LABELLED
        or organisation.label_valid_until is None
    ):
        return None
    opens = statemachine.renewal_opens_on(organisation.label_valid_until, current_app.config["RENEWAL_OPENS_MONTHS"])
    return opens if (today or local_today()) < opens else None


def _check_may_edit(actor: User, progress: StepProgress) -> None:
    if (refusal := edit_refusal(progress)) is not None:
        raise JourneyError(refusal)


def _apply(draft: StepSubmission, data: StepInput) -> None:
    kind = draft.progress.step.kind
    draft.statement = data.statement.strip()
    if kind is StepKind.QUESTIONNAIRE:
        draft.answers = {key: value.strip() for key, value in data.answers.items() if key in QUESTIONS}
    if kind is StepKind.IMPACT_PLAN:
        goals = {g.id for g in active_goals()}
        if any(a.goal_id not in goals for a in data.actions):
            raise JourneyError(_l("Kies voor elke actie een van de Drechtse Doelen."))
        draft.actions = [
            ImpactAction(
                goal_id=a.goal_id,
                description=a.description.strip(),
                commitment=a.commitment.strip(),
                target_date=a.target_date,
            )
            for a in data.actions
        ]


def save_draft(actor: User, organisation: Organisation, step_key: str, data: StepInput) -> StepSubmission:
    progress = _progress_or_error(organisation, step_key)
    _check_may_edit(actor, progress)
    draft = working_draft(actor, progress)
    _apply(draft, data)
    db.session.flush()
    return draft


def missing_items(progress: StepProgress, submission: StepSubmission | None) -> list[str]:
    """What must still be done before this step can be handed in (Dutch, for the page)."""
    step = progress.step
    missing = []
    if step.kind is StepKind.STAFF_RECORDED:
        return (
            []
            if progress.state is StepState.APPROVED
            else [str(_l("St MBO legt deze stap vast zodra die heeft plaatsgevonden."))]
        )
    statement = submission.statement if submission else ""
    if step.kind in (StepKind.EVIDENCE, StepKind.LABEL_REVIEW) and not statement:
        missing.append(str(_l("Schrijf een toelichting.")))
    if step.evidence_required and not (submission and submission.evidence):
        missing.append(str(_l("Voeg minstens één bestand toe als bewijs.")))
    if step.kind is StepKind.QUESTIONNAIRE:
        for question in missing_answers(submission.answers if submission else {}):
            missing.append(str(_l("Beantwoord: %(question)s", question=question.text)))
    if step.kind is StepKind.IMPACT_PLAN and not (submission and submission.actions):
        missing.append(
            str(
                _l("Kies minstens één Drechts Doel met een concrete actie, een meetbare toezegging en een streefdatum.")
            )
        )
    return missing


def submit(actor: User, organisation: Organisation, step_key: str, data: StepInput) -> StepSubmission:
    """Hand in a step for review. The predecessor must have been approved."""
    progress = _progress_or_error(organisation, step_key)
    _check_may_edit(actor, progress)
    if not actor.email_verified:
        raise JourneyError(_l("Bevestig eerst uw e-mailadres; daarna kunt u stappen indienen."))
    check_predecessor_approved(progress)
    draft = working_draft(actor, progress)
    _apply(draft, data)
    missing = missing_items(progress, draft)
    if missing:
        raise JourneyError(" ".join(missing))
    draft.submitted_at = utcnow()
    change_state(actor, progress, draft, StepState.SUBMITTED, by_staff=False)
    _mark_working(actor, organisation, progress)
    return draft


def _mark_working(actor: User, organisation: Organisation, progress: StepProgress) -> None:
    if progress.step.position > steps()[0].position:
        set_status(actor, organisation, statemachine.status_after_step_submitted(organisation.status))


def add_evidence(actor: User, organisation: Organisation, step_key: str, upload: FileStorage) -> Evidence:
    progress = _progress_or_error(organisation, step_key)
    _check_may_edit(actor, progress)
    stored_name, allowed, size, original = files.save_upload(upload, organisation.id)
    draft = working_draft(actor, progress)
    item = Evidence(
        organisation_id=organisation.id,
        original_name=original,
        stored_name=stored_name,
        content_type=allowed.mime,
        size=size,
        uploaded_by_id=actor.id,
    )
    draft.evidence.append(item)
    db.session.flush()
    record(
        actor,
        AuditAction.EVIDENCE_ADDED,
        item,
        after={"name": original, "size": size, "step": step_key},
        organisation_id=organisation.id,
    )
    return item


def remove_evidence(actor: User, item: Evidence) -> None:
    """Remove a file from the open draft (handed-in versions are kept as they were)."""
    submission = item.submission
    if submission.state is not StepState.DRAFT:
        raise JourneyError(_l("Alleen bestanden in een concept kunnen worden verwijderd."))
    record(
        actor,
        AuditAction.EVIDENCE_REMOVED,
        item,
        before={"name": item.original_name},
        organisation_id=item.organisation_id,
    )
    submission.evidence.remove(item)
    files.delete_after_commit(item.organisation_id, item.stored_name)
    db.session.flush()


def visible_evidence(user: User, organisation_id: int, evidence_id: int) -> Evidence | None:
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.organisation_id != organisation_id:
        return None
    if user.is_staff or user.organisation_id == organisation_id:
        return item
    return None


def _progress_or_error(organisation: Organisation, step_key: str) -> StepProgress:
    progress = progress_for(organisation, step_key)
    if progress is None:
        raise LookupError(step_key)
    return progress
