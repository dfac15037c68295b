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
# action (the route's last part): whether the machine allows it, the status it leads to, the refusal
ACTIONS = {
    "revoke": (can_revoke_label, Status.LABEL_REVOKED, "Deze organisatie heeft geen label om in te trekken."),
    "withdraw": (can_withdraw, Status.WITHDRAWN, "Deze organisatie is al afgemeld."),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", list(Status))
def test_an_action_is_offered_and_accepted_exactly_when_the_machine_allows_it(client, login_as, path, action, status):
    allowed, leads_to, refusal = ACTIONS[action]
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(status=status)
    url = f"/review/organisations/{organisation.id}/{action}"
    offered = url in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert offered is allowed(status)
    response = client.post(url, data={"reason": REASON})
    assert response.status_code == (302 if offered else 409)
    if not offered:
        assert refusal in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).status is (leads_to if offered else status)
