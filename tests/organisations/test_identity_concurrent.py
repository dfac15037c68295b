"""Identity changes decided at the same instant, with real concurrent transactions (PostgreSQL
only: each thread has its own client, app context, session and connection):

- two staff members deciding on one request: exactly one decision wins, the other gets a 409;
- two requests of different organisations for the same new KvK number approved at once: the
  unique number lets exactly one through, the other gets a 409 with the Dutch message.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import IdentityChange, Organisation
from impactnet.organisations.models import IdentityChangeState as State
from tests import factories
from tests.helpers import count
from tests.organisations.helpers import edit_data, labelled, signed_in

pytestmark = [pytest.mark.postgres, pytest.mark.commits]  # threads race on connections of their own

ROUNDS = 4
TIMEOUT = 20


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL for real concurrent transactions (set TEST_DATABASE_URL=postgresql+psycopg://...)"
        )


def _request(app, organisation, kvk: str) -> int:
    partner = signed_in(app, factories.PartnerUserFactory(organisation=organisation))
    response = partner.post(f"/organisations/{organisation.id}/edit", data=edit_data(organisation, kvk_number=kvk))
    assert response.status_code == 302
    return db.session.scalar(
        sa.select(IdentityChange.id).where(
            IdentityChange.organisation_id == organisation.id, IdentityChange.state == State.PENDING
        )
    )


def _together(posts):
    """Each (client, url, data) opens its page, then all post at the same instant; [(status, body)]."""
    ready = threading.Barrier(len(posts), timeout=TIMEOUT)
    results: list = [None] * len(posts)
    errors: list[BaseException] = []

    def run(index, client, url, data):
        try:
            assert client.get(url.rsplit("/", 1)[0]).status_code == 200
            ready.wait()
            response = client.post(url, data=data)
            results[index] = response.status_code, response.get_data(as_text=True)
        except BaseException as error:
            errors.append(error)

    db.session.rollback()  # the test's own session holds nothing while they race
    threads = [threading.Thread(target=run, args=(i, *post), daemon=True) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a decision hung"
    if errors:
        raise errors[0]
    return results


def test_two_staff_deciding_at_once_exactly_one_wins(app, dordrecht):
    staff = [signed_in(app, factories.UserFactory(role=Role.STAFF)) for _ in range(2)]
    for round_number in range(ROUNDS):
        organisation = labelled(dordrecht, name=f"Race {round_number}", kvk=f"1111111{round_number}")
        change_id = _request(app, organisation, f"2222222{round_number}")
        url = f"/review/identity-changes/{change_id}"
        decisions = [(f"{url}/approve", {"note": ""}), (f"{url}/reject", {"reason": "Klopt niet."})]
        if round_number % 2:
            decisions.reverse()  # neither side favoured by start order

        results = _together([(client, u, d) for client, (u, d) in zip(staff, decisions, strict=True)])

        assert sorted(status for status, _ in results) == [302, 409], f"round {round_number}"
        loser = next(body for status, body in results if status == 409)
        assert "intussen al beslist" in loser
        db.session.expire_all()
        change = db.session.get(IdentityChange, change_id)
        won = decisions[[status for status, _ in results].index(302)][0]
        assert change.state is (State.APPROVED if won.endswith("approve") else State.REJECTED)
        decided = count(
            AuditEvent,
            AuditEvent.object_id == change_id,
            AuditEvent.action.in_([AuditAction.IDENTITY_CHANGE_APPROVED, AuditAction.IDENTITY_CHANGE_REJECTED]),
        )
        assert decided == 1
        organisation = db.session.get(Organisation, organisation.id)
        assert organisation.kvk_number == (
            f"2222222{round_number}" if change.state is State.APPROVED else f"1111111{round_number}"
        )


def test_two_organisations_approved_to_the_same_number_at_once_one_gets_it(app, dordrecht):
    staff = [signed_in(app, factories.UserFactory(role=Role.STAFF)) for _ in range(2)]
    for round_number in range(ROUNDS):
        wanted = f"3333333{round_number}"
        organisations = [
            labelled(dordrecht, name=f"Kandidaat {round_number}{side}", kvk=f"4444{side}{round_number:03d}")
            for side in range(2)
        ]
        changes = [_request(app, organisation, wanted) for organisation in organisations]

        results = _together(
            [
                (client, f"/review/identity-changes/{change_id}/approve", {"note": ""})
                for client, change_id in zip(staff, changes, strict=True)
            ]
        )

        assert sorted(status for status, _ in results) == [302, 409], f"round {round_number}"
        assert "Dit KvK-nummer hoort al bij een andere organisatie." in next(b for s, b in results if s == 409)
        db.session.expire_all()
        holders = db.session.scalars(sa.select(Organisation).where(Organisation.kvk_number == wanted)).all()
        assert len(holders) == 1
        states = sorted(db.session.get(IdentityChange, change_id).state for change_id in changes)
        assert states == [State.APPROVED, State.PENDING]  # the loser's request waits, unharmed
