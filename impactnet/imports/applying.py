"""The import itself: a checked plan applied in the caller's transaction (this module flushes, never commits).

A new organisation gets the history the file tells, as the journey would have left it: each step done
approved on its date (one version, decided by the importing staff member), the status changes of the
state machine on those dates (applicant → partner on the agreement, working toward the label from the
next step, labelled on the label date, expired the day after its end), the label's dates, and all of it
in the audit trail with those dates, so that the growth snapshots rebuilt from the trail show the real
history. An organisation imported before is only updated where the file's details differ; the history
is taken once, when it is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from impactnet.accounts.mails import invitation_mail, queue
from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import apply_changes
from impactnet.audit.status_changes import status_change
from impactnet.database import LOCAL_TIMEZONE, local_today, utcnow
from impactnet.extensions import db
from impactnet.imports.checking import DETAIL_FIELDS, RowPlan
from impactnet.journey.models import JourneyStep, StepProgress, StepState, StepSubmission
from impactnet.journey.services import steps
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats import milestones

CHUNK = 500  # organisations flushed at a time
IMPORTED_NOTE = "Geïmporteerd uit de lijst van St MBO"


@dataclass(frozen=True)
class Source:
    filename: str
    checksum: str  # SHA-256 of the file, hex


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invited: int = 0
    first_day: date | None = None


def moment(day: date) -> datetime:
    """Noon in the Netherlands on ``day``: the time an imported date is recorded at (its local day is ``day``)."""
    return datetime.combine(day, time(12), tzinfo=LOCAL_TIMEZONE)


def _event(
    actor: User | None, action: AuditAction, obj_type: str, obj_id: int, organisation_id: int, at: datetime, **values
) -> dict:
    """An audit event as a row (inserted in bulk: 10,000 organisations leave some 80,000)."""
    return {
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "object_type": obj_type,
        "object_id": obj_id,
        "organisation_id": organisation_id,
        "occurred_at": at,
        "before": None,
        "after": None,
        "note": None,
        **values,
    }


def _status_moves(row: RowPlan, today: date) -> list[tuple[date, Status]]:
    """The statuses the organisation went through, with their dates (the state machine's moves)."""
    moves = [(row.steps["partnerovereenkomst"], Status.PARTNER)]
    later = [day for key, day in row.steps.items() if key not in ("partnerovereenkomst", "beoordeling")]
    if later:
        moves.append((min(later), Status.WORKING_TOWARD_LABEL))
    if "beoordeling" in row.steps:
        moves.append((row.steps["beoordeling"], Status.LABELLED))
        if row.label_valid_until is not None and row.label_valid_until < today:
            moves.append((row.label_valid_until + timedelta(days=1), Status.LABEL_EXPIRED))
    return moves


def _new_organisation(row: RowPlan, moves, now: datetime) -> Organisation:
    return Organisation(
        kvk_number=row.kvk_number,
        website=None,
        public_listing=False,
        status=moves[-1][1],
        created_at=moment(row.steps["partnerovereenkomst"]),
        updated_at=now,
        label_awarded_on=row.steps.get("beoordeling"),
        label_valid_until=row.label_valid_until if "beoordeling" in row.steps else None,
        **{name: row.details[name] for name in DETAIL_FIELDS},
    )


def _history(
    actor: User,
    row: RowPlan,
    organisation: Organisation,
    moves,
    by_key: dict[str, JourneyStep],
    source: Source,
    now: datetime,
) -> list:
    """The progress rows and audit events of a new organisation's imported history."""
    objects = [
        _event(
            actor,
            AuditAction.ORGANISATION_IMPORTED,
            "organisations",
            organisation.id,
            organisation.id,
            now,
            after={
                "file": source.filename,
                "sha256": source.checksum,
                "row": row.number,
                "kvk_number": row.kvk_number,
                "name": row.name,
            },
        )
    ]
    for key, day in row.steps.items():
        at = moment(day)
        progress = StepProgress(
            organisation_id=organisation.id,
            step_id=by_key[key].id,
            state=StepState.APPROVED,
            state_changed_at=at,
            created_at=at,
            updated_at=at,
        )
        progress.submissions.append(
            StepSubmission(
                number=1,
                state=StepState.APPROVED,
                statement=IMPORTED_NOTE,
                answers={},
                created_at=at,
                created_by_id=actor.id,
                submitted_at=at,
                decided_at=at,
                decided_by_id=actor.id,
            )
        )
        objects.append(progress)
    previous = Status.APPLICANT
    for day, status in moves:
        objects.append(
            _event(
                actor if status is not Status.LABEL_EXPIRED else None,
                AuditAction.ORGANISATION_STATUS_CHANGED,
                "organisations",
                organisation.id,
                organisation.id,
                moment(day),
                **status_change(previous.value, status.value),
                note=IMPORTED_NOTE,
            )
        )
        previous = status
    if organisation.label_awarded_on is not None:
        objects.append(
            _event(
                actor,
                AuditAction.LABEL_AWARDED,
                "organisations",
                organisation.id,
                organisation.id,
                moment(organisation.label_awarded_on),
                note=IMPORTED_NOTE,
                after={
                    "label_awarded_on": organisation.label_awarded_on.isoformat(),
                    "label_valid_until": organisation.label_valid_until.isoformat(),
                    "label_revoked_on": None,
                    "label_revoked_reason": None,
                },
            )
        )
    return objects


def _step_events(actor: User, organisation: Organisation, progress_rows: list[StepProgress], keys: dict[int, str]):
    return [
        _event(
            actor,
            AuditAction.STEP_STATE_CHANGED,
            "step_progress",
            p.id,
            organisation.id,
            p.state_changed_at,
            before={"step": keys[p.step_id], "state": StepState.NOT_STARTED.value},
            after={"step": keys[p.step_id], "state": StepState.APPROVED.value},
            note=IMPORTED_NOTE,
        )
        for p in progress_rows
    ]


def _contact(row: RowPlan, organisation: Organisation) -> User | None:
    """The contact person's account (no password yet). The dry run checked the address is valid and
    free; the unique index holds a race (the import then fails as a whole)."""
    if not row.contact_email:
        return None
    return User(email=row.contact_email, name=row.contact_name, role=Role.PARTNER, organisation_id=organisation.id)


def apply_plan(actor: User, rows: list[RowPlan], source: Source, *, invite: bool, today: date | None = None) -> Outcome:
    """Create and update the organisations of a plan without errors (the caller refuses one with errors)."""
    if any(row.errors for row in rows):
        raise ValueError("a plan with errors is never applied")
    today, now, outcome = today or local_today(), utcnow(), Outcome()
    by_key = {step.key: step for step in steps()}
    keys = {step.id: step.key for step in by_key.values()}
    new_rows = [row for row in rows if row.action == "create"]
    for start in range(0, len(new_rows), CHUNK):
        chunk = [(row, _status_moves(row, today)) for row in new_rows[start : start + CHUNK]]
        organisations = [_new_organisation(row, moves, now) for row, moves in chunk]
        db.session.add_all(organisations)
        db.session.flush()
        progress_rows, contacts, events = [], [], []
        for (row, moves), organisation in zip(chunk, organisations, strict=True):
            objects = _history(actor, row, organisation, moves, by_key, source, now)
            db.session.add_all([o for o in objects if isinstance(o, StepProgress)])
            events += [o for o in objects if isinstance(o, dict)]
            progress_rows.append([o for o in objects if isinstance(o, StepProgress)])
            contacts.append(_contact(row, organisation))
        db.session.add_all([user for user in contacts if user is not None])
        db.session.flush()
        for (row, _), organisation, progress, user in zip(chunk, organisations, progress_rows, contacts, strict=True):
            events += _step_events(actor, organisation, progress, keys)
            if user is not None:
                events.append(
                    _event(
                        actor,
                        AuditAction.USER_CREATED,
                        "users",
                        user.id,
                        organisation.id,
                        now,
                        after={"email": user.email, "role": user.role.value},
                        note=IMPORTED_NOTE,
                    )
                )
                if invite:
                    queue(invitation_mail(user), "invitation", user)
                    outcome.invited += 1
            first = row.steps["partnerovereenkomst"]
            outcome.first_day = min(outcome.first_day or first, first)
        db.session.execute(sa.insert(AuditEvent), events)
        milestones.recompute([organisation.id for organisation in organisations])  # the events bypassed the flush
        outcome.created += len(chunk)
    for row in rows:
        if row.action == "update":
            organisation = db.session.get(Organisation, row.organisation_id)
            apply_changes(
                actor,
                organisation,
                {name: row.details[name] for name in DETAIL_FIELDS},
                AuditAction.ORGANISATION_UPDATED,
                organisation_id=organisation.id,
            )
            db.session.add(
                AuditEvent(
                    **_event(
                        actor,
                        AuditAction.ORGANISATION_IMPORTED,
                        "organisations",
                        organisation.id,
                        organisation.id,
                        now,
                        after={
                            "file": source.filename,
                            "sha256": source.checksum,
                            "row": row.number,
                            "changed": sorted(row.changes),
                        },
                    )
                )
            )
            outcome.updated += 1
        elif row.action == "unchanged":
            outcome.unchanged += 1
    db.session.flush()
    return outcome
