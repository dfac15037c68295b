"""St MBO's actions on an organisation's page are offered exactly when the state machine allows them,
and the services refuse them otherwise (journey.statemachine.can_revoke_label / can_withdraw)."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.journey.statemachine import can_revoke_label, can_withdraw
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories

REASON = "Op verzoek van de organisatie"


@pytest.mark.parametrize("status", list(Status))
def test_revoking_is_offered_and_accepted_exactly_when_the_machine_allows_it(client, login_as, path, status):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(status=status)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    offered = f"/review/organisations/{organisation.id}/revoke" in page
    assert offered is can_revoke_label(status)
    response = client.post(f"/review/organisations/{organisation.id}/revoke", data={"reason": REASON})
    assert response.status_code == (302 if offered else 409)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).status is (Status.LABEL_REVOKED if offered else status)
    if not offered:
        assert "Deze organisatie heeft geen label om in te trekken." in response.get_data(as_text=True)


@pytest.mark.parametrize("status", list(Status))
def test_withdrawing_is_offered_and_accepted_exactly_when_the_machine_allows_it(client, login_as, path, status):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(status=status)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    offered = f"/review/organisations/{organisation.id}/withdraw" in page
    assert offered is can_withdraw(status)
    response = client.post(f"/review/organisations/{organisation.id}/withdraw", data={"reason": REASON})
    assert response.status_code == (302 if offered else 409)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).status is (Status.WITHDRAWN if offered else status)
