from datetime import date

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from impactnet.regions.models import Municipality, Target
from impactnet.stats.models import REGION
from impactnet.stats.services import latest_snapshots, take_snapshots
from tests import factories
from tests.helpers import count, registration_data


def test_staff_adds_a_fourth_municipality_which_entrepreneurs_can_then_choose(client, app, login_as, dordrecht):
    login_as(Role.STAFF)
    response = client.post(
        "/municipalities/new",
        data={"name": "Hendrik-Ido-Ambacht", "slug": "Hendrik-Ido-Ambacht", "joined_on": "2025-07-01", "active": "y"},
    )
    assert response.status_code == 302
    added = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "hendrik-ido-ambacht"))
    assert added.joined_on == date(2025, 7, 1)
    assert count(AuditEvent, AuditEvent.action == AuditAction.MUNICIPALITY_CREATED) == 1

    visitor = app.test_client()
    assert "Hendrik-Ido-Ambacht" in visitor.get("/register").get_data(as_text=True)
    assert visitor.post("/register", data=registration_data(added)).status_code == 302


def test_staff_keep_the_postcode_areas_that_registration_checks(client, app, login_as, dordrecht):
    login_as(Role.STAFF)
    form = {"name": "Dordrecht", "slug": "dordrecht", "joined_on": "2021-11-01", "active": "y"}
    for junk in ("33", "abcd-efgh", "3329-3311", "0999", "3311-33299", "<script>"):
        response = client.post("/municipalities/dordrecht/edit", data={**form, "postcode_ranges": junk})
        assert response.status_code == 422, junk
        assert "Schrijf de postcodegebieden als vier cijfers of een reeks" in response.get_data(as_text=True)
    response = client.post("/municipalities/dordrecht/edit", data={**form, "postcode_ranges": "3311-3329;3341  "})
    assert response.status_code == 302
    db.session.refresh(dordrecht)
    assert dordrecht.postcode_ranges == "3311-3329, 3341"
    assert dordrecht.covers_postcode("3341 AA") and not dordrecht.covers_postcode("3340 ZZ")
    change = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.MUNICIPALITY_UPDATED))
    assert change.after["postcode_ranges"] == "3311-3329, 3341"
    visitor = app.test_client()
    assert visitor.post("/register", data=registration_data(dordrecht, postcode="3340 AB")).status_code == 422


def test_the_network_is_seeded_with_its_postcode_areas(tmp_path):
    from flask_migrate import upgrade

    from impactnet import create_app

    fresh = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
        }
    )
    with fresh.app_context():
        upgrade()
        seeded = dict(db.session.execute(sa.select(Municipality.slug, Municipality.postcode_ranges)).all())
        db.engine.dispose()
    assert seeded == {"dordrecht": "3311-3329", "zwijndrecht": "3330-3336, 3341", "sliedrecht": "3360-3364"}


def test_staff_sets_and_changes_a_target_with_history(client, login_as, dordrecht):
    login_as(Role.STAFF)
    assert (
        client.post(
            "/municipalities/dordrecht/targets",
            data={"year": "2026", "partners_wanted": "200", "labelled_wanted": "140"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/municipalities/dordrecht/targets",
            data={"year": "2026", "partners_wanted": "210", "labelled_wanted": "150"},
        ).status_code
        == 302
    )
    target = db.session.scalar(sa.select(Target))
    assert (target.year, target.partners_wanted, target.labelled_wanted) == (2026, 210, 150)
    update = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.TARGET_UPDATED))
    assert update.object_id == target.id
    assert update.before == {"partners_wanted": 200, "labelled_wanted": 140}
    assert update.after == {"partners_wanted": 210, "labelled_wanted": 150}
    assert "210" in client.get("/municipalities/dordrecht/edit").get_data(as_text=True)


def test_deactivated_municipality_is_no_longer_offered(client, app, login_as, dordrecht):
    login_as(Role.STAFF)
    client.post(
        "/municipalities/dordrecht/edit", data={"name": "Dordrecht", "slug": "dordrecht", "joined_on": "2021-11-01"}
    )
    db.session.refresh(dordrecht)
    assert dordrecht.active is False
    assert "Dordrecht" not in app.test_client().get("/register").get_data(as_text=True).split("<select", 1)[1]


def test_counts_follow_the_statuses(dordrecht, zwijndrecht):
    for status, n in [
        (OrganisationStatus.APPLICANT, 2),
        (OrganisationStatus.PARTNER, 3),
        (OrganisationStatus.WORKING_TOWARD_LABEL, 4),
        (OrganisationStatus.LABELLED, 5),
        (OrganisationStatus.LABEL_EXPIRED, 1),
        (OrganisationStatus.WITHDRAWN, 1),
    ]:
        factories.OrganisationFactory.create_batch(n, municipality=dordrecht, status=status)
    factories.OrganisationFactory(municipality=zwijndrecht, status=OrganisationStatus.LABELLED)

    take_snapshots(local_today())
    snapshots = latest_snapshots()
    counts = snapshots[dordrecht.id]
    assert (counts.partners, counts.labelled, counts.working_toward_label, counts.applicants) == (13, 5, 7, 2)
    assert snapshots[REGION].labelled == 6


def test_municipality_viewer_sees_own_aggregates_but_no_names(client, login_as, dordrecht, zwijndrecht):
    factories.OrganisationFactory(municipality=dordrecht, status=OrganisationStatus.LABELLED, name="Geheime Zaak B.V.")
    factories.PartnerUserFactory(organisation__municipality=dordrecht, email="persoon@zaak.example.nl")
    login_as(Role.MUNICIPALITY, municipality=dordrecht)

    assert client.get("/dashboard").headers["Location"] == "/municipalities/dordrecht"
    page = client.get("/municipalities/dordrecht").get_data(as_text=True)
    assert "Ondernemen met impact in Dordrecht" in page
    assert "Geheime Zaak" not in page and "persoon@zaak.example.nl" not in page
    assert client.get("/municipalities/zwijndrecht").status_code == 403
