"""The staff's to-do overview sends the same few statements however much waits: all counts in one
statement, the oldest submissions (with who claimed them) in another, no query per row."""

from __future__ import annotations

from datetime import timedelta

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey.models import StepState as S
from impactnet.journey.models import StepSubmission
from impactnet.organisations.models import OrganisationStatus as Org
from tests import factories
from tests.helpers import login_client, statements
from tests.review.todo_helpers import ORDER, at_step

# The sign-in, the snapshots, the municipalities, the steps, the counts, the oldest submissions.
MAX_STATEMENTS = 6


def _network(municipality, path, n: int, claimant) -> None:
    for i in range(n):
        at_step(municipality, path, f"Inzending {n}-{i}", current=("partnerovereenkomst", S.SUBMITTED), days_ago=i)
        at_step(municipality, path, f"Sessie {n}-{i}", ORDER[:2], days_ago=i)
        at_step(municipality, path, f"Stil {n}-{i}", ORDER[:3], days_ago=60, current=("impactplan", S.DRAFT))
        at_step(
            municipality,
            path,
            f"Label {n}-{i}",
            status=Org.LABELLED,
            label_valid_until=local_today() + timedelta(days=10 + i),
        )
    for submission in db.session.scalars(db.select(StepSubmission).where(StepSubmission.state == S.SUBMITTED)):
        submission.claimed_by_id, submission.claimed_at = claimant.id, submission.submitted_at
    db.session.commit()


def _count(app, user) -> int:
    client = app.test_client()
    login_client(client, user)
    client.get("/dashboard")
    with statements() as seen:
        response = client.get("/dashboard")
    assert response.status_code == 200 and "todo-count" in response.get_data(as_text=True)
    return len(seen)


def test_the_staff_dashboard_sends_a_fixed_number_of_statements(app, path, dordrecht):
    staff = factories.UserFactory(role=Role.STAFF)
    claimant = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    counts = []
    for n in (1, 8):
        _network(dordrecht, path, n, claimant)
        counts.append(_count(app, staff))
    assert counts[0] == counts[1] and counts[1] <= MAX_STATEMENTS, counts


def test_a_to_do_list_sends_a_fixed_number_of_statements(app, path, dordrecht):
    staff = factories.UserFactory(role=Role.STAFF)
    counts = []
    for n in (1, 8):
        _network(dordrecht, path, n, staff)
        client = app.test_client()
        login_client(client, staff)
        with statements() as seen:
            assert client.get("/todo/stalled").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
