from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.review.services import review_queue
from tests import factories
from tests.journey.helpers import PDF


def _submitted_agreement(municipality, name: str, days_ago: int):
    partner = factories.PartnerUserFactory(organisation__municipality=municipality, organisation__name=name)
    organisation = partner.organisation
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    submission = journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    submission.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return submission


def test_queue_is_oldest_first_with_waiting_time_and_filters(client, login_as, path, dordrecht, zwijndrecht):
    recent = _submitted_agreement(dordrecht, "Recent B.V.", 2)
    oldest = _submitted_agreement(zwijndrecht, "Oudste B.V.", 20)
    middle = _submitted_agreement(dordrecht, "Midden B.V.", 9)

    items = review_queue(utcnow())
    assert [i.submission.id for i in items] == [oldest.id, middle.id, recent.id]
    assert items[0].waiting.days == 20

    login_as(Role.STAFF)
    page = client.get("/review/").get_data(as_text=True)
    assert page.index("Oudste B.V.") < page.index("Midden B.V.") < page.index("Recent B.V.")
    assert "20 dagen" in page
    only_dordrecht = client.get("/review/?municipality=dordrecht").get_data(as_text=True)
    assert "Oudste B.V." not in only_dordrecht and "Midden B.V." in only_dordrecht
    other_step = client.get("/review/?step=impactplan").get_data(as_text=True)
    assert "Niets te beoordelen." in other_step
    assert client.get("/review/?step=bestaat-niet").status_code == 400
    assert client.get("/review/?municipality=bestaat-niet").status_code == 400


def test_revoking_needs_a_reason_and_shows_on_the_organisation_page(app, client, login_as, path, dordrecht):
    from impactnet.organisations.models import OrganisationStatus
    from impactnet.review.services import award_or_renew_label

    staff = login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=OrganisationStatus.WORKING_TOWARD_LABEL)
    award_or_renew_label(staff, organisation)
    db.session.commit()

    assert client.post(f"/review/organisations/{organisation.id}/revoke", data={"reason": ""}).status_code == 422
    response = client.post(
        f"/review/organisations/{organisation.id}/revoke",
        data={"reason": "Afspraken uit het impactplan niet nagekomen"},
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.LABEL_REVOKED
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Label ingetrokken" in page and "Afspraken uit het impactplan niet nagekomen" in page


def test_withdrawn_organisation_cannot_edit_steps(client, login, path, dordrecht):
    partner = factories.PartnerUserFactory(organisation__municipality=dordrecht)
    staff = factories.UserFactory(role=Role.STAFF)
    login(staff)
    assert (
        client.post(
            f"/review/organisations/{partner.organisation_id}/withdraw", data={"reason": "Op eigen verzoek"}
        ).status_code
        == 302
    )
    login(partner)
    response = client.post(
        f"/organisations/{partner.organisation_id}/steps/partnerovereenkomst", data={"statement": "x", "save": "y"}
    )
    assert response.status_code == 422
    assert "afgemeld" in response.get_data(as_text=True)


def test_staff_cannot_record_a_session_before_the_inventory_is_approved(client, login_as, path, dordrecht):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    response = client.post(
        f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record", data={"note": "Sessie gehouden"}
    )
    assert response.status_code == 409
    assert "Rond eerst de stap ‘Inventarisatie’ af." in response.get_data(as_text=True)


def test_withdrawn_organisation_leaves_the_queue_and_cannot_be_decided(client, login, path, dordrecht):
    submission = _submitted_agreement(dordrecht, "Vertrokken B.V.", 3)
    staff = factories.UserFactory(role=Role.STAFF)
    login(staff)
    organisation_id = submission.progress.organisation_id
    assert (
        client.post(f"/review/organisations/{organisation_id}/withdraw", data={"reason": "Gestopt"}).status_code == 302
    )
    assert review_queue(utcnow()) == []
    response = client.post(f"/review/submissions/{submission.id}/approve")
    assert response.status_code == 409
    assert "Deze organisatie is afgemeld" in response.get_data(as_text=True)
