from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model

if TYPE_CHECKING:
    from impactnet.accounts.models import User


class AuditAction(enum.StrEnum):
    ORGANISATION_REGISTERED = "organisation.registered"
    ORGANISATION_UPDATED = "organisation.updated"
    ORGANISATION_STATUS_CHANGED = "organisation.status_changed"
    # Personal data erased on request (AVG/GDPR); stored as text (native_enum=False, no CHECK): no migration.
    ORGANISATION_ERASED = "organisation.erased"
    # The KvK number and/or name of a locked organisation changed (after St MBO approved, or by staff).
    ORGANISATION_IDENTITY_CHANGED = "organisation.identity_changed"
    # Brought in from St MBO's own list (the file's name and checksum in ``after``); text, no migration.
    ORGANISATION_IMPORTED = "organisation.imported"
    # A partner's request to change them, and what became of it (object: identity_changes).
    IDENTITY_CHANGE_REQUESTED = "identity_change.requested"
    IDENTITY_CHANGE_APPROVED = "identity_change.approved"
    IDENTITY_CHANGE_REJECTED = "identity_change.rejected"
    IDENTITY_CHANGE_WITHDRAWN = "identity_change.withdrawn"
    # St MBO's own bookkeeping on an organisation: staff only (see STAFF_ONLY_ACTIONS).
    ACCOUNT_MANAGER_SET = "organisation.account_manager_set"
    NOTE_ADDED = "note.added"
    NOTE_DELETED = "note.deleted"
    USER_CREATED = "user.created"
    USER_INVITED = "user.invited"
    USER_EMAIL_VERIFIED = "user.email_verified"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_PREFERENCES_CHANGED = "user.preferences_changed"
    # A partner's colleagues (object: the colleague's user); stored as text too: no migration.
    COLLEAGUE_INVITED = "colleague.invited"
    COLLEAGUE_JOINED = "colleague.joined"
    COLLEAGUE_INVITATION_WITHDRAWN = "colleague.invitation_withdrawn"
    COLLEAGUE_REMOVED = "colleague.removed"
    MUNICIPALITY_CREATED = "municipality.created"
    MUNICIPALITY_UPDATED = "municipality.updated"
    TARGET_CREATED = "target.created"
    TARGET_UPDATED = "target.updated"
    STEP_STATE_CHANGED = "step.state_changed"
    STEP_UPDATED = "step.updated"
    EVIDENCE_ADDED = "evidence.added"
    EVIDENCE_REMOVED = "evidence.removed"
    GOAL_UPDATED = "goal.updated"
    # St MBO uploaded a version of a step's document (the partner agreement) (object: step_documents).
    STEP_DOCUMENT_ADDED = "step_document.added"
    # A staff member picked up a submission in the review queue, gave it back, or took over a
    # colleague's (object: step_submissions); stored as text: no migration.
    SUBMISSION_CLAIMED = "submission.claimed"
    SUBMISSION_RELEASED = "submission.released"
    SUBMISSION_TAKEN_OVER = "submission.taken_over"
    # Inspiration sessions (object: inspiration_sessions) and the organisations' places in them
    # (object: session_bookings, with the organisation); stored as text: no migration.
    SESSION_PLANNED = "session.planned"
    SESSION_UPDATED = "session.updated"
    SESSION_CANCELLED = "session.cancelled"
    SESSION_ATTENDANCE_RECORDED = "session.attendance_recorded"
    BOOKING_MADE = "booking.made"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_PROMOTED = "booking.promoted"
    BOOKING_ATTENDANCE_RECORDED = "booking.attendance_recorded"
    LABEL_AWARDED = "label.awarded"
    LABEL_RENEWED = "label.renewed"
    LABEL_REVOKED = "label.revoked"
    LABEL_EXPIRED = "label.expired"
    # St MBO downloaded the organisation search (it holds contact people); object: the user who did.
    ORGANISATIONS_DOWNLOADED = "organisations.downloaded"
    # A bulk action on a selection of the search (object: the user who did; the selection, counts and
    # the action's id in ``after``); the per-organisation changes have their own events. Text: no migration.
    BULK_MESSAGE_SENT = "organisations.bulk_message_sent"
    BULK_ACCOUNT_MANAGER_SET = "organisations.bulk_account_manager_set"


# Events that only St MBO's view of an organisation's timeline shows: the partner's timeline and
# dashboard leave them out (the partner's data export has the notes themselves, see
# impactnet.privacy.export).
STAFF_ONLY_ACTIONS = frozenset({AuditAction.ACCOUNT_MANAGER_SET, AuditAction.NOTE_ADDED, AuditAction.NOTE_DELETED})


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[AuditAction] = mapped_column(
        text_enum(AuditAction, 60),
        index=True,
    )
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int]
    # The organisation the change concerns, so its timeline is one indexed query.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()
