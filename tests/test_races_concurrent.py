"""The check-then-insert races of :mod:`tests.test_races`, for real: two requests in two threads,
released together, each with its own session and connection. Whoever wins, the other gets what a
request coming second gets, and one row exists.

Real concurrent transactions, so PostgreSQL only (SQLite runs one writer at a time).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState, StepSubmission
from impactnet.regions.models import Municipality, Target
from tests import factories
from tests.helpers import count, login_client
from tests.races import approved_before, at_once

pytestmark = [pytest.mark.postgres, pytest.mark.commits]  # threads race on connections of their own

ROUNDS = 4


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL for real concurrent transactions (set TEST_DATABASE_URL=postgresql+psycopg://...)"
        )


def _clients(app, *users):
    clients = []
    for user in users:
        client = app.test_client()
        login_client(client, user)
        clients.append(client)
    db.session.commit()  # the test's own session holds nothing while they race
    return clients


def _post_together(clients, url, data_for):
    return at_once(
        *(lambda c=c, i=i: c.post(url(i) if callable(url) else url, data=data_for(i)) for i, c in enumerate(clients))
    )


def _versions(organisation, step_key):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(StepSubmission)
            .join(StepProgress)
            .join(JourneyStep)
            .where(StepProgress.organisation_id == organisation.id, JourneyStep.key == step_key)
        )
    )


def test_two_staff_creating_the_same_municipality_at_once(app):
    clients = _clients(app, factories.UserFactory(role=Role.STAFF), factories.UserFactory(role=Role.STAFF))
    for round_number in range(ROUNDS):
        data = {
            "name": f"Gemeente {round_number}",
            "slug": f"gemeente-{round_number}",
            "joined_on": "2025-07-01",
            "active": "y",
        }
        responses = _post_together(clients, "/municipalities/new", lambda i, data=data: data)
        assert sorted(r.status_code for r in responses) == [302, 422], round_number
        loser = next(r for r in responses if r.status_code == 422)
        assert "Deze waarde is al in gebruik bij een andere gemeente." in loser.get_data(as_text=True)
        assert count(Municipality, Municipality.slug == data["slug"]) == 1


def test_two_admins_inviting_the_same_address_at_once(app, dordrecht):
    clients = _clients(app, factories.UserFactory(role=Role.ADMIN), factories.UserFactory(role=Role.ADMIN))
    for round_number in range(ROUNDS):
        email = f"viewer{round_number}@dordrecht.example.nl"
        responses = _post_together(
            clients,
            "/admin/users/new",
            lambda i, email=email: {
                "name": f"Viewer {i}",
                "email": email,
                "role": "municipality",
                "municipality": "dordrecht",
            },
        )
        assert sorted(r.status_code for r in responses) == [302, 422], round_number
        loser = next(r for r in responses if r.status_code == 422)
        assert "Er bestaat al een account met dit e-mailadres." in loser.get_data(as_text=True)
        assert count(User, User.email == email) == 1


def test_two_staff_saving_the_same_years_target_at_once(app, dordrecht):
    clients = _clients(app, factories.UserFactory(role=Role.STAFF), factories.UserFactory(role=Role.STAFF))
    for round_number in range(ROUNDS):
        year = 2030 + round_number
        wanted = [(200, 140), (210, 150)]
        responses = _post_together(
            clients,
            "/municipalities/dordrecht/targets",
            lambda i, year=year, wanted=wanted: {
                "year": str(year),
                "partners_wanted": str(wanted[i][0]),
                "labelled_wanted": str(wanted[i][1]),
            },
        )
        assert [r.status_code for r in responses] == [302, 302], round_number
        db.session.expire_all()
        [target] = db.session.scalars(sa.select(Target).where(Target.year == year))
        assert (target.partners_wanted, target.labelled_wanted) in wanted


def test_two_colleagues_saving_a_new_organisations_first_step_at_once(app, path):
    for round_number in range(ROUNDS):
        first = factories.PartnerUserFactory()
        organisation = first.organisation
        second = factories.PartnerUserFactory(organisation=organisation)
        clients = _clients(app, first, second)
        texts = [f"Getekend door J. Jansen ({round_number})", f"Getekend door P. Pietersen ({round_number})"]
        responses = _post_together(
            clients,
            f"/organisations/{organisation.id}/steps/partnerovereenkomst",
            lambda i, texts=texts: {"statement": texts[i], "save": "y"},
        )
        assert [r.status_code for r in responses] == [302, 302], round_number
        assert count(StepProgress, StepProgress.organisation_id == organisation.id) == len(path)
        [draft] = _versions(organisation, "partnerovereenkomst")
        assert draft.state is StepState.DRAFT and draft.statement in texts


def test_two_staff_recording_the_same_staff_step_at_once(app, path):
    clients = _clients(app, factories.UserFactory(role=Role.STAFF), factories.UserFactory(role=Role.STAFF))
    for round_number in range(ROUNDS):
        organisation = factories.OrganisationFactory()
        approved_before(organisation, "inspiratiesessie")
        url = f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record"
        responses = _post_together(clients, url, lambda i: {"note": f"Sessie gehouden (verslag {i})"})
        assert sorted(r.status_code for r in responses) == [302, 409], round_number
        loser = next(r for r in responses if r.status_code == 409)
        assert "Deze beslissing is in de huidige stand niet mogelijk." in loser.get_data(as_text=True)
        [recorded] = _versions(organisation, "inspiratiesessie")
        assert recorded.state is StepState.APPROVED


def test_two_colleagues_removing_each_other_at_once_leave_one_user(app, dordrecht):
    """Each sees two active users; the organisation's row lock makes the second see one."""
    for round_number in range(ROUNDS):
        organisation = factories.OrganisationFactory(municipality=dordrecht)
        first, second = (factories.PartnerUserFactory(organisation=organisation) for _ in range(2))
        clients = _clients(app, first, second)
        base = f"/organisations/{organisation.id}/colleagues"
        urls = (f"{base}/{second.id}/remove", f"{base}/{first.id}/remove")
        responses = at_once(*(lambda c=c, url=url: c.post(url) for c, url in zip(clients, urls, strict=True)))
        assert sorted(r.status_code for r in responses) == [302, 409], round_number
        loser = next(r for r in responses if r.status_code == 409)
        assert "is de laatste gebruiker van deze organisatie" in loser.get_data(as_text=True)
        assert count(User, User.organisation_id == organisation.id, User.active.is_(True)) == 1
