"""St MBO's to-do overview: what waits for staff, each as a count on the staff home page and a list
behind it. Every count is one definition, used by the overview and by the list it links to, so the
two cannot disagree.

The overview sends a fixed number of statements however large the network (all counts in one; the
oldest submissions in another): tests/review/test_todo_queries.py holds it to that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState, StepSubmission
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.organisations.identity import pending_identity_count_query
from impactnet.organisations.models import Organisation, in_network
from impactnet.organisations.models import OrganisationStatus as Org

# Labels ending within this many days count as "expiring" (the first reminder's lead time by default).
EXPIRING_DAYS = 90
# The lists behind the counts; the identity changes and failed mails have pages of their own.
KINDS = ("staff-step", "stalled", "expiring", "renewing")
# Where the impact reports will wait for staff once the impact ledger exists: a count here and a
# kind above, nothing before (no empty block on the page).


@dataclass(frozen=True)
class Waiting:
    """An organisation on a to-do list: the step it waits on (if any) and since when (for labels:
    the last day of validity)."""

    organisation: Organisation
    step: JourneyStep | None
    since: datetime | date | None


def staff_steps(steps: list[JourneyStep]) -> list[JourneyStep]:
    """The steps St MBO records itself (the Inspiratiesessie), as the to-do list names them."""
    return [step for step in steps if step.kind is StepKind.STAFF_RECORDED]


def _columns(step_id, since):
    return (Organisation.id.label("organisation_id"), step_id.label("step_id"), since.label("since"))


def staff_step_query(steps: list[JourneyStep]):
    """Organisations whose step before a staff-recorded step (the Inspiratiesessie) is approved and
    whose staff-recorded step is not: they wait for St MBO, never for themselves. Since: the approval
    of the step before."""
    pairs = [(before, after) for before, after in pairwise(steps) if after.kind is StepKind.STAFF_RECORDED]
    if not pairs:
        return None
    previous, current = aliased(StepProgress), aliased(StepProgress)
    staff_step_id = sa.case({before.id: after.id for before, after in pairs}, value=previous.step_id)
    return (
        sa.select(*_columns(staff_step_id, previous.state_changed_at))
        .join(Organisation, Organisation.id == previous.organisation_id)
        .outerjoin(
            current, sa.and_(current.organisation_id == previous.organisation_id, current.step_id == staff_step_id)
        )
        .where(
            previous.step_id.in_([before.id for before, _ in pairs]),
            previous.state == StepState.APPROVED,
            in_network(),
            sa.or_(current.id.is_(None), current.state != StepState.APPROVED),
        )
    )


def stalled_query(steps: list[JourneyStep], now: datetime):
    """Organisations that have not moved a step of their own for longer than its reminder interval:
    a draft or changes asked for, unmoved; the next step not started since the one before was
    approved; the first step not started since registering. As the reminders count them
    (impactnet.notifications.reminders.steps), without their upper bound: it stays on this list
    until it moves. Staff-recorded steps and steps with interval 0 are never stalled."""
    remindable = [s for s in steps if s.kind is not StepKind.STAFF_RECORDED and s.reminder_days > 0]
    if not remindable:
        return None

    def overdue(since, step):
        return since <= now - timedelta(days=step.reminder_days)

    parts = [
        sa.select(*_columns(StepProgress.step_id, StepProgress.state_changed_at))
        .join(Organisation, Organisation.id == StepProgress.organisation_id)
        .where(
            StepProgress.state.in_((StepState.DRAFT, StepState.CHANGES_REQUESTED)),
            in_network(),
            sa.or_(
                *(sa.and_(StepProgress.step_id == s.id, overdue(StepProgress.state_changed_at, s)) for s in remindable)
            ),
        )
    ]
    pairs = [(before, after) for before, after in pairwise(steps) if after in remindable]
    if pairs:
        previous, current = aliased(StepProgress), aliased(StepProgress)
        next_id = sa.case({before.id: after.id for before, after in pairs}, value=previous.step_id)
        parts.append(
            sa.select(*_columns(next_id, previous.state_changed_at))
            .join(Organisation, Organisation.id == previous.organisation_id)
            .outerjoin(
                current, sa.and_(current.organisation_id == previous.organisation_id, current.step_id == next_id)
            )
            .where(
                previous.state == StepState.APPROVED,
                in_network(),
                sa.or_(current.id.is_(None), current.state == StepState.NOT_STARTED),
                sa.or_(
                    *(
                        sa.and_(previous.step_id == before.id, overdue(previous.state_changed_at, after))
                        for before, after in pairs
                    )
                ),
            )
        )
    if steps[0] in remindable:
        first = aliased(StepProgress)
        parts.append(
            sa.select(*_columns(sa.literal(steps[0].id), Organisation.created_at))
            .outerjoin(first, sa.and_(first.organisation_id == Organisation.id, first.step_id == steps[0].id))
            .where(
                in_network(),
                sa.or_(first.id.is_(None), first.state == StepState.NOT_STARTED),
                overdue(Organisation.created_at, steps[0]),
            )
        )
    return parts[0] if len(parts) == 1 else sa.union_all(*parts)


def expiring_query(today: date):
    """Labelled organisations whose label ends within EXPIRING_DAYS (today included)."""
    return sa.select(*_columns(sa.null(), Organisation.label_valid_until)).where(
        Organisation.status == Org.LABELLED,
        Organisation.erased_at.is_(None),
        Organisation.label_valid_until.between(today, today + timedelta(days=EXPIRING_DAYS)),
    )


def renewing_query(steps: list[JourneyStep]):
    """Organisations with a label (current or expired) that are working on a new label review:
    started, handed in or asked to change. Since: the review step's last move."""
    review_ids = [s.id for s in steps if s.kind is StepKind.LABEL_REVIEW]
    if not review_ids:
        return None
    return (
        sa.select(*_columns(StepProgress.step_id, StepProgress.state_changed_at))
        .join(Organisation, Organisation.id == StepProgress.organisation_id)
        .where(
            StepProgress.step_id.in_(review_ids),
            Organisation.erased_at.is_(None),
            Organisation.status.in_((Org.LABELLED, Org.LABEL_EXPIRED)),
            StepProgress.state.in_((StepState.DRAFT, StepState.SUBMITTED, StepState.CHANGES_REQUESTED)),
        )
    )


