"""Hostile input on the session form and the sign-up buttons: a Dutch message and a 4xx, never a 500,
nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.sessions.models import InspirationSession, SessionBooking
from tests.helpers import count, login_client
from tests.sessions.helpers import planned_session, waiting_partner
from tests.sessions.test_staff_sessions import form

LONG = "x" * 5000
SCRIPT = "<script>alert('xss')</script>"

CASES = [
    ({"date": "gisteren"}, "Vul een geldige datum in."),
    ({"date": ""}, "Vul een geldige datum in."),
    ({"date": "2026-02-30"}, "Vul een geldige datum in."),
    ({"date": (local_today() - timedelta(days=1)).isoformat()}, "Kies een moment in de toekomst."),
    ({"start_time": "25:00"}, "Vul een geldige tijd in, bijvoorbeeld 15:30."),
    ({"end_time": "half vijf"}, "Vul een geldige tijd in, bijvoorbeeld 17:00."),
    ({"start_time": "17:00", "end_time": "15:00"}, "De eindtijd moet na de begintijd liggen."),
    ({"start_time": "15:00", "end_time": "15:00"}, "De eindtijd moet na de begintijd liggen."),
    ({"capacity": "0"}, "Vul een aantal plaatsen van 1 tot en met 500 in."),
    ({"capacity": "501"}, "Vul een aantal plaatsen van 1 tot en met 500 in."),
    ({"capacity": "-3"}, "Vul een aantal plaatsen van 1 tot en met 500 in."),
    ({"capacity": "9" * 30}, "Vul een aantal plaatsen van 1 tot en met 500 in."),
    ({"capacity": "tien"}, "Ongeldig getal."),
    ({"capacity": ""}, "Vul het aantal plaatsen in."),
    ({"online_url": "http://meet.example.nl/sessie"}, "Vul een volledige link in die begint met https://."),
    ({"online_url": "javascript:alert(1)"}, "Vul een volledige link in die begint met https://."),
    ({"online_url": "https://"}, "Vul een volledige link in die begint met https://."),
    ({"online_url": "https://meet.example.nl/" + "a" * 600}, "Hoogstens 500 tekens."),
    ({"location": LONG}, "Hoogstens 200 tekens."),
    ({"location": "", "online_url": ""}, "Vul een plaats of een link voor online deelnemen in."),
    ({"location": "   "}, "Vul een plaats of een link voor online deelnemen in."),
    ({"language": "xx"}, "Kies Nederlands of Engels."),
    ({"municipality_id": "abc"}, "Kies een gemeente uit de lijst."),
    ({"municipality_id": "999999"}, "Kies een gemeente uit de lijst."),
    ({"municipality_id": "1 OR 1=1"}, "Kies een gemeente uit de lijst."),
]


@pytest.mark.parametrize("overrides,message", CASES)
def test_a_bad_session_form_is_refused_in_dutch_and_nothing_is_saved(client, login_as, dordrecht, overrides, message):
    login_as(Role.STAFF)
    response = client.post("/sessions/new", data=form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Controleer het formulier" in page
    assert count(InspirationSession) == 0 and count(AuditEvent) == 0


@pytest.mark.parametrize("overrides,message", CASES[:3] + CASES[8:10])
def test_a_bad_edit_changes_nothing(client, login_as, overrides, message):
    session = planned_session(capacity=8)
    login_as(Role.STAFF)
    response = client.post(f"/sessions/{session.id}/edit", data=form(**overrides))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.capacity == 8 and session.sequence == 0


def test_script_in_the_place_is_stored_as_text_and_escaped_for_staff_and_partners(
    app, client, login_as, dordrecht, path
):
    login_as(Role.STAFF)
    assert client.post("/sessions/new", data=form(location=SCRIPT + " Café 🌱")).status_code == 302
    assert db.session.query(InspirationSession).one().location == SCRIPT + " Café 🌱"
    assert SCRIPT not in client.get("/sessions/").get_data(as_text=True)
    partner = app.test_client()
    login_client(partner, waiting_partner(dordrecht, path))
    page = partner.get("/dashboard").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_nul_characters_give_400(client, login_as):
    login_as(Role.STAFF)
    assert client.post("/sessions/new", data=form(location="Stad\x00huis")).status_code == 400
    assert count(InspirationSession) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/inspiration-sessions/abc/book",
        "/inspiration-sessions/999999/book",
        "/inspiration-sessions/-1/cancel",
        "/sessions/99999999999999999999/edit",
        "/sessions/0/attendance",
    ],
)
def test_unknown_sessions_give_404(client, login_as, url):
    login_as(Role.STAFF if url.startswith("/sessions") else Role.PARTNER)
    assert client.post(url).status_code == 404
    assert count(SessionBooking) == 0


def test_the_buttons_need_the_form_token(make_app, dordrecht, path):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    partner = waiting_partner(dordrecht, path)
    session = planned_session()
    client = guarded.test_client()
    login_client(client, partner)
    assert client.post(f"/inspiration-sessions/{session.id}/book").status_code == 400
    assert count(SessionBooking) == 0
