from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from impactnet.database import UTCDateTime, text_enum, utcnow
from impactnet.extensions import Model


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(Model):
    """A mail to send, written in the same transaction as the change that causes it.

    ``dedupe_key`` is unique: whatever runs twice (a scan, a beat, a
    redelivered task), a mail with the same key exists once.
    """

    __tablename__ = "outbox_mails"
    __table_args__ = (sa.Index("ix_outbox_mails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # One file sent along (the inspiration session's calendar invitation), or none.
    attachment_filename: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    attachment_data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[MailStatus] = mapped_column(
        text_enum(MailStatus, 10),
        default=MailStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
