"""Redis down: the portal keeps serving and registering; the mail waits in
the outbox and goes out once Redis and a worker are back."""
from __future__ import annotations

import logging
import time

from impactnet.notifications.models import MailStatus
from impactnet.notifications.outbox import kick_worker
from tests.helpers import registration_data
from tests.workers.conftest import (
    TEST_DATABASE_URL,
    message_id,
    outbox,
    port_is_closed,
    requires_postgres_and_redis,
    smtp_settings,
    wait_for,
)

pytestmark = requires_postgres_and_redis


def test_registration_works_with_redis_down_and_the_mail_goes_out_when_it_is_back(
        app, make_app, dordrecht, smtp, redis_server, start_worker, caplog):
    server = smtp().start()
    portal = make_app(REDIS_URL=redis_server.url)
    redis_server.start()
    with portal.app_context():
        kick_worker()  # the portal has been sending tasks to Redis: its connection is open
    redis_server.stop()
    assert port_is_closed(redis_server.port)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="impactnet.notifications.outbox"):
        response = portal.test_client().post("/register", data=registration_data(dordrecht))
    took = time.monotonic() - started

    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert took < 5, f"registration took {took:.2f} s with Redis down"
    assert "could not reach the worker queue" in caplog.text  # the kick was tried, and given up
    (mail,) = outbox("verify_email")
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.PENDING, 0, None)
    print(f"registration with Redis down took {took:.3f} s")

    redis_server.start()
    worker = start_worker(database_url=TEST_DATABASE_URL, broker=redis_server.url,
                          **smtp_settings(server)).wait_ready()
    with portal.app_context():
        kick_worker()  # what the next commit that queues mail does (or beat's next run)
    wait_for(lambda: outbox("verify_email")[0].status is MailStatus.SENT, 60, "the backlog was not delivered", worker)

    assert server.message_ids() == {message_id(mail.id): 1}
    assert "Bevestig uw e-mailadres" in server.messages[0]["Subject"]
