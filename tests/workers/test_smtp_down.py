"""SMTP down: mails wait with exponential backoff, fail after
MAIL_MAX_ATTEMPTS, and the pending ones go out when the server is back."""

from __future__ import annotations

import time
from datetime import timedelta

from impactnet.database import utcnow
from impactnet.mail.models import MailStatus
from impactnet.mail.outbox import deliver_due
from tests.conftest import free_port
from tests.workers.conftest import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    message_id,
    outbox,
    queue_mails,
    requires_postgres_and_redis,
    send_outbox_task,
    smtp_settings,
    wait_for,
)

pytestmark = requires_postgres_and_redis


def test_retries_back_off_exponentially_then_the_mail_fails(app, monkeypatch):
    for key, value in {"MAIL_PORT": free_port(), "MAIL_RETRY_BASE_SECONDS": 1, "MAIL_MAX_ATTEMPTS": 4}.items():
        monkeypatch.setitem(app.config, key, value)
    queue_mails(1, "backoff")
    now, delays = utcnow(), []
    for attempt in (1, 2, 3):
        assert deliver_due(now) == (0, 1)
        (mail,) = outbox("backoff")
        assert (mail.status, mail.attempts) == (MailStatus.PENDING, attempt) and mail.last_error
        delays.append((mail.next_attempt_at - now).total_seconds())
        assert deliver_due(mail.next_attempt_at - timedelta(milliseconds=1)) == (0, 0)  # not due before
        now = mail.next_attempt_at
    assert delays == [1, 2, 4]
    assert deliver_due(now) == (0, 1)
    assert outbox("backoff")[0].status is MailStatus.FAILED


def _run_task(queue, kind, attempts, worker):
    """Send the task and wait until the first mail of ``kind`` has ``attempts``;
    returns it and the moments the task was sent and its result seen."""
    sent = utcnow()
    send_outbox_task(TEST_REDIS_URL, queue)
    wait_for(lambda: outbox(kind)[0].attempts == attempts, 30, f"{kind} did not reach attempt {attempts}", worker)
    return outbox(kind)[0], sent, utcnow()


def _wait_until_due(mail):
    time.sleep(max(0.0, (mail.next_attempt_at - utcnow()).total_seconds()) + 0.05)


def test_with_smtp_down_the_worker_retries_fails_after_max_attempts_and_delivers_when_it_is_back(
    app, smtp, start_worker, queue_name
):
    server = smtp().start()
    worker = start_worker(
        database_url=TEST_DATABASE_URL,
        broker=TEST_REDIS_URL,
        queue=queue_name,
        **smtp_settings(server, MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=1),
    ).wait_ready()
    queue_mails(1, "smtp-up")
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(lambda: outbox("smtp-up")[0].status is MailStatus.SENT, 30, "the first mail was not sent", worker)
    server.stop()

    queue_mails(1, "smtp-down-early")
    for attempt, delay in ((1, 1), (2, 2)):
        mail, sent, seen = _run_task(queue_name, "smtp-down-early", attempt, worker)
        assert mail.status is MailStatus.PENDING and "refused" in mail.last_error.lower()
        # The worker's "now" lies between sending the task and seeing its result.
        assert sent <= mail.next_attempt_at - timedelta(seconds=delay) <= seen
        if attempt == 2:
            (late,) = queue_mails(1, "smtp-down-late")
        _wait_until_due(mail)

    mail, _, _ = _run_task(queue_name, "smtp-down-early", 3, worker)
    assert mail.status is MailStatus.FAILED and mail.last_error  # MAIL_MAX_ATTEMPTS=3
    (pending,) = outbox("smtp-down-late")
    assert (pending.status, pending.attempts) == (MailStatus.PENDING, 1)

    back = smtp(port=server.port).start()
    _wait_until_due(pending)
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(lambda: outbox("smtp-down-late")[0].status is MailStatus.SENT, 30, "the waiting mail was not sent", worker)

    assert back.message_ids() == {message_id(late): 1}  # the failed one stays for staff to retry
    assert outbox("smtp-down-early")[0].status is MailStatus.FAILED
