"""A day before the session each booked organisation's users are reminded, once; never the waiting
list, a cancelled booking or a cancelled session."""

from __future__ import annotations

from datetime import timedelta

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.notifications.reminders import scan_reminders
from impactnet.sessions.models import BookingState, SessionBooking
from tests import factories
from tests.helpers import login_client
from tests.sessions.helpers import mails_to, planned_session, waiting_partner
from workers.tasks import scan_reminders as scan_task


def _book(app, user, session):
    client = app.test_client()
    login_client(client, user)
    client.post(f"/inspiration-sessions/{session.id}/book")
    return client


def test_booked_organisations_are_reminded_once_a_day_before(app, dordrecht, path, mailbox):
    booked, waiting = waiting_partner(dordrecht, path, "Geboekt B.V."), waiting_partner(dordrecht, path, "Wacht B.V.")
    colleague = factories.PartnerUserFactory(organisation=booked.organisation)
    cancelled = waiting_partner(dordrecht, path, "Afgemeld B.V.")
    tomorrow = planned_session(in_days=1, capacity=2)
    _book(app, booked, tomorrow)
    _book(app, cancelled, tomorrow).post(f"/inspiration-sessions/{tomorrow.id}/cancel")
    full = waiting_partner(dordrecht, path, "Vol B.V.")
    _book(app, full, tomorrow)
    _book(app, waiting, tomorrow)
    assert (
        db.session.query(SessionBooking).filter_by(organisation_id=waiting.organisation_id).one().state
        is BookingState.WAITING
    )
    list(mailbox)
    mailbox._messages.clear()

    now = tomorrow.starts_at - timedelta(hours=20)
    assert scan_reminders(tomorrow.starts_at - timedelta(hours=30)) == 0  # not yet
    assert scan_reminders(now) == 3  # Geboekt's two users and Vol's one
    db.session.commit()
    assert scan_reminders(now + timedelta(hours=1)) == 0
    reminders = [m for m in mailbox if m["Subject"].startswith("Morgen: de inspiratiesessie")]
    assert sorted(m["To"] for m in reminders) == sorted([booked.email, colleague.email, full.email])
    assert mails_to(mailbox, waiting.email) == [] and mails_to(mailbox, cancelled.email) == []
    assert "Stadskantoor" in reminders[0].get_body(preferencelist=("plain",)).get_content()


def test_a_cancelled_session_and_a_later_one_are_not_reminded(app, dordrecht, path, mailbox):
    partner = waiting_partner(dordrecht, path)
    session = planned_session(in_days=0.5)
    _book(app, partner, session)
    session.cancelled_at = utcnow()
    later = planned_session(in_days=3)
    db.session.commit()
    assert scan_reminders(utcnow()) == 0 and later.id


def test_the_hourly_reminder_task_sends_the_session_reminder(app, dordrecht, path, mailbox):
    partner = waiting_partner(dordrecht, path)
    _book(app, partner, planned_session(in_days=0.5))
    list(mailbox)
    mailbox._messages.clear()
    assert scan_task.run() == 1
    assert scan_task.run() == 0
    [mail] = mails_to(mailbox, partner.email)
    assert "Morgen" in mail["Subject"]
