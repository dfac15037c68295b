"""Planning inspiration sessions and the partners' places in them.

A booking and a cancellation lock the session's row first (PostgreSQL: SELECT ... FOR UPDATE), so
two organisations taking the last place at the same moment get one place and one waiting-list
spot; an organisation's one open booking is held by a unique column (``open_for_organisation_id``).
Services flush, the caller commits; the mails go through the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.duplicates import insert_unless_duplicate
from impactnet.core.locale import Message
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import statemachine
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState
from impactnet.journey.services import blocking_step, progress_for, steps
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Org
from impactnet.regions.models import Municipality
from impactnet.sessions import mails
from impactnet.sessions.models import BookingState, InspirationSession, SessionBooking

MAX_CAPACITY = 500
OPEN = (BookingState.BOOKED, BookingState.WAITING)
SESSION_FIELDS = ("starts_at", "ends_at", "location", "online_url", "capacity", "language", "municipality_id")


class SessionError(ValueError):
    """A rule of the sessions was broken; the message is shown to the user (``field``: on the form)."""

    def __init__(self, message: Message, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class SessionInput:
    """What staff typed on the session form (times already in UTC)."""

    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str | None
    capacity: int
    language: str
    municipality_id: int | None


@dataclass(frozen=True)
class Offer:
    """What a partner waiting for the session sees: the sessions open to it and its own booking."""

    sessions: list[InspirationSession]
    booking: SessionBooking | None
    position: int | None  # on the waiting list (1 is next)


def session_step() -> JourneyStep | None:
    """The step the sessions are for: the step St MBO records itself (the Inspiratiesessie)."""
    return next((step for step in steps() if step.kind is StepKind.STAFF_RECORDED), None)


def waiting_progress(organisation: Organisation) -> StepProgress | None:
    """The organisation's session step, when it may take part: not withdrawn or erased, the step
    before approved and the session step not yet recorded. Else None."""
    step = session_step()
    if step is None or organisation.erased_at is not None or organisation.status is Org.WITHDRAWN:
        return None
    progress = progress_for(organisation, step.key)
    if progress is None or not statemachine.can_move_step(
        progress.state, StepState.APPROVED, by_staff=True, kind=progress.step.kind
    ):
        return None
    return progress if blocking_step(progress) is None else None


def _session_query() -> sa.Select[InspirationSession]:
    return sa.select(InspirationSession).options(selectinload(InspirationSession.bookings))


def upcoming_for(organisation: Organisation, now: datetime) -> list[InspirationSession]:
    """Sessions to come, not cancelled, for everyone or for the organisation's municipality; soonest first."""
    return list(
        db.session.scalars(
            _session_query()
            .where(
                InspirationSession.cancelled_at.is_(None),
                InspirationSession.starts_at > now,
                sa.or_(
                    InspirationSession.municipality_id.is_(None),
                    InspirationSession.municipality_id == organisation.municipality_id,
                ),
            )
            .order_by(InspirationSession.starts_at, InspirationSession.id)
        )
    )


def open_booking(organisation: Organisation) -> SessionBooking | None:
    return db.session.scalar(
        sa.select(SessionBooking).where(SessionBooking.open_for_organisation_id == organisation.id)
    )


def offer_for(organisation: Organisation, now: datetime) -> Offer:
    sessions = upcoming_for(organisation, now)
    booking = next((b for s in sessions for b in s.bookings if b.open_for_organisation_id == organisation.id), None)
    position = booking.session.waiting.index(booking) + 1 if booking and booking.state is BookingState.WAITING else None
    return Offer(sessions, booking, position)


def sessions_overview(now: datetime) -> tuple[list[InspirationSession], list[InspirationSession]]:
    """For staff: the sessions to come (soonest first) and those that started (latest first)."""
    upcoming = list(
        db.session.scalars(
            _session_query()
            .where(InspirationSession.starts_at > now)
            .order_by(InspirationSession.starts_at, InspirationSession.id)
        )
    )
    past = list(
        db.session.scalars(
            _session_query()
            .where(InspirationSession.starts_at <= now)
            .order_by(InspirationSession.starts_at.desc(), InspirationSession.id.desc())
        )
    )
    return upcoming, past


