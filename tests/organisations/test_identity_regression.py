"""The security probe's finding: a labelled partner moved its label to another company by editing
its own KvK number and name. Only HTTP and existing models here, so that it runs on the old code."""

from __future__ import annotations

from datetime import timedelta

from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.helpers import registration_data


def test_a_labelled_partner_cannot_move_its_label_to_another_company(client, login, dordrecht):
    organisation = factories.OrganisationFactory(
        municipality=dordrecht,
        name="Aannemer Groen",
        kvk_number="11111111",
        status=OrganisationStatus.LABELLED,
        label_awarded_on=local_today() - timedelta(days=30),
        label_valid_until=local_today() + timedelta(days=700),
    )
    login(factories.PartnerUserFactory(organisation=organisation))

    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data=registration_data(dordrecht, name="Overnemer B.V.", kvk_number="2222 2222"),
    )

    assert response.status_code == 302
    moved = client.get("/api/v1/verify/22222222")
    assert moved.status_code == 404 and moved.get_json() == {"kvk": "22222222", "status": "unknown"}
    kept = client.get("/api/v1/verify/11111111")
    assert kept.status_code == 200
    assert (kept.get_json()["name"], kept.get_json()["status"]) == ("Aannemer Groen", "labelled")
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == ("Aannemer Groen", "11111111")
