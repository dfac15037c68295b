import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.helpers import registration_data


def test_partner_edits_own_organisation_and_the_change_is_audited(client, login_as, dordrecht):
    user = login_as(Role.PARTNER)
    organisation = user.organisation
    data = registration_data(dordrecht, kvk_number=organisation.kvk_number, name="Nieuwe Naam B.V.", postcode="3312 cd")

    response = client.post(f"/organisations/{organisation.id}/edit", data=data)

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.name == "Nieuwe Naam B.V."
    assert organisation.postcode == "3312 CD"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATION_UPDATED))
    assert event.actor_id == user.id
    assert event.organisation_id == organisation.id
    assert event.before["name"].startswith("Bedrijf") and event.after["name"] == "Nieuwe Naam B.V."
    assert "kvk_number" not in event.after  # only what changed

    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Gegevens gewijzigd" in page  # the timeline


def test_saving_without_changes_records_nothing(client, login_as, dordrecht):
    user = login_as(Role.PARTNER)
    organisation = user.organisation
    data = registration_data(
        dordrecht,
        name=organisation.name,
        kvk_number=organisation.kvk_number,
        sector=organisation.sector,
        size_class=organisation.size_class,
        street_address=organisation.street_address,
        postcode=organisation.postcode,
        city=organisation.city,
        website="",
        public_listing=None,
    )
    client.post(f"/organisations/{organisation.id}/edit", data=data)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_partner_of_another_organisation_gets_404_for_read_and_write(client, login_as, dordrecht):
    login_as(Role.PARTNER)
    other = factories.OrganisationFactory(municipality=dordrecht, name="Andermans Zaak")
    assert client.get(f"/organisations/{other.id}").status_code == 404
    response = client.post(f"/organisations/{other.id}/edit", data=registration_data(dordrecht, name="Gekaapt"))
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.name == "Andermans Zaak"


def test_staff_list_filters_by_municipality_and_status_and_paginates(client, login_as, dordrecht, zwijndrecht):
    login_as(Role.STAFF)
    factories.OrganisationFactory.create_batch(55, municipality=dordrecht, status=OrganisationStatus.LABELLED)
    factories.OrganisationFactory(municipality=zwijndrecht, name="Zwijndrechtse Zaak")

    first = client.get("/organisations/?municipality=dordrecht&status=labelled").get_data(as_text=True)
    assert "55 organisaties" in first and "Pagina 1 van 2" in first
    assert "Zwijndrechtse Zaak" not in first
    second = client.get("/organisations/?municipality=dordrecht&status=labelled&page=2")
    assert second.status_code == 200
    assert client.get("/organisations/?page=3&municipality=dordrecht").status_code == 404
    only_zwijndrecht = client.get("/organisations/?municipality=zwijndrecht").get_data(as_text=True)
    assert "Zwijndrechtse Zaak" in only_zwijndrecht and "1 organisatie<" in only_zwijndrecht


def test_staff_sees_users_of_an_organisation_but_partners_only_their_own_page(client, login_as, dordrecht):
    partner = factories.PartnerUserFactory(email="contact@zaak.example.nl")
    login_as(Role.STAFF)
    page = client.get(f"/organisations/{partner.organisation_id}").get_data(as_text=True)
    assert "contact@zaak.example.nl" in page


def test_partner_writes_an_impact_statement_for_the_directory(client, login_as, dordrecht):
    user = login_as(Role.PARTNER)
    organisation = user.organisation
    organisation.status = OrganisationStatus.PARTNER
    db.session.commit()
    statement = "Wij bieden elk jaar twee BBL-plekken.\nEn we kopen in bij sociale ondernemers."
    data = registration_data(
        dordrecht, kvk_number=organisation.kvk_number, public_listing="y", impact_statement="  " + statement + "\x07  "
    )
    assert client.post(f"/organisations/{organisation.id}/edit", data=data).status_code == 302
    db.session.refresh(organisation)
    assert organisation.impact_statement == statement and organisation.public_listing
    assert statement.split("\n")[0] in client.get("/directory").get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATION_UPDATED))
    assert event.after["impact_statement"] == statement

    too_long = client.post(f"/organisations/{organisation.id}/edit", data={**data, "impact_statement": "x" * 601})
    assert too_long.status_code == 422 and "hoogstens 600 tekens" in too_long.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.impact_statement == statement  # nothing lost, nothing half-saved
