"""A worker killed (SIGKILL) in the middle of a batch: nothing is lost, and
what the SMTP server accepted is exactly what the outbox marks as sent."""

from __future__ import annotations

from collections import Counter

from impactnet.mail.models import MailStatus
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

MAILS = 40


def _start(start_worker, server, queue_name):
    return start_worker(
        database_url=TEST_DATABASE_URL, broker=TEST_REDIS_URL, queue=queue_name, **smtp_settings(server)
    ).wait_ready()


def _all_sent(kind):
    return lambda: all(row.status is MailStatus.SENT for row in outbox(kind))


def test_worker_killed_during_a_hand_over_sends_every_mail_exactly_once(app, smtp, start_worker, queue_name):
    server = smtp(delay=0.1).start()  # slow, so that the kill lands in the middle of the batch
    ids = queue_mails(MAILS, "kill-batch")
    first = _start(start_worker, server, queue_name)

    send_outbox_task(TEST_REDIS_URL, queue_name)
    # Kill while the server holds mail 11 in DATA (it has not answered 250 yet).
    wait_for(
        lambda: len(server.messages) >= 10 and server.data_started > len(server.messages),
        60,
        "ten mails did not arrive",
        first,
    )
    first.kill()
    received_at_kill = len(server.messages)
    rows = outbox("kill-batch")
    sent_at_kill = sum(row.status is MailStatus.SENT for row in rows)
    print(
        f"killed with {received_at_kill} mails received, {sent_at_kill} marked sent, "
        f"{server.data_started - received_at_kill} in DATA"
    )
    assert 10 <= received_at_kill < MAILS
    assert sent_at_kill == received_at_kill
    assert {row.id for row in rows if row.status is MailStatus.SENT} == {
        int(mid.removeprefix("<outbox-").removesuffix("@impactnet>")) for mid in server.message_ids()
    }

    # The killed worker's task is not acknowledged; Redis would redeliver it
    # after the visibility timeout (an hour). A second worker and a new task
    # (beat's next run, or the next kick) deliver the rest now.
    second = _start(start_worker, server, queue_name)
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(_all_sent("kill-batch"), 60, "the rest of the batch was not delivered", second)

    assert server.message_ids() == Counter({message_id(outbox_id): 1 for outbox_id in ids})
    rows = outbox("kill-batch")
    assert len(rows) == MAILS
    assert {(row.status, row.attempts) for row in rows} == {(MailStatus.SENT, 1)}


def test_worker_killed_after_the_server_accepted_a_mail_sends_that_mail_again(app, smtp, start_worker, queue_name):
    """The one window exactly-once cannot cover: the server accepted mail 11
    (it has the message) but the worker dies before it records that. No
    protocol between an SMTP server and a database closes this window; the
    outbox chooses at-least-once, so mail 11 goes out again, with the same
    Message-ID (receivers and mail clients drop such duplicates). Nothing is
    lost and no other mail is sent twice."""
    server = smtp(delay=0.02).start()
    ids = queue_mails(MAILS, "kill-window")
    first = _start(start_worker, server, queue_name)

    def kill_before_the_250(_message):
        if len(server.messages) == 11:
            first.kill()

    server.on_received = kill_before_the_250
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(lambda: not first.alive(), 60, "the worker did not reach mail 11")
    server.on_received = None
    rows = outbox("kill-window")
    assert sum(row.status is MailStatus.SENT for row in rows) == 10

    second = _start(start_worker, server, queue_name)
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(_all_sent("kill-window"), 60, "the rest of the batch was not delivered", second)

    expected = Counter({message_id(outbox_id): 1 for outbox_id in ids})
    expected[message_id(ids[10])] = 2
    assert server.message_ids() == expected
    assert {row.status for row in outbox("kill-window")} == {MailStatus.SENT}
