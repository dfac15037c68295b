from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import TimestampMixin, UTCDateTime
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality


class Role(enum.StrEnum):
    PARTNER = "partner"
    STAFF = "staff"
    MUNICIPALITY = "municipality"
    ADMIN = "admin"


def new_auth_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'partner') = (organisation_id IS NOT NULL)", name="partner_has_organisation"
        ),
        sa.CheckConstraint(
            "(role = 'municipality') = (municipality_id IS NOT NULL)", name="viewer_has_municipality"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The user's choice: reminder mails about stalled steps and expiring labels.
    reminders_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The language the user chose for pages and mails ("nl" or "en"); None: the browser's.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Identifies the login session; rotated on password change so that every
    # other session and "remember me" cookie stops working.
    auth_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_auth_token)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    municipality: Mapped[Municipality | None] = relationship()

    # Flask-Login
    def get_id(self) -> str:
        return self.auth_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        """St MBO staff and admins see and decide on everything."""
        return self.role in (Role.STAFF, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
