from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import TimestampMixin, UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model
from impactnet.regions.models import Municipality

if TYPE_CHECKING:
    from impactnet.accounts.models import User


class OrganisationStatus(enum.StrEnum):
    """Where an organisation stands on its way to the label.

    The transitions between these live in the journey's state machine; this
    enum only names the states.
    """

    APPLICANT = "applicant"
    PARTNER = "partner"
    WORKING_TOWARD_LABEL = "working_toward_label"
    LABELLED = "labelled"
    LABEL_EXPIRED = "label_expired"
    LABEL_REVOKED = "label_revoked"
    WITHDRAWN = "withdrawn"


# Partners: signed the agreement and not withdrawn. An expired or revoked
# label does not undo the partner agreement.
PARTNER_STATUSES = frozenset(OrganisationStatus) - {OrganisationStatus.APPLICANT, OrganisationStatus.WITHDRAWN}

# What identifies an organisation to the outside world (verification, the badge, the directory).
IDENTITY_FIELDS = ("kvk_number", "name")


class Organisation(TimestampMixin, Model):
    __tablename__ = "organisations"
    # The public directory lists opted-in organisations by name, a page at a time.
    __table_args__ = (sa.Index("ix_organisations_directory", "public_listing", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kvk_number: Mapped[str] = mapped_column(sa.String(8), unique=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    sector: Mapped[str] = mapped_column(sa.String(40))
    size_class: Mapped[str] = mapped_column(sa.String(10))
    street_address: Mapped[str] = mapped_column(sa.String(200))
    postcode: Mapped[str] = mapped_column(sa.String(7))
    city: Mapped[str] = mapped_column(sa.String(100))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    public_listing: Mapped[bool] = mapped_column(default=False)
    # What the organisation says about its impact in the public directory (its own words).
    impact_statement: Mapped[str | None] = mapped_column(sa.Text)
    # Set when staff erased the organisation's personal data on request (AVG/GDPR); the row stays,
    # anonymised, so that the counts of the past stay right.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[OrganisationStatus] = mapped_column(
        text_enum(OrganisationStatus, 32),
        default=OrganisationStatus.APPLICANT,
        index=True,
    )

    # The current label (its history is in the audit trail).
    label_awarded_on: Mapped[date | None] = mapped_column(sa.Date)
    label_valid_until: Mapped[date | None] = mapped_column(sa.Date, index=True)
    label_revoked_on: Mapped[date | None] = mapped_column(sa.Date)
    label_revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    # Milestones derived from its step progress and its status changes, for the snapshot job's one
    # scan of this table: kept up to date by impactnet.stats.milestones, never set by hand. The
    # step is a journey_steps id without a foreign key: nothing here depends on the journey.
    journey_step_id: Mapped[int | None] = mapped_column(sa.Integer)
    journey_step_since: Mapped[date | None] = mapped_column(sa.Date)  # the (UTC) day it got there
    became_partner_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    got_label_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # St MBO's relatiebeheerder for this organisation (staff or admin, checked by
    # impactnet.organisations.notes.set_account_manager); never shown to partners or municipalities.
    # (use_alter: users refer to organisations too, so this key is added after both tables exist.)
    account_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )

    municipality: Mapped[Municipality] = relationship()
    account_manager: Mapped[User | None] = relationship(foreign_keys=[account_manager_id], post_update=True)
    users: Mapped[list[User]] = relationship(
        back_populates="organisation", order_by="User.id", foreign_keys="User.organisation_id"
    )

    def _label_ended(self, day: date) -> bool:
        """Whether its stored label's last valid day lies before ``day``: the label reads expired that
        day, even before the nightly scan has stored that. The one rule, in Python here and in SQL
        below (the figures' parts, the directory's and the staff search's filters and the nightly
        expiry use that)."""
        return (
            self.status is OrganisationStatus.LABELLED
            and self.label_valid_until is not None
            and self.label_valid_until < day
        )

    @classmethod
    def _label_ended_in_sql(cls, day: date) -> sa.ColumnElement[bool]:
        return sa.and_(
            cls.status == OrganisationStatus.LABELLED,
            cls.label_valid_until.is_not(None),
            cls.label_valid_until < day,
        )

    label_ended = hybrid_method(_label_ended, _label_ended_in_sql)

    def shown_status(self, today: date) -> OrganisationStatus:
        """The status to show on ``today``: a label past its end date is expired
        even before the nightly scan has stored that (:meth:`label_ended`)."""
        return OrganisationStatus.LABEL_EXPIRED if self.label_ended(today) else self.status

    @property
    def identity_locked(self) -> bool:
        """Whether the KvK number and name change only through St MBO: once the organisation is a
        partner (or beyond), or ever had a label. Verification answers for such an organisation, so
        its own users editing the number would move its partnership or label to another company.
        An applicant still corrects its own details freely."""
        return self.status in PARTNER_STATUSES or self.label_awarded_on is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.kvk_number} {self.name!r}>"


class NoteKind(enum.StrEnum):
    CONVERSATION = "gesprek"
    PHONE_CALL = "telefoon"
    AGREEMENT = "afspraak"
    OTHER = "overig"


class Note(Model):
    """St MBO's internal note on an organisation (a conversation, a phone call, an agreement).

    Staff only: never on a partner's, a municipality's or a public page, nor in the API. It is in
    the partner's data export (right of access) and goes with an erasure (see the README, "Privacy")."""

    __tablename__ = "notes"
    __table_args__ = (sa.Index("ix_notes_organisation", "organisation_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[NoteKind] = mapped_column(text_enum(NoteKind, 10))
    happened_on: Mapped[date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()

    is_note = True  # the timeline shows notes among the audit events (which lack this)

    def __repr__(self) -> str:
        return f"<Note {self.kind} {self.happened_on}>"


class IdentityChangeState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class IdentityChange(Model):
    """A change of a locked organisation's KvK number and/or name: asked for by its partner user
    (pending until St MBO decides) or made by staff directly (approved at once). Approved rows are
    the organisation's identity history, which verification reads to answer for former numbers."""

    __tablename__ = "identity_changes"
    __table_args__ = (
        # At most one request waits per organisation: a new edit replaces the waiting one's values.
        sa.Index(
            "uq_identity_changes_pending",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        ),
        # Verification by a former number.
        sa.Index("ix_identity_changes_old_kvk", "old_kvk_number", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    old_kvk_number: Mapped[str] = mapped_column(sa.String(8))
    new_kvk_number: Mapped[str] = mapped_column(sa.String(8))
    old_name: Mapped[str] = mapped_column(sa.String(200))
    new_name: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[IdentityChangeState] = mapped_column(
        text_enum(IdentityChangeState, 10),
        default=IdentityChangeState.PENDING,
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # St MBO's reason (rejection) or remark (approval); the partner reads it in the decision mail.
    note: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def changes_kvk(self) -> bool:
        return self.old_kvk_number != self.new_kvk_number

    @property
    def changes_name(self) -> bool:
        return self.old_name != self.new_name

    def __repr__(self) -> str:
        return f"<IdentityChange {self.old_kvk_number}->{self.new_kvk_number} {self.state}>"


def in_network() -> sa.ColumnElement[bool]:
    """SQL: the organisation is still in the network (not withdrawn, not erased), so it gets
    reminders and its submissions wait for review."""
    return sa.and_(Organisation.status != OrganisationStatus.WITHDRAWN, Organisation.erased_at.is_(None))
