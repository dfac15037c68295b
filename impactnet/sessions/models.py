from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.accounts.models import User
from impactnet.database import TimestampMixin, UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality


class BookingState(enum.StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"  # on the waiting list: the session was full
    CANCELLED = "cancelled"  # by the organisation, or with the session


class InspirationSession(TimestampMixin, Model):
    """A session St MBO holds: a place and/or an online link, a number of places, a language; open
    to every partner, or to the partners of one municipality."""

    __tablename__ = "inspiration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    capacity: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The calendar's SEQUENCE: raised on every change, so agenda programs take the newer invitation.
    sequence: Mapped[int] = mapped_column(default=0)
    # Set once, when staff submit the attendance (the page is submitted once).
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    municipality: Mapped[Municipality | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    attendance_recorded_by: Mapped[User | None] = relationship(foreign_keys=[attendance_recorded_by_id])
    bookings: Mapped[list[SessionBooking]] = relationship(
        back_populates="session", order_by="SessionBooking.id", cascade="all, delete-orphan"
    )

    def started(self, now: datetime) -> bool:
        return self.starts_at <= now

    @property
    def booked(self) -> list[SessionBooking]:
        return [b for b in self.bookings if b.state is BookingState.BOOKED]

    @property
    def waiting(self) -> list[SessionBooking]:
        """The waiting list, first come first."""
        return sorted((b for b in self.bookings if b.state is BookingState.WAITING), key=lambda b: (b.created_at, b.id))

    @property
    def places_left(self) -> int:
        return max(self.capacity - len(self.booked), 0)


class SessionBooking(Model):
    """An organisation's place in a session (or on its waiting list)."""

    __tablename__ = "session_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("inspiration_sessions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # The organisation again while this is its one open booking (booked or waiting, for a session to
    # come), else NULL: the unique constraint makes "one open booking per organisation" hold when two
    # colleagues sign up at the same moment (NULLs never collide).
    open_for_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[BookingState] = mapped_column(text_enum(BookingState, 10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None]
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[InspirationSession] = relationship(back_populates="bookings")
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])
