"""A real worker delivers the inspiration session's confirmation with its calendar file: the
attachment survives the outbox row and the worker's rebuilding of the mail, and the .ics parses."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from impactnet.extensions import db
from tests.helpers import login_client
from tests.sessions.helpers import planned_session, waiting_partner
from tests.workers.conftest import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    requires_postgres_and_redis,
    send_outbox_task,
    smtp_settings,
    wait_for,
)

pytestmark = requires_postgres_and_redis


def test_the_worker_sends_the_booking_confirmation_with_its_ics(app, dordrecht, path, smtp, start_worker, queue_name):
    partner = waiting_partner(dordrecht, path)
    session = planned_session(online_url="https://meet.example.nl/inspiratie")
    client = app.test_client()
    login_client(client, partner)
    assert client.post(f"/inspiration-sessions/{session.id}/book").status_code == 302
    db.session.rollback()

    server = smtp().start()
    worker = start_worker(
        database_url=TEST_DATABASE_URL, broker=TEST_REDIS_URL, queue=queue_name, **smtp_settings(server)
    )
    worker.wait_ready()
    send_outbox_task(TEST_REDIS_URL, queue_name)
    wait_for(lambda: any(m["To"] == partner.email for m in server.messages), 60, "no confirmation", worker)

    [mail] = [m for m in server.messages if m["To"] == partner.email]
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "inspiratiesessie.ics"
    assert attachment.get_content_type() == "text/calendar" and attachment["Content-Type"].params["method"] == "PUBLISH"
    content = attachment.get_content()
    [event] = Calendar.from_ical(content if isinstance(content, str) else content.decode()).walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["URL"]) == "https://meet.example.nl/inspiratie"
