"""Check-then-insert races answer as if the late request had come second (never a 500).

Each test lets a rival request (another app on the same database: another gunicorn worker) run
and commit just before this request's first write, after this request found the name, the
version number or the year still free (see :mod:`tests.races`); each checks that this was the
insert (or update) the race is about. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import JourneyStep, StepProgress, StepState, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.regions.models import Municipality, Target
from tests import factories
from tests.helpers import count
from tests.journey.helpers import answers, step_url, upload
from tests.races import WRITE, approved_before, expect, rival_client, rival_commits_first

IN_USE = "Deze waarde is al in gebruik bij een andere gemeente."


def _events(action: AuditAction) -> int:
    return count(AuditEvent, AuditEvent.action == action)


# --- municipalities and targets -------------------------------------------------------------------


@pytest.mark.parametrize("clash", ["name and slug", "slug"])
def test_two_staff_creating_the_same_municipality(client, login_as, rival_app, clash):
    login_as(Role.STAFF)
    colleague = rival_client(rival_app, factories.UserFactory(role=Role.STAFF))
    theirs = {"name": "Hendrik-Ido-Ambacht", "slug": "hendrik-ido-ambacht", "joined_on": "2025-07-01", "active": "y"}
    ours = {**theirs, "name": "H.I. Ambacht"} if clash == "slug" else theirs

    def colleague_first():
        expect(colleague.post("/municipalities/new", data=theirs), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post("/municipalities/new", data=ours)

    assert fired[0].startswith("INSERT INTO municipalities")
    assert response.status_code == 422
    assert IN_USE in response.get_data(as_text=True)
    assert count(Municipality, Municipality.slug == "hendrik-ido-ambacht") == 1
    assert count(Municipality, Municipality.name == "H.I. Ambacht") == 0
    assert _events(AuditAction.MUNICIPALITY_CREATED) == 1


def test_renaming_a_municipality_to_a_name_a_colleague_just_took(client, login_as, rival_app, dordrecht, zwijndrecht):
    login_as(Role.STAFF)
    colleague = rival_client(rival_app, factories.UserFactory(role=Role.STAFF))
    new = {"name": "Sliedrecht", "slug": "sliedrecht", "joined_on": "2025-01-01", "active": "y"}

    def colleague_first():
        expect(colleague.post("/municipalities/new", data=new), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post("/municipalities/zwijndrecht/edit", data=new)

    assert fired[0].startswith(("INSERT INTO audit_events", "UPDATE municipalities"))
    assert response.status_code == 422
    assert IN_USE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Municipality, zwijndrecht.id).name == "Zwijndrecht"
    assert count(Municipality, Municipality.slug == "sliedrecht") == 1
    assert _events(AuditAction.MUNICIPALITY_UPDATED) == 0


def test_two_staff_saving_the_same_years_target(client, login_as, rival_app, dordrecht):
    login_as(Role.STAFF)
    colleague = rival_client(rival_app, factories.UserFactory(role=Role.STAFF))
    theirs = {"year": "2026", "partners_wanted": "200", "labelled_wanted": "140"}

    def colleague_first():
        expect(colleague.post("/municipalities/dordrecht/targets", data=theirs), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(
            "/municipalities/dordrecht/targets",
            data={"year": "2026", "partners_wanted": "210", "labelled_wanted": "150"},
        )

    assert fired[0].startswith("INSERT INTO targets")
    assert response.status_code == 302  # the second save changes the first one's target
    db.session.expire_all()
    targets = list(db.session.scalars(sa.select(Target)))
    assert [(t.year, t.partners_wanted, t.labelled_wanted) for t in targets] == [(2026, 210, 150)]
    assert _events(AuditAction.TARGET_CREATED) == 1
    assert _events(AuditAction.TARGET_UPDATED) == 1


# --- accounts --------------------------------------------------------------------------------------


def test_two_admins_inviting_the_same_address(client, login_as, rival_app, dordrecht):
    login_as(Role.ADMIN)
    colleague = rival_client(rival_app, factories.UserFactory(role=Role.ADMIN))
    invitation = {
        "name": "Petra de Vries",
        "email": "p.devries@dordrecht.example.nl",
        "role": "municipality",
        "municipality": "dordrecht",
    }

    def colleague_first():
        expect(colleague.post("/admin/users/new", data=invitation), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post("/admin/users/new", data={**invitation, "email": "P.deVries@dordrecht.example.nl"})

    assert fired[0].startswith("INSERT INTO users")
    assert response.status_code == 422
    assert "Er bestaat al een account met dit e-mailadres." in response.get_data(as_text=True)
    assert count(User, User.email == "p.devries@dordrecht.example.nl") == 1
    assert count(OutboxMail, OutboxMail.to_address.contains("p.devries@dordrecht.example.nl")) == 1
    assert _events(AuditAction.USER_INVITED) == 1


# --- the journey ------------------------------------------------------------------------------------


def _versions(organisation, step_key: str) -> list[StepSubmission]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(StepSubmission)
            .join(StepProgress)
            .join(JourneyStep)
            .where(StepProgress.organisation_id == organisation.id, JourneyStep.key == step_key)
        )
    )


def _draft_events(organisation) -> int:
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.STEP_STATE_CHANGED, AuditEvent.organisation_id == organisation.id
        )
    )
    return sum(1 for e in events if (e.after or {}).get("state") == "draft")


def test_two_first_saves_of_a_step_keep_the_later_text(client, login_as, rival_app, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    approved_before(organisation, "inventarisatie")
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=organisation))
    url = step_url(organisation, "inventarisatie")

    def colleague_first():
        expect(colleague.post(url, data={**answers("Eerst. "), "save": "y"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(url, data={**answers("Later. "), "save": "y"})

    assert fired[0].startswith("INSERT INTO step_submissions")
    assert response.status_code == 302  # saved, as a second save is
    [draft] = _versions(organisation, "inventarisatie")
    assert draft.number == 1 and draft.state is StepState.DRAFT
    assert all(value.startswith("Later. ") for value in draft.answers.values())
    assert _draft_events(organisation) == 1
    assert "Concept opgeslagen." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_save_just_after_a_colleague_handed_the_step_in_is_refused_as_a_later_save_is(
    client, login_as, rival_app, path
):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    approved_before(organisation, "inventarisatie")
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=organisation))
    url = step_url(organisation, "inventarisatie")

    def colleague_first():
        expect(colleague.post(url, data={**answers(), "submit": "y"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(url, data={**answers("Mijn tekst. "), "save": "y"})

    assert fired[0].startswith("INSERT INTO step_submissions")
    refused = "Deze stap wacht op beoordeling door St MBO en kan nu niet worden gewijzigd."
    assert response.status_code == 422 and refused in response.get_data(as_text=True)
    later = client.post(url, data={**answers("Mijn tekst. "), "save": "y"})
    assert later.status_code == 422 and refused in later.get_data(as_text=True)  # the same answer
    [handed_in] = _versions(organisation, "inventarisatie")
    assert handed_in.state is StepState.SUBMITTED
    assert not any(value.startswith("Mijn tekst.") for value in handed_in.answers.values())


def test_an_upload_while_a_colleague_makes_the_first_draft_joins_that_draft(client, login_as, rival_app, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    journey.progress_list(organisation)
    db.session.commit()  # the rows exist (another step was used before)
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=organisation))
    url = step_url(organisation, "partnerovereenkomst")

    def colleague_first():
        expect(colleague.post(url, data={"statement": "Getekend", "save": "y"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = upload(client, organisation, "partnerovereenkomst")

    assert fired[0].startswith("INSERT INTO step_submissions")
    assert response.status_code == 302
    [draft] = _versions(organisation, "partnerovereenkomst")
    assert draft.statement == "Getekend"  # the colleague's text stays
    assert [item.original_name for item in draft.evidence] == ["overeenkomst.pdf"]  # and the file is in it


def test_first_saves_of_a_new_organisation_race_on_its_progress_rows(client, login_as, rival_app, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=organisation))
    url = step_url(organisation, "partnerovereenkomst")

    def colleague_first():
        expect(colleague.post(url, data={"statement": "Eerst", "save": "y"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(url, data={"statement": "Getekend door P. Pietersen", "save": "y"})

    assert fired[0].startswith("INSERT INTO step_progress")
    assert response.status_code == 302
    assert count(StepProgress, StepProgress.organisation_id == organisation.id) == len(path)
    [draft] = _versions(organisation, "partnerovereenkomst")
    assert draft.statement == "Getekend door P. Pietersen"
    assert _draft_events(organisation) == 1


def test_a_first_page_view_while_a_colleague_saves(client, login_as, rival_app, path):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    colleague = rival_client(rival_app, factories.PartnerUserFactory(organisation=organisation))
    url = step_url(organisation, "partnerovereenkomst")

    def colleague_first():
        expect(colleague.post(url, data={"statement": "Getekend door J. Jansen", "save": "y"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.get(url)

    assert fired[0].startswith("INSERT INTO step_progress")
    assert response.status_code == 200
    assert "Getekend door J. Jansen" in response.get_data(as_text=True)  # the colleague's draft
    assert count(StepProgress, StepProgress.organisation_id == organisation.id) == len(path)


def test_two_staff_recording_the_same_staff_step(client, login_as, rival_app, path):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory()
    approved_before(organisation, "inspiratiesessie")
    colleague = rival_client(rival_app, factories.UserFactory(role=Role.STAFF))
    url = f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record"

    def colleague_first():
        expect(colleague.post(url, data={"note": "Sessie op 3 maart"}), 302)

    with rival_commits_first(WRITE, colleague_first) as fired:
        response = client.post(url, data={"note": "Sessie gehouden op 3 maart"})

    assert fired[0].startswith("INSERT INTO step_submissions")
    assert response.status_code == 409  # what recording it again gets
    assert "Deze beslissing is in de huidige stand niet mogelijk." in response.get_data(as_text=True)
    [recorded] = _versions(organisation, "inspiratiesessie")
    assert recorded.statement == "Sessie op 3 maart" and recorded.state is StepState.APPROVED
    assert _events(AuditAction.ORGANISATION_STATUS_CHANGED) == 1  # partner -> working toward the label, once
