"""Two workers delivering at once (beat's run and a kick after a commit, or
two worker processes) never send the same mail twice."""

from __future__ import annotations

import re
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


def test_a_second_worker_joining_a_running_batch_sends_no_mail_twice(app, smtp, start_worker, queue_name):
    server = smtp(delay=0.05).start()
    ids = queue_mails(40, "two-workers")
    workers = [
        start_worker(database_url=TEST_DATABASE_URL, broker=TEST_REDIS_URL, queue=queue_name, **smtp_settings(server))
        for _ in range(2)
    ]
    for worker in workers:
        worker.wait_ready()

    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(lambda: len(server.messages) >= 5, 60, "the first batch did not start", *workers)
    send_outbox_task(TEST_REDIS_URL, queue_name)  # the other worker takes it while the batch runs
    wait_for(
        lambda: all(row.status is MailStatus.SENT for row in outbox("two-workers")),
        60,
        "the mails were not delivered",
        *workers,
    )
    # (A starting worker also takes the day's snapshots: only the outbox's tasks count here.)
    finished = re.compile(r"Task workers\.tasks\.send_outbox\[[^\]]+\] succeeded in")
    wait_for(
        lambda: sum(len(finished.findall(w.log())) for w in workers) == 2, 60, "the two tasks did not finish", *workers
    )

    assert all("Task workers.tasks.send_outbox" in worker.log() for worker in workers), "each worker ran a task"
    received = server.message_ids()
    assert {mid: times for mid, times in received.items() if times > 1} == {}, "mails sent twice"
    assert received == Counter({message_id(outbox_id): 1 for outbox_id in ids})
