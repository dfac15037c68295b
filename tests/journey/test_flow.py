"""The whole path through HTTP: an organisation hands in, staff decide, the label follows."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import DrechtsDoel, StepState
from impactnet.organisations.models import OrganisationStatus
from impactnet.review import services as review
from tests import factories
from tests.helpers import count, login_client
from tests.journey.helpers import PDF, answers, latest_submission, plan, step_url, upload


def _staff_client(app):
    staff = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    client = app.test_client()
    login_client(client, staff)
    return client


def test_organisation_walks_the_whole_path_to_the_label(app, client, login_as, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff = _staff_client(app)
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))

    # 1 Partnerovereenkomst: evidence is required.
    refused = client.post(
        step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend door J. Jansen", "submit": "y"}
    )
    assert refused.status_code == 422
    assert "Voeg minstens één bestand toe als bewijs." in refused.get_data(as_text=True)
    assert upload(client, organisation, "partnerovereenkomst").status_code == 302
    assert (
        client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend door J. Jansen", "submit": "y"}
        ).status_code
        == 302
    )
    agreement = latest_submission(organisation, "partnerovereenkomst")
    assert agreement.state is StepState.SUBMITTED
    assert staff.post(f"/review/submissions/{agreement.id}/approve", data={"note": ""}).status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.PARTNER

    # 2 Inventarisatie: a draft first, then handed in; staff ask for a change; resubmitted; approved.
    assert (
        client.post(
            step_url(organisation, "inventarisatie"), data={"answer_banen_nu": "Twee participatiebanen", "save": "y"}
        ).status_code
        == 302
    )
    draft = latest_submission(organisation, "inventarisatie")
    assert draft.state is StepState.DRAFT and draft.answers["banen_nu"] == "Twee participatiebanen"
    assert client.post(step_url(organisation, "inventarisatie"), data={**answers(), "submit": "y"}).status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.WORKING_TOWARD_LABEL
    inventory = latest_submission(organisation, "inventarisatie")
    assert (
        staff.post(
            f"/review/submissions/{inventory.id}/request-changes", data={"feedback": "Noem ook de stageplaatsen."}
        ).status_code
        == 302
    )
    page = client.get(step_url(organisation, "inventarisatie")).get_data(as_text=True)
    assert "Noem ook de stageplaatsen." in page
    assert "Noem ook de stageplaatsen." in client.get("/dashboard").get_data(as_text=True)
    assert (
        client.post(
            step_url(organisation, "inventarisatie"), data={**answers("Nu met stages. "), "submit": "y"}
        ).status_code
        == 302
    )
    resubmitted = latest_submission(organisation, "inventarisatie")
    assert resubmitted.number == 2 and resubmitted.state is StepState.SUBMITTED
    assert staff.post(f"/review/submissions/{resubmitted.id}/approve").status_code == 302

    # 3 Inspiratiesessie: recorded by staff; the organisation cannot hand it in.
    assert (
        client.post(step_url(organisation, "inspiratiesessie"), data={"statement": "x", "submit": "y"}).status_code
        == 422
    )
    assert (
        staff.post(
            f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record",
            data={"note": "Sessie gehouden op 3 maart"},
        ).status_code
        == 302
    )

    # 4 Impactplan.
    assert client.post(step_url(organisation, "impactplan"), data={**plan(goal.id), "submit": "y"}).status_code == 302
    assert (
        staff.post(f"/review/submissions/{latest_submission(organisation, 'impactplan').id}/approve").status_code == 302
    )

    # 5 Beoordeling en label.
    assert (
        client.post(
            step_url(organisation, "beoordeling"), data={"statement": "Graag beoordelen", "submit": "y"}
        ).status_code
        == 302
    )
    assert (
        staff.post(f"/review/submissions/{latest_submission(organisation, 'beoordeling').id}/approve").status_code
        == 302
    )
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.LABELLED
    assert organisation.label_awarded_on == local_today()
    assert organisation.label_valid_until == local_today() + relativedelta(years=2)

    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Label behaald" in dashboard and "5 van 5 stappen afgerond" in dashboard
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id)))
    assert {
        AuditAction.STEP_STATE_CHANGED,
        AuditAction.EVIDENCE_ADDED,
        AuditAction.ORGANISATION_STATUS_CHANGED,
        AuditAction.LABEL_AWARDED,
    } <= actions
    timeline = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Label toegekend" in timeline and "Sanne de Vries" in timeline


def test_no_step_before_its_predecessor_is_approved(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))
    response = client.post(step_url(organisation, "impactplan"), data={**plan(goal.id), "submit": "y"})
    assert response.status_code == 422
    assert "Rond eerst de stap ‘Inspiratiesessie’ af." in response.get_data(as_text=True)
    # Not handed in; what was typed is kept as the draft.
    plan_version = latest_submission(organisation, "impactplan")
    assert plan_version.state is StepState.DRAFT and plan_version.submitted_at is None
    assert [a.commitment for a in plan_version.actions] == ["2 BBL-plaatsen per jaar"]


def test_unverified_user_can_save_but_not_submit(client, login_as, path):
    organisation = login_as(Role.PARTNER, email_verified_at=None).organisation
    upload(client, organisation, "partnerovereenkomst")
    response = client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend", "submit": "y"})
    assert response.status_code == 422
    assert "Bevestig eerst uw e-mailadres" in response.get_data(as_text=True)
    assert latest_submission(organisation, "partnerovereenkomst").state is StepState.DRAFT


def test_submitted_step_cannot_be_changed_until_decided(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    upload(client, organisation, "partnerovereenkomst")
    client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend", "submit": "y"})
    again = client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "Anders", "save": "y"})
    assert again.status_code == 422
    assert "wacht op beoordeling" in again.get_data(as_text=True)
    assert latest_submission(organisation, "partnerovereenkomst").statement == "Getekend"
    assert upload(client, organisation, "partnerovereenkomst").status_code == 422


def test_changing_an_approved_step_re_enters_review_and_keeps_the_approved_version(app, client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    staff = _staff_client(app)
    upload(client, organisation, "partnerovereenkomst")
    client.post(
        step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend door J. Jansen", "submit": "y"}
    )
    staff.post(f"/review/submissions/{latest_submission(organisation, 'partnerovereenkomst').id}/approve")

    client.post(
        step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend door P. Pietersen", "submit": "y"}
    )
    newer = latest_submission(organisation, "partnerovereenkomst")
    assert newer.number == 2 and newer.state is StepState.SUBMITTED
    assert len(newer.evidence) == 1  # the file came along into the new version
    page = client.get(step_url(organisation, "partnerovereenkomst")).get_data(as_text=True)
    assert "Gewijzigd ten opzichte van de goedgekeurde versie 1" in page
    assert (
        "verwijderd: </span>Getekend door J. Jansen</del>" in page
        and "toegevoegd: </span>Getekend door P. Pietersen</ins>" in page
    )
    review = staff.get(f"/review/submissions/{newer.id}").get_data(as_text=True)
    assert "toegevoegd: </span>Getekend door P. Pietersen</ins>" in review


def test_label_renewal_extends_from_the_old_end_date(app, client, login_as, path):
    from impactnet.journey.services import progress_list
    from impactnet.review.services import award_or_renew_label

    organisation = login_as(Role.PARTNER).organisation
    staff_user = factories.UserFactory(role=Role.STAFF)
    organisation.status = OrganisationStatus.WORKING_TOWARD_LABEL
    award_or_renew_label(staff_user, organisation, today=date(2026, 1, 10))
    assert organisation.label_valid_until == date(2028, 1, 10)
    award_or_renew_label(staff_user, organisation, today=date(2027, 12, 1))
    assert organisation.label_valid_until == date(2030, 1, 10)
    assert organisation.status is OrganisationStatus.LABELLED
    db.session.commit()
    assert count(AuditEvent, AuditEvent.action == AuditAction.LABEL_RENEWED) == 1
    assert progress_list(organisation)  # progress rows made on first use


def test_expired_label_shows_as_expired_before_and_after_the_scan(client, login_as, path):
    from impactnet.review.services import expire_due_labels

    organisation = login_as(Role.PARTNER).organisation
    organisation.status = OrganisationStatus.LABELLED
    organisation.label_awarded_on, organisation.label_valid_until = date(2023, 1, 1), date(2025, 1, 1)
    db.session.commit()
    assert "Label verlopen" in client.get("/dashboard").get_data(as_text=True)
    assert expire_due_labels(local_today()) == [organisation.id]
    assert expire_due_labels(local_today()) == []
    db.session.commit()
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.LABEL_EXPIRED
    assert "Label verlopen" in client.get("/dashboard").get_data(as_text=True)


def _labelled_organisation(app, client, login_as):
    """Walk an organisation to the label through the services (the HTTP walk is tested above)."""
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    staff = factories.UserFactory(role=Role.STAFF)
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    review.approve(staff, journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput("Getekend")))
    review.approve(
        staff,
        journey.submit(
            partner, organisation, "inventarisatie", journey.StepInput(answers={k[7:]: v for k, v in answers().items()})
        ),
    )
    review.record_staff_step(staff, organisation, "inspiratiesessie", "Sessie gehouden")
    action = journey.PlannedAction(goal.id, "BBL-plaatsen", "2 BBL-plaatsen per jaar", date(2027, 9, 1))
    review.approve(staff, journey.submit(partner, organisation, "impactplan", journey.StepInput(actions=(action,))))
    review.approve(staff, journey.submit(partner, organisation, "beoordeling", journey.StepInput("Graag")))
    db.session.commit()
    return organisation, _staff_client(app)


def test_renewal_through_a_new_review_of_the_last_step(app, client, login_as, path):
    organisation, staff = _labelled_organisation(app, client, login_as)
    # On the day of the award renewal is not open: that once made a label valid for four years.
    refused = client.post(step_url(organisation, "beoordeling"), data={"statement": "Verlenging graag", "submit": "y"})
    assert refused.status_code == 422
    opens = organisation.label_valid_until - relativedelta(months=6)
    assert f"Verlengen kunt u aanvragen vanaf {opens.day} " in refused.get_data(as_text=True)
    assert latest_submission(organisation, "beoordeling").number == 1
    # Six months before the end it is.
    organisation.label_valid_until = local_today() + relativedelta(months=6)
    db.session.commit()
    first_end = organisation.label_valid_until
    assert (
        client.post(
            step_url(organisation, "beoordeling"), data={"statement": "Verlenging graag", "submit": "y"}
        ).status_code
        == 302
    )
    renewal = latest_submission(organisation, "beoordeling")
    assert renewal.number == 2 and renewal.state is StepState.SUBMITTED
    assert staff.post(f"/review/submissions/{renewal.id}/approve").status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.LABELLED
    assert organisation.label_valid_until == first_end + relativedelta(years=2)
    assert count(AuditEvent, AuditEvent.action == AuditAction.LABEL_RENEWED) == 1


def test_changing_the_impact_plan_after_the_label_re_enters_review_and_keeps_the_label(app, client, login_as, path):
    organisation, staff = _labelled_organisation(app, client, login_as)
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))
    data = {**plan(goal.id, **{"actions-0-commitment": "3 BBL-plaatsen per jaar"}), "submit": "y"}
    assert client.post(step_url(organisation, "impactplan"), data=data).status_code == 302
    changed = latest_submission(organisation, "impactplan")
    assert changed.state is StepState.SUBMITTED and changed.number == 2
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.LABELLED
    review_page = staff.get(f"/review/submissions/{changed.id}").get_data(as_text=True)
    assert "3 BBL-plaatsen per jaar" in review_page and "verwijderd: </span>DDD 1: " in review_page
