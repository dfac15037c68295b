"""Each organisation's milestones, kept on its own row so the snapshot job scans one table.

Hold this in your head:

- Four derived columns of ``organisations`` (:data:`COLUMNS`): ``journey_step_id``, the first step
  in journey order it has not got approved (None when it has them all), and ``journey_step_since``,
  the (UTC) day of its last approval, else of its registration: the funnel (a day, so the funnel
  groups by a plain column; grouping by a timestamp cast to a day took 100 instead of 60 ms at
  100,000); ``became_partner_at`` and ``got_label_at``, the last status change that made it a
  partner or gave it the label as :mod:`impactnet.stats.definitions` counts them: "new this period".
- :func:`recompute` derives them from the step progress and the audit trail, for some organisations
  or for all, in one UPDATE, after locking their rows. Nothing else writes them.
- Every flush that changes what they come from (a step's progress, a status change's audit event, a
  registration or its moment) recomputes them for the organisations concerned, in the same
  transaction, after the flush; a step added, removed or moved in the journey recomputes them for
  all. Writers that bypass the ORM (the import, the demo's and the benchmark's seeds, bulk inserts in
  tests) call :func:`recompute` themselves.
- Why: at 100,000 organisations the snapshot job took 630-900 ms, of which 550 ms were the funnel's
  pass over 226,000 approvals and the new counts' pass over the year's audit events (JSON); from these
  columns both are scans of the organisations alone (issue #14's target: 300 ms).
  tests/stats/test_milestones.py compares the columns with a recompute after every kind of change.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.status_changes import status_after, status_before
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.definitions import PARTNER_VALUES

COLUMNS = ("journey_step_id", "journey_step_since", "became_partner_at", "got_label_at")
TOUCHED = "milestones_touched"  # session.info: the organisation ids to recompute after the flush
EVERY = "every"  # ... or all of them (the journey's steps changed)


def _became() -> dict[str, sa.ColumnElement[bool]]:
    """SQL conditions on a status change's audit event, by column: it made the organisation a
    partner / gave it the label (as :func:`impactnet.stats.definitions.became_partner` and
    ``got_label``)."""
    before, after = status_before(), status_after()
    return {
        "became_partner_at": sa.and_(before.not_in(PARTNER_VALUES), after.in_(PARTNER_VALUES)),
        "got_label_at": sa.and_(after == Status.LABELLED.value, before != Status.LABELLED.value),
    }


def _utc_day(moment, dialect: str):
    if dialect == "sqlite":
        return sa.func.date(moment)  # stored as UTC already
    return sa.cast(sa.func.timezone("UTC", moment), sa.Date)


def _derived(dialect: str) -> dict:
    org = Organisation
    approved = (
        sa.exists()
        .where(
            StepProgress.organisation_id == org.id,
            StepProgress.step_id == JourneyStep.id,
            StepProgress.state == StepState.APPROVED,
        )
        .correlate_except(StepProgress)
    )  # to the step and to the organisation two levels up
    last_approval = sa.select(sa.func.max(StepProgress.state_changed_at)).where(
        StepProgress.organisation_id == org.id, StepProgress.state == StepState.APPROVED
    )
    values = {
        "journey_step_id": sa.select(JourneyStep.id)
        .where(~approved)
        .order_by(JourneyStep.position, JourneyStep.id)
        .limit(1)
        .scalar_subquery(),
        "journey_step_since": _utc_day(sa.func.coalesce(last_approval.scalar_subquery(), org.created_at), dialect),
        "updated_at": org.updated_at,  # derived columns are no edit of the organisation
    }
    for column, condition in _became().items():
        values[column] = (
            sa.select(sa.func.max(AuditEvent.occurred_at))
            .where(
                AuditEvent.organisation_id == org.id,
                AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED,
                condition,
            )
            .scalar_subquery()
        )
    return values


def recompute(organisation_ids: Collection[int] | None = None, connection: sa.Connection | None = None) -> None:
    """Derive the milestone columns again for these organisations (None: all of them)."""
    if organisation_ids is not None and not organisation_ids:
        return
    connection = connection or db.session.connection()
    which = Organisation.id.in_(sorted(organisation_ids)) if organisation_ids is not None else sa.true()
    # Lock the rows first, in a statement of its own: a concurrent transaction that changed the same
    # organisation (another step) commits before the UPDATE below starts, so the UPDATE's snapshot
    # (PostgreSQL, read committed: taken per statement) sees its change and the last writer's values
    # are right. An UPDATE that waited on the row lock itself would compute from its older snapshot.
    connection.execute(sa.select(Organisation.id).where(which).order_by(Organisation.id).with_for_update())
    connection.execute(sa.update(Organisation.__table__).where(which).values(_derived(connection.dialect.name)))


def _organisations_touched(session: Session) -> set[int] | str:
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, JourneyStep):
            if obj in session.dirty and not inspect(obj).attrs.position.history.has_changes():
                continue  # its texts: the order of the journey stands
            return EVERY
        if isinstance(obj, StepProgress):
            touched.add(obj.organisation_id)
        elif isinstance(obj, AuditEvent):
            if obj.action == AuditAction.ORGANISATION_STATUS_CHANGED and obj.organisation_id is not None:
                touched.add(obj.organisation_id)
        elif (
            isinstance(obj, Organisation)
            and obj not in session.deleted
            and (obj in session.new or inspect(obj).attrs.created_at.history.has_changes())
        ):
            touched.add(obj.id)
    return touched


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    if touched := _organisations_touched(session):
        session.info[TOUCHED] = touched


@event.listens_for(Session, "after_flush_postexec")
def _recompute_after_flush(session, _context) -> None:
    touched = session.info.pop(TOUCHED, None)
    if not touched:
        return
    # Straight on the connection: no ORM statement events (it is the flush's consequence, not a new write).
    recompute(None if touched == EVERY else touched, session.connection())
    if touched == EVERY:
        loaded = [obj for obj in session.identity_map.values() if isinstance(obj, Organisation)]
    else:
        loaded = [session.identity_map.get(identity_key(Organisation, id_)) for id_ in touched]
    for obj in loaded:
        if obj is not None:
            session.expire(obj, COLUMNS)
