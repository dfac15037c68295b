"""St MBO plans, changes and cancels inspiration sessions; the list shows booked, capacity and waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.sessions.models import BookingState, InspirationSession, SessionBooking
from tests.helpers import count, login_client
from tests.sessions.helpers import calendar_of, mails_to, planned_session, waiting_partner


def form(day: date | None = None, **overrides) -> dict:
    data = {
        "date": (day or local_today() + timedelta(days=14)).isoformat(),
        "start_time": "15:30",
        "end_time": "17:00",
        "location": "Stadskantoor, Spuiboulevard 300, Dordrecht",
        "online_url": "",
        "capacity": "20",
        "language": "nl",
        "municipality_id": "",
    }
    data.update(overrides)
    return data


def _book(app, user, session):
    client = app.test_client()
    login_client(client, user)
    assert client.post(f"/inspiration-sessions/{session.id}/book").status_code == 302


def test_staff_plan_a_session_in_dutch_local_time_stored_in_utc(client, login_as, dordrecht):
    staff = login_as(Role.STAFF)
    assert "Inspiratiesessies" in client.get("/dashboard").get_data(as_text=True)  # in the navigation
    assert client.get("/sessions/new").status_code == 200
    response = client.post(
        "/sessions/new",
        data=form(date(2031, 3, 3), municipality_id=str(dordrecht.id), online_url="https://meet.example.nl/sessie"),
    )
    assert response.status_code == 302
    session = db.session.query(InspirationSession).one()
    # 15:30 in Amsterdam in winter (CET, UTC+1) is 14:30 UTC; summer time would be 13:30.
    assert session.starts_at == datetime(2031, 3, 3, 14, 30, tzinfo=UTC)
    assert session.ends_at == datetime(2031, 3, 3, 16, 0, tzinfo=UTC)
    assert session.municipality_id == dordrecht.id and session.created_by_id == staff.id
    assert count(AuditEvent, AuditEvent.action == AuditAction.SESSION_PLANNED) == 1
    page = client.get("/sessions/").get_data(as_text=True)
    assert "15:30" in page and "0 / 20" in page and "Dordrecht" in page


def test_summer_time_is_converted_too(client, login_as):
    login_as(Role.STAFF)
    client.post("/sessions/new", data=form(date(2031, 7, 1)))
    assert db.session.query(InspirationSession).one().starts_at == datetime(2031, 7, 1, 13, 30, tzinfo=UTC)


def test_the_list_shows_booked_waiting_and_how_many_wait_without_a_booking(app, client, login_as, dordrecht, path):
    first, second = waiting_partner(dordrecht, path, "Een B.V."), waiting_partner(dordrecht, path, "Twee B.V.")
    waiting_partner(dordrecht, path, "Drie B.V.")
    session = planned_session(capacity=1)
    _book(app, first, session)
    _book(app, second, session)
    login_as(Role.STAFF)
    page = client.get("/sessions/").get_data(as_text=True)
    assert "1 / 1" in page
    assert "1 organisatie wacht op de inspiratiesessie en heeft zich nog niet aangemeld" in page


def test_capacity_cannot_go_below_the_booked_count(app, client, login_as, dordrecht, path):
    session = planned_session(capacity=2)
    for name in ("Een B.V.", "Twee B.V."):
        _book(app, waiting_partner(dordrecht, path, name), session)
    login_as(Role.STAFF)
    assert client.get(f"/sessions/{session.id}/edit").status_code == 200
    response = client.post(f"/sessions/{session.id}/edit", data=form(local_today() + timedelta(days=7), capacity="1"))
    assert response.status_code == 422
    assert "Er zijn al 2 organisaties aangemeld; minder plaatsen kan niet." in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.capacity == 2


def test_more_places_let_the_waiting_list_in_and_a_new_time_sends_a_new_invitation(
    app, client, login_as, dordrecht, path, mailbox
):
    first, second = waiting_partner(dordrecht, path, "Een B.V."), waiting_partner(dordrecht, path, "Twee B.V.")
    session = planned_session(capacity=1)
    _book(app, first, session)
    _book(app, second, session)
    list(mailbox)
    mailbox._messages.clear()
    login_as(Role.STAFF)
    new_day = local_today() + timedelta(days=21)
    response = client.post(f"/sessions/{session.id}/edit", data=form(new_day, capacity="2"))
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.sequence == 1 and session.capacity == 2
    assert [b.state for b in session.bookings] == [BookingState.BOOKED, BookingState.BOOKED]
    [changed] = mails_to(mailbox, first.email)
    assert "gewijzigd" in changed["Subject"]
    event = calendar_of(changed)[0].walk("VEVENT")[0]
    assert event.decoded("DTSTART") == session.starts_at and int(event["SEQUENCE"]) == 1
    [promoted] = mails_to(mailbox, second.email)
    assert "plaats vrijgekomen" in promoted["Subject"]
    assert count(AuditEvent, AuditEvent.action == AuditAction.SESSION_UPDATED) == 1


def test_cancelling_a_session_ends_every_booking_and_tells_each_organisation(
    app, client, login_as, dordrecht, path, mailbox
):
    first, second = waiting_partner(dordrecht, path, "Een B.V."), waiting_partner(dordrecht, path, "Twee B.V.")
    session = planned_session(capacity=1)
    _book(app, first, session)
    _book(app, second, session)
    list(mailbox)
    mailbox._messages.clear()
    login_as(Role.STAFF)
    assert client.post(f"/sessions/{session.id}/cancel").status_code == 302
    db.session.refresh(session)
    assert session.cancelled_at is not None
    assert {b.state for b in session.bookings} == {BookingState.CANCELLED}
    assert all(b.open_for_organisation_id is None for b in session.bookings)
    [to_first] = mails_to(mailbox, first.email)
    assert "gaat niet door" in to_first["Subject"] and calendar_of(to_first)[0]["METHOD"] == "CANCEL"
    [to_second] = mails_to(mailbox, second.email)
    assert not list(to_second.iter_attachments())  # it had no place, so nothing in its agenda
    response = client.post(f"/sessions/{session.id}/cancel")
    assert response.status_code == 409 and "geannuleerd" in response.get_data(as_text=True)
    assert client.post(f"/sessions/{session.id}/edit", data=form()).status_code == 422


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_partners_and_viewers_see_nothing_of_the_staff_side(client, login_as, role):
    session = planned_session()
    login_as(role)
    for url in ("/sessions/", "/sessions/new", f"/sessions/{session.id}/edit", f"/sessions/{session.id}/attendance"):
        assert client.get(url).status_code == 403, url
    for url in ("/sessions/new", f"/sessions/{session.id}/cancel", f"/sessions/{session.id}/attendance"):
        assert client.post(url, data=form()).status_code == 403, url
    assert count(InspirationSession) == 1 and db.session.get(InspirationSession, session.id).cancelled_at is None
    assert count(SessionBooking) == 0
