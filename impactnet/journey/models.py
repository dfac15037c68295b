from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.accounts.models import User
from impactnet.database import TimestampMixin, UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model
from impactnet.organisations.models import Organisation


class StepKind(enum.StrEnum):
    """What a step asks of the organisation; decides its form."""

    EVIDENCE = "evidence"  # a statement plus files (e.g. the signed agreement)
    QUESTIONNAIRE = "questionnaire"  # the Inventarisatie, by theme
    STAFF_RECORDED = "staff_recorded"  # St MBO records it (e.g. the session attended)
    IMPACT_PLAN = "impact_plan"  # Drechtse Doelen and concrete actions
    LABEL_REVIEW = "label_review"  # request the review; staff award (or renew) the label


class StepState(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class JourneyStep(TimestampMixin, Model):
    """One step of the path to the label; staff edit the texts and reminder interval."""

    __tablename__ = "journey_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[StepKind] = mapped_column(text_enum(StepKind, 20))
    title: Mapped[str] = mapped_column(sa.String(100))
    explanation: Mapped[str] = mapped_column(sa.Text)
    # What must be submitted, in the entrepreneur's words ("Upload de getekende overeenkomst").
    requirements: Mapped[str] = mapped_column(sa.Text, default="")
    # The same texts in English (None: English pages show the Dutch); see impactnet.core.locale.localized.
    title_en: Mapped[str | None] = mapped_column(sa.String(100))
    explanation_en: Mapped[str | None] = mapped_column(sa.Text)
    requirements_en: Mapped[str | None] = mapped_column(sa.Text)
    evidence_required: Mapped[bool] = mapped_column(default=False)
    reminder_days: Mapped[int] = mapped_column(default=30)

    def __repr__(self) -> str:
        return f"<JourneyStep {self.position} {self.key}>"


class DrechtsDoel(TimestampMixin, Model):
    """One of the three Drechtse Doelen (editable data: only the first is public)."""

    __tablename__ = "drechtse_doelen"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)


class StepProgress(TimestampMixin, Model):
    """Where one organisation stands on one step."""

    __tablename__ = "step_progress"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "step_id", name="uq_step_progress_organisation_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("journey_steps.id"), index=True)
    state: Mapped[StepState] = mapped_column(
        text_enum(StepState, 20),
        default=StepState.NOT_STARTED,
        index=True,
    )
    # When the organisation or staff last moved this step (for reminders).
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    step: Mapped[JourneyStep] = relationship()
    submissions: Mapped[list[StepSubmission]] = relationship(
        back_populates="progress", order_by="StepSubmission.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> StepSubmission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def last_approved(self) -> StepSubmission | None:
        approved = [s for s in self.submissions if s.state is StepState.APPROVED]
        return approved[-1] if approved else None


class StepSubmission(Model):
    """One version of what an organisation handed in for a step.

    A draft is edited in place; once submitted it is frozen, and a later
    change starts a new version, so earlier approved versions stay visible.
    """

    __tablename__ = "step_submissions"
    __table_args__ = (sa.UniqueConstraint("progress_id", "number", name="uq_step_submissions_progress_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(sa.ForeignKey("step_progress.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    state: Mapped[StepState] = mapped_column(text_enum(StepState, 20), index=True)
    statement: Mapped[str] = mapped_column(sa.Text, default="")
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    # The staff member who said "ik pak dit op" (see impactnet.review.claims): shown in the queue so
    # that two colleagues don't review the same submission.
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    progress: Mapped[StepProgress] = relationship(back_populates="submissions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="submission", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list[ImpactAction]] = relationship(
        back_populates="submission", order_by="ImpactAction.id", cascade="all, delete-orphan"
    )


class Evidence(Model):
    """An uploaded file, stored under a generated name outside the static files."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("step_submissions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    submission: Mapped[StepSubmission] = relationship(back_populates="evidence")


class ImpactAction(Model):
    """A concrete action in an impact plan version, toward one Drechts Doel."""

    __tablename__ = "impact_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("step_submissions.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("drechtse_doelen.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    commitment: Mapped[str] = mapped_column(sa.String(200))
    target_date: Mapped[date] = mapped_column(sa.Date)

    submission: Mapped[StepSubmission] = relationship(back_populates="actions")
    goal: Mapped[DrechtsDoel] = relationship()


class StepDocument(Model):
    """A document St MBO offers on a step (the partner agreement), one file per language, versioned:
    a new upload is a new version, the latest is offered, earlier ones stay listed for staff."""

    __tablename__ = "step_documents"
    __table_args__ = (
        sa.UniqueConstraint("step_key", "language", "version", name="uq_step_documents_step_language_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint below starts with it.
    step_key: Mapped[str] = mapped_column(sa.ForeignKey("journey_steps.key", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(2))
    version: Mapped[int]
    file_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    uploaded_by: Mapped[User | None] = relationship()