def waiting_without_booking(waiting_query: sa.Select[Any] | None, now: datetime) -> int:
    """How many of the organisations waiting for the session step (the to-do list's query) have no
    place or waiting-list spot in a session to come."""
    if waiting_query is None:
        return 0
    waiting = waiting_query.subquery()
    booked = (
        sa.select(SessionBooking.id)
        .join(InspirationSession, InspirationSession.id == SessionBooking.session_id)
        .where(
            SessionBooking.organisation_id == waiting.c.organisation_id,
            SessionBooking.state.in_(OPEN),
            InspirationSession.starts_at > now,
            InspirationSession.cancelled_at.is_(None),
        )
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(waiting).where(~booked.exists())) or 0


def _check_input(data: SessionInput, now: datetime) -> None:
    if data.ends_at <= data.starts_at:
        raise SessionError(_l("De eindtijd moet na de begintijd liggen."), "end_time")
    if data.starts_at <= now:
        raise SessionError(_l("Kies een moment in de toekomst."), "date")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise SessionError(_l("Vul een aantal plaatsen van 1 tot en met %(max)d in.", max=MAX_CAPACITY), "capacity")
    if not data.location and not data.online_url:
        raise SessionError(_l("Vul een plaats of een link voor online deelnemen in."), "location")
    if data.municipality_id is not None and db.session.get(Municipality, data.municipality_id) is None:
        raise SessionError(_l("Kies een gemeente uit de lijst."), "municipality_id")


def _snapshot(session: InspirationSession) -> dict[str, Any]:
    return {
        name: (value.isoformat() if isinstance(value, datetime) else value)
        for name in SESSION_FIELDS
        for value in [getattr(session, name)]
    }


def plan_session(actor: User, data: SessionInput, now: datetime | None = None) -> InspirationSession:
    """A new session, open for sign-up at once."""
    _check_input(data, now or utcnow())
    session = InspirationSession(created_by_id=actor.id, **{name: getattr(data, name) for name in SESSION_FIELDS})
    db.session.add(session)
    db.session.flush()
    record(actor, AuditAction.SESSION_PLANNED, session, after=_snapshot(session))
    return session


