"""Redis down: the portal keeps serving, signing in, registering and taking reset requests, with the
throttle on (it counts in memory meanwhile); the mails wait in the database and go out once Redis and
a worker are back."""

from __future__ import annotations

import logging
import time

from impactnet.accounts.models import Role
from impactnet.extensions import limiter
from impactnet.mail.models import MailStatus
from impactnet.mail.outbox import kick_worker
from tests import factories
from tests.factories import PASSWORD
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


def test_with_redis_down_the_portal_signs_in_registers_and_takes_resets_and_the_mails_go_out_when_it_is_back(
    app, make_app, dordrecht, smtp, redis_server, start_worker, caplog
):
    server = smtp().start()
    portal = make_app(REDIS_URL=redis_server.url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_server.url)
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    redis_server.start()
    with portal.app_context():
        limiter.reset()
        kick_worker()  # the portal has been sending tasks to Redis: its connection is open
    redis_server.stop()
    assert port_is_closed(redis_server.port)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        response = portal.test_client().post("/register", data=registration_data(dordrecht))
        reset = portal.test_client().post("/reset-password", data={"email": "medewerker@example.nl"})
        staff = portal.test_client()
        signed_in = staff.post("/login", data={"email": "medewerker@example.nl", "password": PASSWORD})
        pages = {page: staff.get(page).status_code for page in ("/dashboard", "/regions", "/review/")}
    took = time.monotonic() - started

    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    assert reset.status_code == 302 and signed_in.headers["Location"] == "/dashboard"
    assert pages == {"/dashboard": 200, "/regions": 200, "/review/": 200}
    assert took < 10, f"registering, a reset request, signing in and three pages took {took:.2f} s with Redis down"
    assert "could not reach the worker queue" in caplog.text  # the kick was tried, and given up
    assert "falling back to in-memory storage" in caplog.text  # the throttle counted in memory
    (mail,) = outbox("verify_email")
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.PENDING, 0, None)
    print(f"with Redis down: {took:.3f} s")

    redis_server.start()
    worker = start_worker(database_url=TEST_DATABASE_URL, broker=redis_server.url, **smtp_settings(server)).wait_ready()
    with portal.app_context():
        kick_worker()  # what the next commit that queues mail does (or beat's next run)
    wait_for(
        lambda: (
            outbox("verify_email")[0].status is MailStatus.SENT
            and [m.status for m in outbox("reset_password")] == [MailStatus.SENT]
        ),
        60,
        "the backlog was not delivered",
        worker,
    )

    (reset_mail,) = outbox("reset_password")
    assert server.message_ids() == {message_id(mail.id): 1, message_id(reset_mail.id): 1}
    subjects = sorted(str(message["Subject"]) for message in server.messages)
    assert subjects == ["Bevestig uw e-mailadres voor impactnet", "Nieuw wachtwoord instellen voor impactnet"]
