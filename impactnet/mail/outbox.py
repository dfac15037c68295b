"""The mail outbox: every outgoing mail is first a row, written in the same
transaction as the change that causes it; a worker task delivers due rows.

Delivery reuses one SMTP connection per batch, commits each mail as sent
straight after handing it over, retries failures with exponential backoff
and, after ``MAIL_MAX_ATTEMPTS``, marks the mail failed (staff see it and
can retry it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from impactnet.core.broker import send_by_name
from impactnet.database import insert_on_conflict, utcnow, whole_transaction_committed
from impactnet.extensions import db
from impactnet.mail.messages import MailError, connection, new_message
from impactnet.mail.models import MailStatus, OutboxMail

log = logging.getLogger(__name__)

SEND_TASK = "workers.tasks.send_outbox"


@dataclass(frozen=True)
class QueuedMail:
    """A built mail and the key that makes it exist at most once."""

    message: EmailMessage
    dedupe_key: str
    kind: str
    organisation_id: int | None = None


def enqueue(message: EmailMessage, *, dedupe_key: str, kind: str, organisation_id: int | None = None) -> bool:
    """Put a mail in the outbox (flush only). Returns False when a mail with
    this key exists already, so the same mail is never queued twice."""
    return enqueue_many([QueuedMail(message, dedupe_key, kind, organisation_id)]) == 1


def enqueue_many(mails: Iterable[QueuedMail]) -> int:
    """Put mails in the outbox, one INSERT per thousand; returns how many were queued.

    The unique key decides: a key already in the outbox, or queued at the
    same moment by a parallel scan, is skipped (ON CONFLICT DO NOTHING), so
    the count of statements does not grow with the number of mails.
    """
    rows = {}
    for mail in mails:
        rows.setdefault(mail.dedupe_key, _row(mail))
    if not rows:
        return 0
    db.session.flush()  # the rows may refer to organisations written in this transaction
    table = OutboxMail.__table__
    insert = insert_on_conflict(table, db.engine)
    statement = insert.on_conflict_do_nothing(index_elements=[table.c.dedupe_key]).returning(table.c.dedupe_key)
    queued = db.session.execute(statement, list(rows.values())).scalars().all()
    if queued:
        deliver_soon()
    return len(queued)


def _row(mail: QueuedMail) -> dict:
    message = mail.message
    html = message.get_body(preferencelist=("html",))
    attachment = next(message.iter_attachments(), None)  # at most one (a calendar invitation)
    return {
        "dedupe_key": mail.dedupe_key,
        "kind": mail.kind,
        "organisation_id": mail.organisation_id,
        "to_address": str(message["To"]),
        "subject": str(message["Subject"])[:300],
        "body_text": message.get_body(preferencelist=("plain",)).get_content(),
        "body_html": html.get_content() if html is not None else "",
        "attachment_filename": attachment.get_filename() if attachment is not None else None,
        "attachment_content_type": _content_type(attachment) if attachment is not None else None,
        "attachment_data": attachment.get_payload(decode=True) if attachment is not None else None,
    }


def _content_type(part: EmailMessage) -> str:
    """The attachment's type with its parameters but the name ("text/calendar; method=PUBLISH")."""
    params = [f"{key}={value}" for key, value in part["Content-Type"].params.items() if key not in ("name", "charset")]
    return "; ".join([part.get_content_type(), *params])[:100]


def queued_keys(keys: Iterable[str], chunk: int = 1000) -> set[str]:
    """Which of ``keys`` are in the outbox already: one query per thousand keys,
    so a scan renders only the mails that are new."""
    keys = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        found.update(
            db.session.scalars(
                sa.select(OutboxMail.dedupe_key).where(OutboxMail.dedupe_key.in_(keys[start : start + chunk]))
            )
        )
    return found


