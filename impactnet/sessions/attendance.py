"""After a session: staff tick who was there, once. Each organisation present gets its session step
recorded through the same service as the hand-recording (review.services.record_staff_step: state
machine, predecessor, audit, status, the partner's mail); one that was recorded already, or may no
longer take the step, is skipped and named, never an error for the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import local_day, rows_changed, utcnow
from impactnet.extensions import db
from impactnet.journey.services import JourneyError
from impactnet.journey.statemachine import TransitionError
from impactnet.review.services import record_staff_step
from impactnet.sessions.models import InspirationSession, SessionBooking
from impactnet.sessions.services import SessionError, session_step, waiting_progress

SKIP_RECORDED = _l("de stap was al vastgelegd of kan nu niet worden vastgelegd")


@dataclass
class AttendanceResult:
    recorded: list[str] = field(default_factory=list)  # organisations whose step is now done
    skipped: list[tuple[str, str]] = field(default_factory=list)  # present, step not recorded: (name, why)
    absent: list[str] = field(default_factory=list)


def attendance_note(session: InspirationSession) -> str:
    """The report on the recorded step, in Dutch like St MBO's own notes ("... van 3 december 2026 bijgewoond")."""
    day = format_date(local_day(session.starts_at), "long", locale="nl")
    return f"Inspiratiesessie van {day} bijgewoond."


def attendance_list(session: InspirationSession) -> list[SessionBooking]:
    """Who may be ticked: the booked organisations, then the waiting list (someone may have come anyway)."""
    return session.booked + session.waiting


def record_attendance(
    actor: User, session: InspirationSession, present_ids: set[int], now: datetime | None = None
) -> AttendanceResult:
    """Mark each listed booking present (``present_ids``: booking ids) or absent, and record the session
    step for the organisations present. Once per session: a second submission is refused."""
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise SessionError(_l("Deze sessie is geannuleerd."))
    if not session.started(now):
        raise SessionError(_l("De aanwezigheid kunt u vastleggen zodra de sessie is begonnen."))
    listed = attendance_list(session)
    if present_ids - {booking.id for booking in listed}:
        raise SessionError(_l("Vink alleen organisaties uit de lijst aan."))
    claimed = rows_changed(
        db.session,
        sa.update(InspirationSession)
        .where(InspirationSession.id == session.id, InspirationSession.attendance_recorded_at.is_(None))
        .values(attendance_recorded_at=now, attendance_recorded_by_id=actor.id)
        .execution_options(synchronize_session=False),
    )
    if claimed != 1:
        raise SessionError(_l("De aanwezigheid van deze sessie is al vastgelegd, door u of een collega."))
    db.session.refresh(session)
    step, note, result = session_step(), attendance_note(session), AttendanceResult()
    for booking in listed:
        booking.attended = booking.id in present_ids
        booking.attendance_recorded_at, booking.attendance_recorded_by_id = now, actor.id
        booking.open_for_organisation_id = None
        db.session.flush()
        record(
            actor,
            AuditAction.BOOKING_ATTENDANCE_RECORDED,
            booking,
            organisation_id=booking.organisation_id,
            after={"attended": booking.attended, "state": booking.state.value},
        )
        if not booking.attended:
            result.absent.append(booking.organisation.name)
        elif _record_step(actor, booking, step.key if step else None, note):
            result.recorded.append(booking.organisation.name)
        else:
            result.skipped.append((booking.organisation.name, str(SKIP_RECORDED)))
    record(
        actor,
        AuditAction.SESSION_ATTENDANCE_RECORDED,
        session,
        after={
            "present": sorted(present_ids),
            "recorded": result.recorded,
            "skipped": [name for name, _ in result.skipped],
            "absent": result.absent,
        },
    )
    return result


def _record_step(actor: User, booking: SessionBooking, step_key: str | None, note: str) -> bool:
    """Record the session step for the booking's organisation; False (nothing written) when it may not."""
    if step_key is None or waiting_progress(booking.organisation) is None:
        return False
    try:
        with db.session.begin_nested():
            record_staff_step(actor, booking.organisation, step_key, note)
    except (JourneyError, TransitionError):
        return False
    return True