def _check_changeable(session: InspirationSession, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise SessionError(_l("Deze sessie is geannuleerd en kan niet meer veranderen."))
    if session.started(now):
        raise SessionError(_l("Deze sessie is al begonnen en kan niet meer veranderen."))


def _lock(session: InspirationSession) -> None:
    """Hold the session's row until the commit, so bookings and cancellations take turns."""
    db.session.execute(sa.select(InspirationSession.id).where(InspirationSession.id == session.id).with_for_update())
    db.session.expire(session, ["bookings"])


def update_session(actor: User, session: InspirationSession, data: SessionInput, now: datetime | None = None) -> bool:
    """Change a session to come; the booked organisations get the new invitation when the time or place
    changed, and a larger capacity lets the waiting list in. Returns whether anything changed."""
    now = now or utcnow()
    _check_changeable(session, now)
    _check_input(data, now)
    _lock(session)
    if data.capacity < len(session.booked):
        raise SessionError(
            _l("Er zijn al %(num)d organisaties aangemeld; minder plaatsen kan niet.", num=len(session.booked)),
            "capacity",
        )
    before = _snapshot(session)
    for name in SESSION_FIELDS:
        setattr(session, name, getattr(data, name))
    after = _snapshot(session)
    if after == before:
        return False
    moved = any(before[name] != after[name] for name in ("starts_at", "ends_at", "location", "online_url"))
    if moved:
        session.sequence += 1
    db.session.flush()
    record(actor, AuditAction.SESSION_UPDATED, session, before=before, after=after)
    if moved:
        for booking in session.booked:
            mails.session_changed(booking)
    _fill_places(actor, session)
    return True


def cancel_session(actor: User, session: InspirationSession, now: datetime | None = None) -> None:
    """Cancel a session to come: every booking and waiting-list spot ends, and the organisations are told."""
    _check_changeable(session, now or utcnow())
    _lock(session)
    session.cancelled_at = utcnow()
    session.sequence += 1
    told = [booking for booking in session.bookings if booking.state in OPEN]
    for booking in told:
        was = booking.state
        _end(booking, BookingState.CANCELLED)
        mails.session_cancelled(booking, had_place=was is BookingState.BOOKED)
    db.session.flush()
    record(actor, AuditAction.SESSION_CANCELLED, session, after={"bookings_cancelled": [b.id for b in told]})


def _end(booking: SessionBooking, state: BookingState) -> None:
    booking.state, booking.open_for_organisation_id = state, None
    if state is BookingState.CANCELLED:
        booking.cancelled_at = utcnow()


def _release_past(organisation: Organisation, now: datetime) -> None:
    """A booking for a session that has started is not open any more (attendance is kept apart)."""
    db.session.execute(
        sa.update(SessionBooking)
        .where(
            SessionBooking.open_for_organisation_id == organisation.id,
            SessionBooking.session_id.in_(sa.select(InspirationSession.id).where(InspirationSession.starts_at <= now)),
        )
        .values(open_for_organisation_id=None)
        .execution_options(synchronize_session=False)
    )


def _check_bookable(session: InspirationSession, organisation: Organisation, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise SessionError(_l("Deze sessie is geannuleerd."))
    if session.started(now):
        raise SessionError(_l("Deze sessie is al begonnen of voorbij; kies een andere sessie."))
    if session.municipality_id is not None and session.municipality_id != organisation.municipality_id:
        raise SessionError(_l("Deze sessie is alleen voor partners uit een andere gemeente."))
    if waiting_progress(organisation) is None:
        raise SessionError(
            _l(
                "Uw organisatie kan zich nu niet aanmelden: dat kan wanneer de stap voor de "
                "inspiratiesessie is goedgekeurd en de inspiratiesessie nog niet is vastgelegd."
            )
        )


def _already_booked(booking: SessionBooking | None) -> SessionError:
    if booking is None:  # the colleague's booking that collided was rolled back meanwhile
        return SessionError(
            _l(
                "Een collega meldde uw organisatie tegelijk aan. Bekijk de actuele stand en probeer "
                "het zo nodig opnieuw."
            )
        )
    return SessionError(
        _l(
            "Uw organisatie is al aangemeld voor de sessie van %(date)s. Annuleer die aanmelding "
            "eerst als u een andere sessie wilt.",
            date=format_date(booking.session.starts_at, "long"),
        )
    )


def book(
    actor: User, organisation: Organisation, session: InspirationSession, now: datetime | None = None
) -> SessionBooking:
    """Sign ``organisation`` up for ``session``: a place while there is one, else the waiting list."""
    now = now or utcnow()
    _check_bookable(session, organisation, now)
    _lock(session)
    _release_past(organisation, now)
    if (current := open_booking(organisation)) is not None:
        raise _already_booked(current)
    state = BookingState.BOOKED if session.places_left > 0 else BookingState.WAITING
    booking = insert_unless_duplicate(
        lambda: SessionBooking(
            session_id=session.id,
            organisation_id=organisation.id,
            open_for_organisation_id=organisation.id,
            booked_by_id=actor.id,
            state=state,
        )
    )
    if booking is None:  # a colleague signed up a moment ago
        raise _already_booked(open_booking(organisation))
    db.session.expire(session, ["bookings"])
    record(
        actor,
        AuditAction.BOOKING_MADE,
        booking,
        organisation_id=organisation.id,
        after={"session_id": session.id, "state": state.value},
    )
    if state is BookingState.BOOKED:
        mails.booking_confirmed(booking)
    else:
        mails.booking_waiting(booking, position=len(session.waiting))
    return booking


def cancel_booking(
    actor: User, organisation: Organisation, session: InspirationSession, now: datetime | None = None
) -> None:
    """The organisation gives up its place (or waiting-list spot); the first on the waiting list gets the place."""
    now = now or utcnow()
    if session.started(now):
        raise SessionError(_l("Deze sessie is al begonnen; afmelden kan niet meer."))
    _lock(session)
    booking = next((b for b in session.bookings if b.organisation_id == organisation.id and b.state in OPEN), None)
    if booking is None:
        raise SessionError(_l("Uw organisatie is niet (meer) aangemeld voor deze sessie."))
    was = booking.state
    _end(booking, BookingState.CANCELLED)
    db.session.flush()
    record(
        actor,
        AuditAction.BOOKING_CANCELLED,
        booking,
        organisation_id=organisation.id,
        before={"state": was.value},
        after={"state": booking.state.value},
    )
    mails.booking_cancelled(booking, had_place=was is BookingState.BOOKED)
    _fill_places(actor, session)


def _fill_places(actor: User | None, session: InspirationSession) -> None:
    """Give the free places to the waiting list, first come first; each is told (with the invitation)."""
    for booking in session.waiting[: session.places_left]:
        booking.state = BookingState.BOOKED
        db.session.flush()
        record(
            actor,
            AuditAction.BOOKING_PROMOTED,
            booking,
            organisation_id=booking.organisation_id,
            before={"state": BookingState.WAITING.value},
            after={"state": BookingState.BOOKED.value},
        )
        mails.booking_confirmed(booking, promoted=True)
