"""Two staff members deciding on the same submission at the same time: exactly
one decision wins, the other sees a clear message.

Real concurrent transactions, so PostgreSQL only: each thread has its own
test client, hence its own app context, session and database connection.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus
from impactnet.review import services as review
from tests import factories
from tests.helpers import count, login_client
from tests.journey.helpers import PDF

pytestmark = [pytest.mark.postgres, pytest.mark.commits]  # threads race on connections of their own

CONFLICT = "Over deze inzending is intussen al beslist door een collega"
ROUNDS = 10
TIMEOUT = 20


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL for real concurrent transactions (set TEST_DATABASE_URL=postgresql+psycopg://...)"
        )


def _staff_client(app, name: str):
    user = factories.UserFactory(role=Role.STAFF, name=name)
    client = app.test_client()
    login_client(client, user)
    return user.id, client


def _new_partner():
    return factories.PartnerUserFactory(organisation__name=f"Race {count(User)} B.V.")


def _submit_agreement(partner, statement: str = "Getekend door J. Jansen") -> int:
    """Hand in the agreement (a first version, or a new one after changes were asked); its id."""
    organisation = partner.organisation
    if not journey.progress_for(organisation, "partnerovereenkomst").submissions:
        journey.add_evidence(
            partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "overeenkomst.pdf")
        )
    submission = journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput(statement=statement))
    db.session.commit()
    assert submission.state is StepState.SUBMITTED
    return submission.id


def _decisions() -> int:
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.STEP_STATE_CHANGED))
    return sum(1 for e in events if (e.after or {}).get("state") in ("approved", "changes_requested"))


def _run_together(*jobs):
    """Run each job in its own thread; return their results in order (re-raising any error)."""
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index, job):
        try:
            results[index] = job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a decision hung"
    if errors:
        raise errors[0]
    return results


def _http_race(clients, submission_id: int, decisions: list[str]):
    """Each staff member opens the review page, then all post their decision at the same instant."""
    ready = threading.Barrier(len(clients), timeout=TIMEOUT)

    def decide(client, decision):
        def job():
            page = client.get(f"/review/submissions/{submission_id}")
            assert page.status_code == 200 and "Goedkeuren" in page.get_data(as_text=True)
            ready.wait()
            data = (
                {"feedback": "Graag de versie met beide handtekeningen."}
                if decision == "request-changes"
                else {"note": ""}
            )
            response = client.post(f"/review/submissions/{submission_id}/{decision}", data=data)
            return response.status_code, response.get_data(as_text=True), response.headers.get("Location")

        return job

    db.session.rollback()  # the test's own session holds nothing while they race
    return _run_together(*(decide(c, d) for c, d in zip(clients, decisions, strict=True)))


OUTCOME = {"approve": StepState.APPROVED, "request-changes": StepState.CHANGES_REQUESTED}


@pytest.mark.parametrize(
    "pairing", ["approve-vs-request-changes", "approve-vs-approve", "request-changes-vs-request-changes"]
)
def test_two_staff_deciding_at_once_exactly_one_wins(app, path, pairing):
    first, second = {
        "approve-vs-request-changes": ("approve", "request-changes"),
        "approve-vs-approve": ("approve", "approve"),
        "request-changes-vs-request-changes": ("request-changes", "request-changes"),
    }[pairing]
    staff = [_staff_client(app, "Sanne de Vries"), _staff_client(app, "Bram Jansen")]
    partner = _new_partner()
    submission_id = _submit_agreement(partner)
    rounds = ROUNDS if first != second else ROUNDS // 2
    winners = []

    for round_number in range(rounds):
        # Swap who does what each round, so neither side is favoured by start order.
        decisions = [first, second] if round_number % 2 == 0 else [second, first]
        decisions_before = _decisions()
        status_changes_before = count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)

        results = _http_race([c for _, c in staff], submission_id, decisions)

        statuses = sorted(status for status, _, _ in results)
        assert statuses == [302, 409], f"round {round_number}: {statuses}"
        winner = next(i for i, (status, _, _) in enumerate(results) if status == 302)
        loser = 1 - winner
        assert results[winner][2].endswith("/review/")
        assert CONFLICT in results[loser][1]
        winners.append(decisions[winner])

        db.session.expire_all()
        submission = db.session.get(StepSubmission, submission_id)
        expected = OUTCOME[decisions[winner]]
        assert submission.state is expected and submission.progress.state is expected
        assert submission.decided_by_id == staff[winner][0]
        assert submission.decided_at is not None
        if expected is StepState.CHANGES_REQUESTED:
            assert submission.feedback == "Graag de versie met beide handtekeningen."
        assert _decisions() == decisions_before + 1, f"round {round_number}: not exactly one decision recorded"
        organisation = submission.progress.organisation
        status_changes = count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
        if expected is StepState.APPROVED:
            assert organisation.status is OrganisationStatus.PARTNER
            assert status_changes == status_changes_before + 1
            partner = _new_partner()
            submission_id = _submit_agreement(partner)
        else:
            assert organisation.status is OrganisationStatus.APPLICANT
            assert status_changes == status_changes_before
            submission_id = _submit_agreement(partner, f"Getekend, versie {round_number + 2}")

    assert len(winners) == rounds


def test_second_decision_waits_for_the_first_and_then_loses(app, path):
    """The service's conditional update: the second UPDATE blocks on the first's
    row lock, and once the first commits it matches no row."""
    submission_id = _submit_agreement(_new_partner())
    first_id = factories.UserFactory(role=Role.STAFF).id
    second_id = factories.UserFactory(role=Role.STAFF).id
    both_loaded = threading.Barrier(2, timeout=TIMEOUT)
    first_decided = threading.Event()
    first_may_commit = threading.Event()
    second_pid: list[int] = []
    engine = db.engine
    db.session.rollback()

    def first():
        with app.app_context():
            submission = db.session.get(StepSubmission, submission_id)
            actor = db.session.get(User, first_id)
            assert submission.state is StepState.SUBMITTED
            both_loaded.wait()
            review.approve(actor, submission)  # holds the row lock until the commit
            first_decided.set()
            assert first_may_commit.wait(TIMEOUT)
            db.session.commit()
            return "approved"

    def second():
        with app.app_context():
            submission = db.session.get(StepSubmission, submission_id)
            actor = db.session.get(User, second_id)
            assert submission.state is StepState.SUBMITTED  # what this staff member saw
            second_pid.append(db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
            both_loaded.wait()
            assert first_decided.wait(TIMEOUT)
            started = time.monotonic()
            try:
                review.request_changes(actor, submission, "Graag opnieuw.")
            except review.DecisionConflict as conflict:
                db.session.rollback()
                return "conflict", str(conflict), time.monotonic() - started
            db.session.commit()
            return "won", "", time.monotonic() - started

    def referee():
        # Let the first commit only once the second is seen waiting for its lock.
        deadline = time.monotonic() + TIMEOUT
        try:
            while time.monotonic() < deadline:
                if second_pid and first_decided.is_set():
                    with engine.connect() as connection:
                        waiting = connection.execute(
                            sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                            {"pid": second_pid[0]},
                        ).scalar()
                    if waiting == "Lock":
                        return True
                time.sleep(0.01)
            return False
        finally:
            first_may_commit.set()

    first_result, (outcome, message, _waited), saw_wait = _run_together(first, second, referee)

    assert first_result == "approved"
    assert saw_wait, "the second decision never waited for the first one's row lock"
    assert outcome == "conflict"
    assert CONFLICT in message
    db.session.expire_all()
    submission = db.session.get(StepSubmission, submission_id)
    assert submission.state is StepState.APPROVED and submission.decided_by_id == first_id
    assert submission.feedback is None
    assert _decisions() == 1


def test_decision_after_a_colleague_decided_shows_the_current_state(app, path):
    """The loser's page reloads the submission: it shows the colleague's decision and no decision forms."""
    submission_id = _submit_agreement(_new_partner())
    _, first = _staff_client(app, "Sanne de Vries")
    _, second = _staff_client(app, "Bram Jansen")
    assert second.get(f"/review/submissions/{submission_id}").status_code == 200
    assert first.post(f"/review/submissions/{submission_id}/approve").status_code == 302
    late = second.post(f"/review/submissions/{submission_id}/request-changes", data={"feedback": "Te laat"})
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert CONFLICT in page
    assert "Goedgekeurd" in page
    assert f'action="/review/submissions/{submission_id}/approve"' not in page
    db.session.expire_all()
    assert db.session.get(StepSubmission, submission_id).feedback is None
