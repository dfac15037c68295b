"""Sign-ups that meet: two colleagues of one organisation choosing different sessions at the same
moment (one booking survives), and, on PostgreSQL for real, two organisations taking the last place
(one place, one waiting-list spot: the session's row is locked)."""

from __future__ import annotations

import pytest

from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.sessions.models import BookingState, SessionBooking
from tests import factories
from tests.helpers import count, login_client
from tests.races import WRITE, at_once, expect, rival_client, rival_commits_first
from tests.sessions.helpers import planned_session, waiting_partner


def test_two_colleagues_signing_up_for_different_sessions_at_once_leave_one_booking(client, rival_app, dordrecht, path):
    partner = waiting_partner(dordrecht, path)
    journey.progress_list(partner.organisation)  # every step's row exists: the booking is the first write
    db.session.commit()
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=partner.organisation))
    ours, theirs = planned_session(in_days=5), planned_session(in_days=9)
    login_client(client, partner)

    def colleague_first():
        expect(colleague.post(f"/inspiration-sessions/{theirs.id}/book"), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(f"/inspiration-sessions/{ours.id}/book")
    assert fired
    assert response.status_code == 409 and "Annuleer die aanmelding eerst" in response.get_data(as_text=True)
    [booking] = db.session.query(SessionBooking).all()
    assert booking.session_id == theirs.id


@pytest.mark.commits  # the two sign-ups run in threads, on connections of their own
def test_two_organisations_taking_the_last_place_at_once_get_one_place_and_one_waiting_spot(app, dordrecht, path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL for real concurrent transactions (set TEST_DATABASE_URL=postgresql+psycopg://...)"
        )
    for round_number in range(4):
        users = [waiting_partner(dordrecht, path, f"Ronde {round_number} org {n}") for n in range(2)]
        session = planned_session(capacity=1)
        clients = []
        for user in users:
            client = app.test_client()
            login_client(client, user)
            clients.append(client)
        url = f"/inspiration-sessions/{session.id}/book"
        db.session.commit()  # the test's own session holds nothing while they race
        responses = at_once(*(lambda c=c, url=url: c.post(url) for c in clients))
        assert [r.status_code for r in responses] == [302, 302], round_number
        db.session.expire_all()
        states = sorted(
            b.state.value for b in db.session.query(SessionBooking).filter(SessionBooking.session_id == session.id)
        )
        assert states == [BookingState.BOOKED.value, BookingState.WAITING.value], round_number
    assert count(SessionBooking) == 8
