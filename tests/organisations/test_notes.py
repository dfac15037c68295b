"""St MBO's account manager and internal notes on an organisation, and "Mijn organisaties", through HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import Note
from tests import factories
from tests.helpers import count

NOTE_TEXT = "Gebeld met Pieter over de BBL-plaatsen; hij twijfelt nog"


@pytest.fixture
def organisation(dordrecht, path):
    return factories.OrganisationFactory(municipality=dordrecht, name="Schildersbedrijf Kwast B.V.")


def _note(**overrides) -> dict:
    data = {"kind": "telefoon", "happened_on": local_today().isoformat(), "text": NOTE_TEXT}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_staff_set_themselves_as_account_manager_and_find_it_under_mine(client, login_as, organisation):
    staff = login_as(Role.STAFF, name="Sterre de Vries")
    assert "U bent nog van geen enkele organisatie relatiebeheerder." in client.get("/organisations/mine").get_data(
        as_text=True
    )

    response = client.post(f"/organisations/{organisation.id}/account-manager", data={"account_manager": str(staff.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#account-manager")
    db.session.refresh(organisation)
    assert organisation.account_manager_id == staff.id
    [event] = _events(AuditAction.ACCOUNT_MANAGER_SET)
    assert (event.actor_id, event.organisation_id) == (staff.id, organisation.id)
    assert (event.before, event.after) == ({"account_manager_id": None}, {"account_manager_id": staff.id})

    page = client.get("/organisations/mine").get_data(as_text=True)
    assert "Schildersbedrijf Kwast B.V." in page and "Stap 1: Partnerovereenkomst" in page
    assert 'aria-current="page">Mijn organisaties' in page
    shown = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f'<option selected value="{staff.id}">Sterre de Vries</option>' in shown
    assert "Relatiebeheerder gewijzigd" in shown  # in St MBO's timeline
    assert "naar Sterre de Vries" in shown.split('<ol class="timeline">')[1]

    # The same again changes nothing and records nothing; "nobody" takes it away.
    client.post(f"/organisations/{organisation.id}/account-manager", data={"account_manager": str(staff.id)})
    assert len(_events(AuditAction.ACCOUNT_MANAGER_SET)) == 1
    client.post(f"/organisations/{organisation.id}/account-manager", data={"account_manager": ""})
    db.session.refresh(organisation)
    assert organisation.account_manager_id is None
    assert "Schildersbedrijf" not in client.get("/organisations/mine").get_data(as_text=True)
    assert "geen relatiebeheerder meer" in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)


@pytest.mark.parametrize("who", ["partner", "municipality", "inactive staff", "nobody", "not a number"])
def test_only_active_staff_can_be_account_manager(client, login_as, organisation, dordrecht, who):
    login_as(Role.STAFF)
    candidate = {
        "partner": lambda: str(factories.PartnerUserFactory(organisation=organisation).id),
        "municipality": lambda: str(factories.MunicipalityUserFactory(municipality=dordrecht).id),
        "inactive staff": lambda: str(factories.UserFactory(role=Role.STAFF, active=False).id),
        "nobody": lambda: "999999",
        "not a number": lambda: "1 OR 1=1",
    }[who]()
    response = client.post(f"/organisations/{organisation.id}/account-manager", data={"account_manager": candidate})
    assert response.status_code == 422
    assert "Kies een medewerker van St MBO uit de lijst." in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.account_manager_id is None
    assert _events(AuditAction.ACCOUNT_MANAGER_SET) == []


def test_the_list_offers_active_staff_and_admins_only(client, login_as, organisation):
    login_as(Role.STAFF, name="Sterre de Vries")
    factories.UserFactory(role=Role.ADMIN, name="Ahmed Beheer")
    factories.UserFactory(role=Role.STAFF, name="Oud Collega", active=False)
    factories.PartnerUserFactory(organisation=organisation, name="Pieter Partner")
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    select = page.split('id="account-manager-select"')[1].split("</select>")[0]
    assert "Sterre de Vries" in select and "Ahmed Beheer" in select and "Geen relatiebeheerder" in select
    assert "Oud Collega" not in select and "Pieter Partner" not in select


def test_staff_add_a_note_see_it_in_the_timeline_and_delete_it(client, login_as, organisation):
    staff = login_as(Role.STAFF, name="Sterre de Vries")
    yesterday = local_today() - timedelta(days=1)
    response = client.post(f"/organisations/{organisation.id}/notes", data=_note(happened_on=yesterday.isoformat()))
    assert response.status_code == 302 and response.headers["Location"].endswith("#notes")
    note = db.session.scalar(sa.select(Note))
    assert (note.kind.value, note.happened_on, note.text, note.author_id) == (
        "telefoon",
        yesterday,
        NOTE_TEXT,
        staff.id,
    )

    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    timeline = page.split('<ol class="timeline">')[1]
    assert "Interne notitie: Telefoongesprek" in timeline and NOTE_TEXT in timeline and "Sterre de Vries" in timeline
    assert "Notitie toegevoegd" in timeline

    [added] = _events(AuditAction.NOTE_ADDED)
    assert added.after == {"kind": "telefoon", "happened_on": yesterday.isoformat()}
    assert "Pieter" not in json.dumps([added.before, added.after, added.note])  # never the text

    response = client.post(f"/organisations/{organisation.id}/notes/{note.id}/delete")
    assert response.status_code == 302
    assert count(Note) == 0
    [deleted] = _events(AuditAction.NOTE_DELETED)
    assert deleted.before == {"kind": "telefoon", "happened_on": yesterday.isoformat()} and deleted.actor_id == staff.id
    assert NOTE_TEXT not in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)


def test_a_note_of_another_organisation_cannot_be_deleted_through_this_one(client, login_as, organisation, dordrecht):
    staff = login_as(Role.STAFF)
    other = factories.OrganisationFactory(municipality=dordrecht)
    note = Note(organisation_id=other.id, kind="gesprek", happened_on=local_today(), text="x", author_id=staff.id)
    db.session.add(note)
    db.session.commit()
    assert client.post(f"/organisations/{organisation.id}/notes/{note.id}/delete").status_code == 404
    assert client.post(f"/organisations/{organisation.id}/notes/999999/delete").status_code == 404
    assert count(Note) == 1


HOSTILE_NOTES = [
    ({"text": "x" * 5001}, "De notitie mag hoogstens 5000 tekens lang zijn."),
    ({"text": "   "}, "Schrijf de notitie."),
    ({"text": None}, "Schrijf de notitie."),
    ({"text": "\x01\x02\x7f"}, "Schrijf de notitie."),
    ({"happened_on": (local_today() + timedelta(days=1)).isoformat()}, "Deze datum ligt in de toekomst."),
    ({"happened_on": "31-02-2026"}, "Vul een geldige datum in."),
    ({"happened_on": "'; DROP TABLE notes; --"}, "Vul een geldige datum in."),
    ({"happened_on": None}, "Vul een geldige datum in."),
    ({"kind": "geheim"}, "Kies wat voor notitie het is."),
    ({"kind": ""}, "Kies wat voor notitie het is."),
]


@pytest.mark.parametrize("overrides,message", HOSTILE_NOTES)
def test_hostile_notes_are_refused_in_dutch_and_the_text_is_kept(client, login_as, organisation, overrides, message):
    login_as(Role.STAFF)
    data = _note(**overrides)
    response = client.post(f"/organisations/{organisation.id}/notes", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if "text" not in overrides:  # what was typed comes back in the form
        assert NOTE_TEXT in page.split('id="note-text"')[1].split("</textarea>")[0]
    assert count(Note) == 0 and _events(AuditAction.NOTE_ADDED) == []


def test_control_characters_are_dropped_and_markup_stays_text(client, login_as, organisation):
    login_as(Role.STAFF)
    text = "Afspraak\x07 gemaakt\x1b <script>alert('x')</script>\nregel twee"
    assert (
        client.post(f"/organisations/{organisation.id}/notes", data=_note(kind="afspraak", text=text)).status_code
        == 302
    )
    note = db.session.scalar(sa.select(Note))
    assert note.text == "Afspraak gemaakt <script>alert('x')</script>\nregel twee"
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page


def test_a_nul_character_is_refused_before_anything_is_saved(client, login_as, organisation):
    login_as(Role.STAFF)
    assert client.post(f"/organisations/{organisation.id}/notes", data=_note(text="A\x00B")).status_code == 400
    assert count(Note) == 0


def test_no_notes_on_an_erased_organisation(client, login_as, organisation):
    login_as(Role.STAFF)
    organisation.erased_at = organisation.created_at
    db.session.commit()
    response = client.post(f"/organisations/{organisation.id}/notes", data=_note())
    assert response.status_code == 422 and "er kunnen geen notities meer bij" in response.get_data(as_text=True)
    assert count(Note) == 0


def test_partners_and_municipalities_cannot_write_notes_or_pick_a_manager(client, login_as, organisation, dordrecht):
    partner = login_as(Role.PARTNER, organisation=organisation)
    assert client.post(f"/organisations/{organisation.id}/notes", data=_note()).status_code == 403
    assert (
        client.post(
            f"/organisations/{organisation.id}/account-manager", data={"account_manager": str(partner.id)}
        ).status_code
        == 403
    )
    assert client.get("/organisations/mine").status_code == 403
    login_as(Role.MUNICIPALITY)
    assert client.post(f"/organisations/{organisation.id}/notes", data=_note()).status_code == 403
    assert count(Note) == 0
    db.session.refresh(organisation)
    assert organisation.account_manager_id is None
