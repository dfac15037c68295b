from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import TimestampMixin, UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model

if TYPE_CHECKING:
    from impactnet.organisations.models import Organisation
    from impactnet.regions.models import Municipality


class Role(enum.StrEnum):
    PARTNER = "partner"
    STAFF = "staff"
    MUNICIPALITY = "municipality"
    ADMIN = "admin"


def new_auth_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, Model):  # type: ignore[misc]  # flask_login has no types: UserMixin is Any
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("(role = 'partner') = (organisation_id IS NOT NULL)", name="partner_has_organisation"),
        sa.CheckConstraint("(role = 'municipality') = (municipality_id IS NOT NULL)", name="viewer_has_municipality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(text_enum(Role, 20))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The user's choice: reminder mails about stalled steps and expiring labels.
    reminders_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The language the user chose for pages and mails ("nl" or "en"); None: the browser's.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Part of the fingerprint that makes a mailed password link work once (impactnet.accounts.tokens);
    # rotated when the password is set and when the account is (de)activated.
    auth_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_auth_token)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users", foreign_keys=[organisation_id])
    municipality: Mapped[Municipality | None] = relationship()

    # The sign-in this object was loaded or created for (impactnet.accounts.sessions); not a column.
    session_token = None
    session_expires_at = None  # and when that sign-in ends
    # The names of its organisation and municipality, read with the sign-in (impactnet.accounts.sessions)
    # so that the page header needs no query of its own; not a column.
    affiliation_names = None  # (organisation name, municipality name) or None

    # Equal only to itself, as SQLAlchemy expects of mapped objects (UserMixin compares get_id()).
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    # Flask-Login keeps this in the session cookie and the remember cookie: the sign-in's token,
    # so that signing out ends exactly that sign-in, on the server.
    def get_id(self) -> str:
        if self.session_token is None:
            raise RuntimeError("a user is signed in through impactnet.accounts.sessions.start_session")
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        """St MBO staff and admins see and decide on everything."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def organisation_name(self) -> str | None:
        """The partner's organisation's name, for the page header; from the sign-in when read with it."""
        if self.affiliation_names is not None:
            return self.affiliation_names[0]
        return self.organisation.name if self.organisation_id is not None and self.organisation else None

    @property
    def municipality_name(self) -> str | None:
        """The municipality viewer's municipality's name, for the page header."""
        if self.affiliation_names is not None:
            return self.affiliation_names[1]
        return self.municipality.name if self.municipality_id is not None and self.municipality else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(Model):
    """One sign-in. The cookies carry a random token; only its SHA-256 is stored, so a copy of the
    database opens no session. It ends when the user signs out (here or everywhere), when the
    password is set or the account deactivated, and at ``expires_at`` whatever a cookie says."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class AccountRequest(Model):
    """A request about an address that must not reveal whether it has an account (a password reset).

    The page stores it and answers at once, the same for every address; the worker looks the
    address up and queues the mail, if any (impactnet.accounts.requests). The row, and the address
    in it, goes as soon as it is handled.
    """

    __tablename__ = "account_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
