"""Claiming a submission ("ik pak dit op"), giving it back, taking a colleague's over: through HTTP,
with the hostile cases and the race of two colleagues claiming at once."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey.models import StepState as S
from impactnet.journey.models import StepSubmission
from tests import factories
from tests.helpers import count, login_client
from tests.races import WRITE, expect, rival_client, rival_commits_first
from tests.review.todo_helpers import at_step


@pytest.fixture
def submission(path, dordrecht):
    at_step(dordrecht, path, "Bakkerij De Merwede", current=("partnerovereenkomst", S.SUBMITTED), days_ago=4)
    return db.session.scalars(db.select(StepSubmission)).one()


def _claimed_by(submission_id: int):
    db.session.expire_all()
    return db.session.get(StepSubmission, submission_id).claimed_by_id


def _events(action: AuditAction) -> int:
    return count(AuditEvent, AuditEvent.action == action)


def test_claiming_shows_in_the_queue_for_colleagues_and_can_be_released(client, login, submission):
    sanne = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    login(sanne)
    queue = client.get("/review/").get_data(as_text=True)
    assert f'action="/review/submissions/{submission.id}/claim"' in queue and "Ik pak dit op" in queue
    response = client.post(f"/review/submissions/{submission.id}/claim")
    assert response.status_code == 302 and response.headers["Location"] == f"/review/submissions/{submission.id}"
    assert _claimed_by(submission.id) == sanne.id and _events(AuditAction.SUBMISSION_CLAIMED) == 1
    page = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    assert "U heeft deze inzending opgepakt" in page and "Vrijgeven" in page
    assert client.post(f"/review/submissions/{submission.id}/claim").status_code == 302  # a second click: no-op
    assert _events(AuditAction.SUBMISSION_CLAIMED) == 1

    login(factories.UserFactory(role=Role.STAFF, name="Bram Jansen"))
    queue = client.get("/review/").get_data(as_text=True)
    assert "Sanne de Vries" in queue and f'action="/review/submissions/{submission.id}/claim"' not in queue
    assert "Sanne de Vries" in client.get("/dashboard").get_data(as_text=True)

    login(sanne)
    assert client.post(f"/review/submissions/{submission.id}/release").status_code == 302
    assert _claimed_by(submission.id) is None and _events(AuditAction.SUBMISSION_RELEASED) == 1
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == AuditAction.SUBMISSION_RELEASED)).one()
    assert event.object_type == "step_submissions" and event.organisation_id is None  # not on the partner's timeline


def test_a_colleagues_claim_is_not_released_but_can_be_taken_over(client, login, submission):
    sanne = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    bram = factories.UserFactory(role=Role.STAFF, name="Bram Jansen")
    login(sanne)
    client.post(f"/review/submissions/{submission.id}/claim")

    login(bram)
    claimed = client.post(f"/review/submissions/{submission.id}/claim")
    assert claimed.status_code == 409
    assert "Sanne de Vries heeft deze inzending intussen opgepakt" in claimed.get_data(as_text=True)
    released = client.post(f"/review/submissions/{submission.id}/release")
    assert released.status_code == 409 and "alleen die kan hem vrijgeven" in released.get_data(as_text=True)
    assert _claimed_by(submission.id) == sanne.id
    page = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    assert "Opgepakt door Sanne de Vries" in page and f'name="claimant" type="hidden" value="{sanne.id}"' in page

    taken = client.post(f"/review/submissions/{submission.id}/take-over", data={"claimant": sanne.id})
    assert taken.status_code == 302 and _claimed_by(submission.id) == bram.id
    assert _events(AuditAction.SUBMISSION_TAKEN_OVER) == 1
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == AuditAction.SUBMISSION_TAKEN_OVER)
    ).one()
    assert event.before == {"claimed_by_id": sanne.id} and event.after == {"claimed_by_id": bram.id}
    assert event.actor_id == bram.id

    # Sanne's page still showed her own claim: taking over from a stale page is refused.
    login(sanne)
    stale = client.post(f"/review/submissions/{submission.id}/take-over", data={"claimant": sanne.id})
    assert stale.status_code == 409 and _claimed_by(submission.id) == bram.id


@pytest.mark.parametrize("data", [{}, {"claimant": "abc"}, {"claimant": "1" * 400}, {"claimant": "-1"}])
def test_hostile_take_over_gets_a_dutch_message_and_changes_nothing(client, login, submission, data):
    sanne = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    login(sanne)
    client.post(f"/review/submissions/{submission.id}/claim")
    login(factories.UserFactory(role=Role.STAFF))
    response = client.post(f"/review/submissions/{submission.id}/take-over", data=data)
    assert response.status_code in (409, 422)
    text = response.get_data(as_text=True)
    assert "Vernieuw de pagina" in text or "heeft deze inzending intussen opgepakt" in text
    assert _claimed_by(submission.id) == sanne.id and _events(AuditAction.SUBMISSION_TAKEN_OVER) == 0


def test_a_decided_or_missing_submission_cannot_be_claimed(client, login_as, submission):
    login_as(Role.STAFF)
    assert client.post("/review/submissions/999999/claim").status_code == 404
    assert (
        client.post(
            f"/review/submissions/{submission.id}/request-changes", data={"feedback": "Graag beide handtekeningen"}
        ).status_code
        == 302
    )
    response = client.post(f"/review/submissions/{submission.id}/claim")
    assert response.status_code == 409 and "al beslist" in response.get_data(as_text=True)
    assert _claimed_by(submission.id) is None
    assert "Wie pakt dit op?" not in client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)


def test_get_is_not_allowed(client, login_as, submission):
    login_as(Role.STAFF)
    for action in ("claim", "release", "take-over"):
        assert client.get(f"/review/submissions/{submission.id}/{action}").status_code == 405


def test_without_csrf_token_nothing_is_claimed(make_app, submission):
    csrf_client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_client(csrf_client, factories.UserFactory(role=Role.STAFF))
    for action in ("claim", "release", "take-over"):
        response = csrf_client.post(f"/review/submissions/{submission.id}/{action}", data={"claimant": "1"})
        assert response.status_code == 400
        assert "Het formulier is verlopen of niet geldig" in response.get_data(as_text=True)
    assert _claimed_by(submission.id) is None and _events(AuditAction.SUBMISSION_CLAIMED) == 0


def test_the_page_offers_the_claim_with_a_csrf_token(make_app, submission):
    csrf_client = make_app(WTF_CSRF_ENABLED=True).test_client()
    staff = factories.UserFactory(role=Role.STAFF)
    login_client(csrf_client, staff)
    page = csrf_client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    form = page.split(f'action="/review/submissions/{submission.id}/claim"')[1].split("</form>")[0]
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert csrf_client.post(f"/review/submissions/{submission.id}/claim", data={"csrf_token": token}).status_code == 302
    assert _claimed_by(submission.id) == staff.id


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_partners_and_viewers_cannot_claim(client, login_as, submission, role):
    login_as(role)
    for action in ("claim", "release", "take-over"):
        assert client.post(f"/review/submissions/{submission.id}/{action}", data={"claimant": "1"}).status_code == 403
    assert _claimed_by(submission.id) is None


@pytest.mark.parametrize("move", ["claim", "take-over"])
def test_two_colleagues_at_once_one_wins_the_other_hears_who(client, login, rival_app, submission, move):
    sanne = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    bram = factories.UserFactory(role=Role.STAFF, name="Bram Jansen")
    ours = factories.UserFactory(role=Role.STAFF, name="Noor Bakker")
    data = {}
    if move == "take-over":
        submission.claimed_by_id, submission.claimed_at = sanne.id, submission.submitted_at
        db.session.commit()
        data = {"claimant": sanne.id}
    colleague = rival_client(rival_app, bram)
    login(ours)

    def colleague_first():
        expect(colleague.post(f"/review/submissions/{submission.id}/{move}", data=data), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(f"/review/submissions/{submission.id}/{move}", data=data)

    assert fired and fired[0].lstrip().upper().startswith("UPDATE STEP_SUBMISSIONS")
    assert response.status_code == 409
    assert "Bram Jansen heeft deze inzending intussen opgepakt" in response.get_data(as_text=True)
    assert _claimed_by(submission.id) == bram.id
    action = AuditAction.SUBMISSION_CLAIMED if move == "claim" else AuditAction.SUBMISSION_TAKEN_OVER
    assert _events(action) == 1
