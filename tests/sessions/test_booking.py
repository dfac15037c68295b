"""Partners waiting for the inspiration session sign up on their dashboard, join the waiting list when
it is full, cancel (the first on the waiting list gets the place); the confirmation carries the session
as a calendar file."""

from __future__ import annotations

from datetime import timedelta

import pytest

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.sessions.models import BookingState, SessionBooking
from tests import factories
from tests.helpers import count, login_client
from tests.review.todo_helpers import at_step
from tests.sessions.helpers import calendar_of, mails_to, move_into_the_past, planned_session, waiting_partner


@pytest.fixture
def partner(app, dordrecht, path):
    return waiting_partner(dordrecht, path)


def _client(app, user):
    client = app.test_client()
    login_client(client, user)
    return client


def _booking(organisation) -> SessionBooking | None:
    return (
        db.session.query(SessionBooking)
        .filter_by(organisation_id=organisation.id)
        .order_by(SessionBooking.id.desc())
        .first()
    )


def test_a_waiting_partner_sees_the_session_signs_up_and_gets_the_invitation(app, partner, mailbox):
    session = planned_session(online_url="https://meet.example.nl/inspiratie", capacity=12)
    client = _client(app, partner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Inspiratiesessies" in page and "Stadskantoor, Spuiboulevard 300, Dordrecht" in page
    assert "https://meet.example.nl/inspiratie" in page and "12" in page

    response = client.post(f"/inspiration-sessions/{session.id}/book", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "U ontvangt een bevestiging per e-mail met een agenda-uitnodiging" in page
    assert "U bent aangemeld voor de sessie van" in page
    booking = _booking(partner.organisation)
    assert booking.state is BookingState.BOOKED and booking.booked_by_id == partner.id
    assert (
        count(
            AuditEvent,
            AuditEvent.action == AuditAction.BOOKING_MADE,
            AuditEvent.organisation_id == partner.organisation_id,
        )
        == 1
    )

    [mail] = mails_to(mailbox, partner.email)
    assert "Aangemeld voor de inspiratiesessie" in mail["Subject"]
    calendar, content_type = calendar_of(mail)
    assert content_type == "text/calendar"
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == session.ends_at
    assert "DTSTART:" + session.starts_at.strftime("%Y%m%dT%H%M%SZ") in calendar.to_ical().decode()
    assert str(event["UID"]) == f"inspiratiesessie-{session.id}@portal.test"
    assert str(event["LOCATION"]) == session.location and str(event["URL"]) == session.online_url
    assert "Inspiratiesessie" in str(event["SUMMARY"])


def test_a_full_session_puts_the_next_organisation_on_the_waiting_list_with_its_position(app, dordrecht, path, mailbox):
    first, second = waiting_partner(dordrecht, path, "Eerste B.V."), waiting_partner(dordrecht, path, "Tweede B.V.")
    session = planned_session(capacity=1)
    assert _client(app, first).post(f"/inspiration-sessions/{session.id}/book").status_code == 302
    client = _client(app, second)
    assert "Op de wachtlijst" in client.get("/dashboard").get_data(as_text=True)
    page = client.post(f"/inspiration-sessions/{session.id}/book", follow_redirects=True).get_data(as_text=True)
    assert "u staat op de wachtlijst" in page
    assert "U staat op de wachtlijst voor de sessie van" in page and "op plaats 1" in page
    assert _booking(second.organisation).state is BookingState.WAITING
    [mail] = mails_to(mailbox, second.email)
    assert "wachtlijst" in mail["Subject"] and not list(mail.iter_attachments())


def test_a_cancellation_gives_the_place_to_the_first_on_the_waiting_list_and_tells_both(app, dordrecht, path, mailbox):
    first, second, third = (waiting_partner(dordrecht, path, f"{n} B.V.") for n in ("Eerste", "Tweede", "Derde"))
    session = planned_session(capacity=1)
    for user in (first, second, third):
        _client(app, user).post(f"/inspiration-sessions/{session.id}/book")
    list(mailbox)  # the sign-up mails
    mailbox._messages.clear()

    response = _client(app, first).post(f"/inspiration-sessions/{session.id}/cancel", follow_redirects=True)
    assert "Uw aanmelding is geannuleerd." in response.get_data(as_text=True)
    assert _booking(first.organisation).state is BookingState.CANCELLED
    assert _booking(second.organisation).state is BookingState.BOOKED
    assert _booking(third.organisation).state is BookingState.WAITING
    [cancelled] = mails_to(mailbox, first.email)
    calendar, _type = calendar_of(cancelled)
    assert calendar["METHOD"] == "CANCEL" and str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    [promoted] = mails_to(mailbox, second.email)
    assert "plaats vrijgekomen" in promoted["Subject"]
    assert calendar_of(promoted)[0]["METHOD"] == "PUBLISH"
    assert mails_to(mailbox, third.email) == []
    assert "op plaats 1" in _client(app, third).get("/dashboard").get_data(as_text=True)
    assert count(AuditEvent, AuditEvent.action == AuditAction.BOOKING_PROMOTED) == 1


def test_an_organisation_holds_one_booking_and_may_move_after_cancelling(app, partner):
    one, other = planned_session(in_days=5), planned_session(in_days=9)
    client = _client(app, partner)
    assert client.post(f"/inspiration-sessions/{one.id}/book").status_code == 302
    response = client.post(f"/inspiration-sessions/{other.id}/book")
    assert response.status_code == 409 and "Annuleer die aanmelding eerst" in response.get_data(as_text=True)
    assert client.post(f"/inspiration-sessions/{one.id}/book").status_code == 409
    assert count(SessionBooking) == 1
    client.post(f"/inspiration-sessions/{one.id}/cancel")
    assert client.post(f"/inspiration-sessions/{other.id}/book").status_code == 302
    assert _booking(partner.organisation).session_id == other.id


def test_a_colleague_sees_the_booking_and_a_partner_of_another_organisation_cannot_cancel_it(
    app, partner, dordrecht, path
):
    session = planned_session()
    _client(app, partner).post(f"/inspiration-sessions/{session.id}/book")
    colleague = factories.PartnerUserFactory(organisation=partner.organisation)
    assert "U bent aangemeld voor de sessie van" in _client(app, colleague).get("/dashboard").get_data(as_text=True)
    stranger = waiting_partner(dordrecht, path, "Ander B.V.")
    response = _client(app, stranger).post(f"/inspiration-sessions/{session.id}/cancel")
    assert response.status_code == 409 and "niet (meer) aangemeld" in response.get_data(as_text=True)
    assert _booking(partner.organisation).state is BookingState.BOOKED


@pytest.mark.parametrize("role", [Role.MUNICIPALITY, Role.STAFF])
def test_viewers_and_staff_cannot_sign_up(app, client, login_as, partner, role):
    session = planned_session()
    login_as(role)
    assert client.post(f"/inspiration-sessions/{session.id}/book").status_code == 403
    assert count(SessionBooking) == 0


def test_an_organisation_not_yet_at_the_step_sees_no_sessions_and_cannot_sign_up(app, dordrecht, path):
    early = at_step(dordrecht, path, "Vroeg B.V.", approved=("partnerovereenkomst",))
    user = factories.PartnerUserFactory(organisation=early)
    session = planned_session()
    client = _client(app, user)
    assert "Inspiratiesessies" not in client.get("/dashboard").get_data(as_text=True)
    response = client.post(f"/inspiration-sessions/{session.id}/book")
    assert response.status_code == 409 and "kan zich nu niet aanmelden" in response.get_data(as_text=True)
    assert count(SessionBooking) == 0


def test_past_cancelled_and_other_municipalities_sessions_are_refused(app, partner, zwijndrecht):
    past = planned_session(in_days=1)
    move_into_the_past(past)
    cancelled = planned_session(in_days=3)
    cancelled.cancelled_at = cancelled.created_at
    elsewhere = planned_session(in_days=4, municipality_id=zwijndrecht.id, location="Raadhuis Zwijndrecht")
    db.session.commit()
    client = _client(app, partner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Raadhuis Zwijndrecht" not in page and "Er staan nu geen sessies gepland" in page
    for session, message in (
        (past, "al begonnen of voorbij"),
        (cancelled, "geannuleerd"),
        (elsewhere, "andere gemeente"),
    ):
        response = client.post(f"/inspiration-sessions/{session.id}/book")
        assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert client.post("/inspiration-sessions/999999/book").status_code == 404
    assert count(SessionBooking) == 0


def test_cancelling_after_the_start_is_refused(app, partner):
    session = planned_session()
    client = _client(app, partner)
    client.post(f"/inspiration-sessions/{session.id}/book")
    move_into_the_past(session)
    response = client.post(f"/inspiration-sessions/{session.id}/cancel")
    assert response.status_code == 409 and "afmelden kan niet meer" in response.get_data(as_text=True)
    assert _booking(partner.organisation).state is BookingState.BOOKED


def test_an_organisation_whose_session_is_past_may_book_a_new_one(app, partner):
    held = planned_session(in_days=1)
    client = _client(app, partner)
    client.post(f"/inspiration-sessions/{held.id}/book")
    move_into_the_past(held)  # held, attendance not marked (yet): the organisation may choose another
    later = planned_session(in_days=10)
    assert client.post(f"/inspiration-sessions/{later.id}/book").status_code == 302
    assert _booking(partner.organisation).session_id == later.id
