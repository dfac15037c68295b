from datetime import timedelta

import sqlalchemy as sa

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.mail.messages import build_message
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.mail.outbox import deliver_due, enqueue, retry
from tests import factories


def _message(app, to="ontvanger@example.nl", subject="Onderwerp"):
    user = factories.UserFactory(email=to, name="Jan")
    with app.test_request_context():
        return build_message(to, subject, "verify_email", user=user, link="http://portal.test/x", valid_for="1 week")


def _mails():
    return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))


def test_a_key_is_queued_once(app):
    message = _message(app)
    assert enqueue(message, dedupe_key="k-1", kind="test") is True
    assert enqueue(message, dedupe_key="k-1", kind="test") is False
    db.session.commit()
    assert len(_mails()) == 1


def test_due_mails_are_delivered_once_over_smtp(app, mailbox, smtp_server):
    _, handler = smtp_server
    for n in range(3):
        enqueue(_message(app, to=f"r{n}@example.nl", subject=f"Mail {n}"), dedupe_key=f"k-{n}", kind="test")
    db.session.commit()
    assert deliver_due() == (3, 0)
    assert deliver_due() == (0, 0)
    assert sorted(m["Subject"] for m in handler.messages) == ["Mail 0", "Mail 1", "Mail 2"]
    assert {m.status for m in _mails()} == {MailStatus.SENT}


def test_mail_not_yet_due_waits(app, smtp_server):
    enqueue(_message(app), dedupe_key="later", kind="test")
    db.session.commit()
    later = _mails()[0]
    later.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_due() == (0, 0)
    assert deliver_due(utcnow() + timedelta(minutes=6)) == (1, 0)


def test_smtp_down_retries_with_backoff_then_fails_and_staff_can_retry(app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 10)
    enqueue(_message(app), dedupe_key="down", kind="test")
    db.session.commit()
    now = utcnow()
    delays = []
    for _ in range(2):
        assert deliver_due(now) == (0, 1)
        mail = _mails()[0]
        assert mail.status is MailStatus.PENDING and mail.last_error
        delays.append(round((mail.next_attempt_at - now).total_seconds()))
        now = mail.next_attempt_at
    assert delays == [10, 20]
    assert deliver_due(now) == (0, 1)
    assert _mails()[0].status is MailStatus.FAILED
    assert deliver_due(now + timedelta(days=1)) == (0, 0)  # failed mails are not tried again by themselves

    monkeypatch.undo()
    retry(_mails()[0])
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert _mails()[0].status is MailStatus.SENT
