"""After the session staff tick who was there, once: each organisation present gets step 3 recorded
through the hand-recording's service (audit, status, the partner's mail); absent ones are marked;
an organisation recorded already is skipped and named."""

from __future__ import annotations

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState
from impactnet.organisations.models import OrganisationStatus
from impactnet.review.services import record_staff_step
from impactnet.sessions.attendance import attendance_note
from impactnet.sessions.models import SessionBooking
from tests import factories
from tests.helpers import count, login_client
from tests.sessions.helpers import mails_to, move_into_the_past, planned_session, waiting_partner


def _book(app, user, session):
    client = app.test_client()
    login_client(client, user)
    assert client.post(f"/inspiration-sessions/{session.id}/book").status_code == 302


def _step3(organisation, path) -> StepProgress:
    return (
        db.session.query(StepProgress)
        .filter_by(organisation_id=organisation.id, step_id=path["inspiratiesessie"].id)
        .one()
    )


def _booking(organisation) -> SessionBooking:
    return db.session.query(SessionBooking).filter_by(organisation_id=organisation.id).one()


def test_attendance_records_step_3_for_those_present_and_marks_the_others_absent(
    app, client, login_as, dordrecht, path, mailbox
):
    came, stayed_away = waiting_partner(dordrecht, path, "Kwam B.V."), waiting_partner(dordrecht, path, "Weg B.V.")
    session = planned_session(capacity=5)
    _book(app, came, session)
    _book(app, stayed_away, session)
    move_into_the_past(session)
    list(mailbox)
    mailbox._messages.clear()
    staff = login_as(Role.STAFF)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert "Kwam B.V." in page and "Weg B.V." in page and 'type="checkbox"' in page

    response = client.post(
        f"/sessions/{session.id}/attendance",
        data={"present": [str(_booking(came.organisation).id)]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is afgerond voor 1 organisatie(s)" in page and "Kwam B.V.</a>: aanwezig" in page
    assert "Weg B.V.</a>: afwezig" in page

    progress = _step3(came.organisation, path)
    assert progress.state is StepState.APPROVED
    assert progress.current.statement == attendance_note(session) and "bijgewoond" in progress.current.statement
    assert progress.current.decided_by_id == staff.id
    db.session.refresh(came.organisation)
    assert came.organisation.status is OrganisationStatus.WORKING_TOWARD_LABEL
    assert (
        count(
            AuditEvent,
            AuditEvent.action == AuditAction.STEP_STATE_CHANGED,
            AuditEvent.organisation_id == came.organisation_id,
        )
        == 1
    )
    assert count(AuditEvent, AuditEvent.action == AuditAction.SESSION_ATTENDANCE_RECORDED) == 1
    assert count(AuditEvent, AuditEvent.action == AuditAction.BOOKING_ATTENDANCE_RECORDED) == 2
    assert _booking(came.organisation).attended is True and _booking(stayed_away.organisation).attended is False
    assert (
        db.session.query(StepProgress)
        .filter_by(organisation_id=stayed_away.organisation_id, step_id=path["inspiratiesessie"].id)
        .one()
        .state
        is StepState.NOT_STARTED
    )

    [told] = mails_to(mailbox, came.email)
    assert "heeft de stap ‘Inspiratiesessie’ vastgelegd" in told["Subject"]
    assert mails_to(mailbox, stayed_away.email) == []

    partner = app.test_client()
    login_client(partner, came)
    dashboard = partner.get("/dashboard").get_data(as_text=True)
    assert "Stap 4: Impactplan" in dashboard and "Inspiratiesessies" not in dashboard

    again = client.post(f"/sessions/{session.id}/attendance", data={"present": []})
    assert again.status_code == 409 and "al vastgelegd" in again.get_data(as_text=True)
    assert _booking(stayed_away.organisation).attended is False


def test_an_organisation_recorded_by_hand_already_is_skipped_and_the_rest_recorded(
    app, client, login_as, dordrecht, path, mailbox
):
    by_hand, other = waiting_partner(dordrecht, path, "Handmatig B.V."), waiting_partner(dordrecht, path, "Ander B.V.")
    session = planned_session()
    _book(app, by_hand, session)
    _book(app, other, session)
    move_into_the_past(session)
    staff = factories.UserFactory(role=Role.STAFF)
    record_staff_step(staff, by_hand.organisation, "inspiratiesessie", "Een-op-een gesprek")
    db.session.commit()
    login(client, staff)
    present = [str(_booking(by_hand.organisation).id), str(_booking(other.organisation).id)]
    response = client.post(f"/sessions/{session.id}/attendance", data={"present": present}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Handmatig B.V. was aanwezig, maar de stap is niet vastgelegd" in page
    assert "is afgerond voor 1 organisatie(s)" in page
    assert _step3(other.organisation, path).state is StepState.APPROVED
    assert _step3(by_hand.organisation, path).current.statement == "Een-op-een gesprek"  # untouched
    assert len(_step3(by_hand.organisation, path).submissions) == 1


def login(client, user):
    login_client(client, user)


def test_attendance_waits_for_the_start_and_takes_only_listed_bookings(app, client, login_as, dordrecht, path):
    partner = waiting_partner(dordrecht, path)
    session = planned_session()
    _book(app, partner, session)
    login_as(Role.STAFF)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert "zodra de sessie is begonnen" in page and 'type="checkbox"' not in page
    response = client.post(
        f"/sessions/{session.id}/attendance", data={"present": [str(_booking(partner.organisation).id)]}
    )
    assert response.status_code == 409
    assert _booking(partner.organisation).attended is None
    move_into_the_past(session)
    for junk in (["abc"], ["999999"], ["-1"]):
        response = client.post(f"/sessions/{session.id}/attendance", data={"present": junk})
        assert response.status_code == 409 and "Vink alleen organisaties uit de lijst aan." in response.get_data(
            as_text=True
        )
    db.session.refresh(session)
    assert session.attendance_recorded_at is None and _booking(partner.organisation).attended is None


def test_staff_can_still_record_a_one_to_one_session_by_hand(client, login_as, dordrecht, path):
    partner = waiting_partner(dordrecht, path)
    login_as(Role.STAFF)
    response = client.post(
        f"/review/organisations/{partner.organisation_id}/steps/inspiratiesessie/record",
        data={"note": "Een-op-een sessie op locatie"},
    )
    assert response.status_code == 302
    assert _step3(partner.organisation, path).state is StepState.APPROVED