def _query(kind: str, steps: list[JourneyStep], now: datetime, today: date):
    return {
        "staff-step": lambda: staff_step_query(steps),
        "stalled": lambda: stalled_query(steps, now),
        "expiring": lambda: expiring_query(today),
        "renewing": lambda: renewing_query(steps),
    }[kind]()


def _count(query):
    if query is None:
        return sa.literal(0)
    return sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()


def submitted_query():
    return (
        sa.select(StepSubmission.id)
        .join(StepProgress, StepSubmission.progress_id == StepProgress.id)
        .join(Organisation, StepProgress.organisation_id == Organisation.id)
        .where(StepSubmission.state == StepState.SUBMITTED, in_network())
    )


def counts(steps: list[JourneyStep], now: datetime, today: date) -> dict[str, int]:
    """Every count of the overview, in one statement."""
    columns = {kind: _count(_query(kind, steps, now, today)) for kind in KINDS}
    columns["submissions"] = _count(submitted_query())
    columns["identity-changes"] = _count(pending_identity_count_query())
    columns["failed-mails"] = _count(sa.select(OutboxMail.id).where(OutboxMail.status == MailStatus.FAILED))
    row = db.session.execute(
        sa.select(*(column.label(name.replace("-", "_")) for name, column in columns.items()))
    ).one()
    return {name: int(value or 0) for name, value in zip(columns, row, strict=True)}


def waiting(kind: str, steps: list[JourneyStep], now: datetime, today: date) -> list[Waiting]:
    """The organisations on one list, longest waiting (or soonest ending) first (two statements)."""
    query = _query(kind, steps, now, today)
    if query is None:
        return []
    rows = db.session.execute(sa.select(query.subquery()).order_by(sa.text("since"), sa.text("organisation_id"))).all()
    organisations = {
        o.id: o
        for o in db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.id.in_({row.organisation_id for row in rows}))
            .options(joinedload(Organisation.municipality))
        )
    }
    by_id = {step.id: step for step in steps}
    return [Waiting(organisations[row.organisation_id], by_id.get(row.step_id), row.since) for row in rows]