def as_message(mail: OutboxMail) -> EmailMessage:
    message = new_message()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<outbox-{mail.id}@impactnet>"
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    if mail.attachment_data is not None:
        content_type, *params = (part.strip() for part in (mail.attachment_content_type or "").split(";"))
        maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
        message.add_attachment(
            mail.attachment_data,
            maintype=maintype,
            subtype=subtype,
            filename=mail.attachment_filename,
            params=dict(param.partition("=")[::2] for param in params if "=" in param),
        )
    return message


def backoff(attempts: int) -> timedelta:
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


def _failed_attempt(mail: OutboxMail, error: str, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = error[:2000]
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = MailStatus.FAILED
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)


def _due(now: datetime, limit: int):
    query = (
        sa.select(OutboxMail)
        .where(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Two workers never take the same mail.
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _claim(mail_id: int, now: datetime) -> OutboxMail | None:
    """Lock one mail until the next commit, if it is still due. The batch's
    row locks end with its first commit; from then on another worker may take
    or send the same mails, so each mail is locked again before it goes out."""
    query = (
        sa.select(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now)
        .execution_options(populate_existing=True)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def deliver_due(now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send the due mails; returns (sent, failed attempts). Commits per mail."""
    now = now or utcnow()
    mails = _due(now, limit)
    if not mails:
        db.session.commit()
        return 0, 0
    sent = failed = 0
    ids = [mail.id for mail in mails]
    try:
        with connection() as send:
            for mail_id in ids:
                mail = _claim(mail_id, now)
                if mail is None:  # another worker has it, or sent it
                    continue
                try:
                    send(as_message(mail))
                except MailError as error:
                    _failed_attempt(mail, str(error), now)
                    failed += 1
                else:
                    mail.status, mail.sent_at, mail.attempts = MailStatus.SENT, utcnow(), mail.attempts + 1
                    sent += 1
                db.session.commit()
    except MailError as error:  # no connection at all: every mail of the batch waits
        log.warning("mail server unreachable: %s", error)
        for mail in mails:
            if mail.status is MailStatus.PENDING and mail.sent_at is None:
                _failed_attempt(mail, str(error), now)
                failed += 1
        db.session.commit()
    return sent, failed


def failed_mails(limit: int | None = None) -> list[OutboxMail]:
    """Failed mails, newest first (at most ``limit``)."""
    return list(
        db.session.scalars(
            sa.select(OutboxMail)
            .where(OutboxMail.status == MailStatus.FAILED)
            .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
            .limit(limit)
        )
    )


def failed_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(OutboxMail.status == MailStatus.FAILED))


def retry(mail: OutboxMail) -> bool:
    """Staff send a failed mail again; False (and nothing changes) when the
    mail is not failed, e.g. a second click after it was sent."""
    if mail.status is not MailStatus.FAILED:
        return False
    mail.status, mail.attempts, mail.next_attempt_at, mail.last_error = MailStatus.PENDING, 0, utcnow(), None
    db.session.flush()
    deliver_soon()
    return True


# After a commit that queued mail, ask the worker to deliver now instead of at
# its next periodic run (OUTBOX_INTERVAL_SECONDS, 30 s). Best effort: when the
# broker is down the portal goes on and the periodic run delivers the backlog.


def deliver_soon() -> None:
    """Wake the worker after this transaction commits: it has something to send (or to look up)."""
    db.session().info["outbox_queued"] = True


@event.listens_for(Session, "after_commit")
def _kick_worker(session) -> None:
    if whole_transaction_committed(session) and session.info.pop("outbox_queued", False):
        kick_worker()


def kick_worker() -> None:
    """Ask the worker to deliver now, on the broker it listens to (Redis, or the embedded default's
    folder); best effort: when the broker is away the periodic run delivers later."""
    try:
        send_by_name(SEND_TASK)
    except Exception as error:  # any broker trouble: the periodic run delivers later
        log.warning("could not reach the worker queue (%s); mail waits in the outbox", error)
