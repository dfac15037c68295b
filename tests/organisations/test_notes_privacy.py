"""Internal notes never leak: no partner, municipality or public page, no API answer and no export
shows them, except the partner's own data export (right of access, AVG art. 15; see the README).
Erasure takes them away."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.api.services import create_token
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations import notes
from impactnet.organisations.models import Note, NoteKind, Organisation
from impactnet.privacy.services import erase_organisation
from tests import factories
from tests.access_world import PARTNER, PARTNER_OTHER, STAFF, VIEWER, VIEWER_OTHER, VISITOR
from tests.helpers import count, login_client
from tests.test_access_matrix import _routes

SECRET = "Geheimpje-7f3a: Pieter wil eigenlijk stoppen"
SECRET_PUBLIC = "Geheimpje-91bc: de gelabelde zaak loopt slecht"


def _add_notes(users, values):
    own = db.session.get(Organisation, values["organisation_id"])
    labelled = db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == values["kvk"]))
    staff = users[STAFF]
    notes.add_note(staff, own, notes.NoteInput(NoteKind.PHONE_CALL, local_today(), SECRET), local_today())
    notes.add_note(staff, labelled, notes.NoteInput(NoteKind.AGREEMENT, local_today(), SECRET_PUBLIC), local_today())
    notes.set_account_manager(staff, own, staff.id)
    db.session.commit()
    return own


def _bodies(app, user, values):
    """Every GET route as ``user`` (None: a visitor) sees it: (url, status, body)."""
    for rule, method in _routes(app):
        if method != "GET":
            continue
        client = app.test_client()
        if user is not None:
            login_client(client, user)
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        yield url, response.status_code, _text(response.get_data())


def _text(body: bytes) -> str:
    """A response as text; a spreadsheet (a zip) as the text of all its parts."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", errors="replace")


def test_notes_appear_on_no_partner_municipality_or_public_page_nor_in_the_api(app, world):
    users, values = world
    _add_notes(users, values)
    seen = 0
    for role in (VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER):
        for url, status, body in _bodies(app, users.get(role), values):
            assert status < 500, (role, url)
            if url == "/account/data.json" and role == PARTNER:
                continue  # the partner's own export: see the next test
            for text in (
                SECRET,
                SECRET_PUBLIC,
                "Geheimpje",
                "Interne notitie",
                "Notitie toegevoegd",
                "Relatiebeheer",
                "note.added",
                "account_manager_set",
            ):
                assert text not in body, (role, url, text)
            seen += status == 200
    assert seen > 40  # the pages were really rendered, not all refused

    _token, plain = create_token(users[VIEWER], "lek-test")
    db.session.commit()
    for url in ("/api/v1/regions", f"/api/v1/verify/{values['kvk']}", f"/api/v1/regions/{values['slug']}/series"):
        response = app.test_client().get(url, headers={"Authorization": f"Bearer {plain}"})
        assert response.status_code == 200, url
        assert "Geheimpje" not in response.get_data(as_text=True)


def test_staff_see_the_notes_on_the_organisation_page(app, world):
    users, values = world
    _add_notes(users, values)
    client = app.test_client()
    login_client(client, users[STAFF])
    page = client.get(f"/organisations/{values['organisation_id']}").get_data(as_text=True)
    assert SECRET in page and "Notitie toegevoegd" in page and "Relatiebeheerder gewijzigd" in page


def test_the_partners_export_holds_its_organisations_notes_and_no_other(app, world):
    users, values = world
    _add_notes(users, values)
    for role, expected in ((PARTNER, ["Gebeld", SECRET]), (PARTNER_OTHER, []), (VIEWER, None), (STAFF, None)):
        client = app.test_client()
        login_client(client, users[role])
        data = json.loads(client.get("/account/data.json").get_data(as_text=True))
        raw = json.dumps(data, ensure_ascii=False)
        assert SECRET_PUBLIC not in raw, role
        if expected is None:
            assert SECRET not in raw and data["organisation"] is None, role
            continue
        assert [note["text"] for note in data["organisation"]["notes"]] == expected, role
        if expected:
            note = data["organisation"]["notes"][-1]
            assert (note["kind"], note["happened_on"]) == ("telefoon", local_today().isoformat())
            assert note["by"] == (users[STAFF].name or users[STAFF].email)
            assert data["organisation"]["account_manager"] == note["by"]
            # The audit trail in the export says a note was added, never what it said.
            added = [event for event in data["organisation"]["history"] if event["action"] == "note.added"]
            assert len(added) == 1 and "Geheimpje" not in json.dumps(added)


def test_erasure_deletes_the_notes_and_redacts_mentions_elsewhere(client, login_as, dordrecht, path):
    staff = login_as(Role.STAFF)
    erased = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij Zonnestraal")
    factories.PartnerUserFactory(
        organisation=erased, name="Marieke Zonnestraal", email="marieke@zonnestraal.example.nl"
    )
    other = factories.OrganisationFactory(municipality=dordrecht, name="Garage Overkant")
    today = local_today()
    notes.add_note(staff, erased, notes.NoteInput(NoteKind.CONVERSATION, today, "Marieke wil het label in mei"), today)
    notes.add_note(
        staff,
        other,
        notes.NoteInput(
            NoteKind.OTHER,
            today,
            "Doorverwezen naar Marieke Zonnestraal (marieke@zonnestraal.example.nl) van Bakkerij Zonnestraal",
        ),
        today,
    )
    notes.set_account_manager(staff, erased, staff.id)
    db.session.commit()

    erase_organisation(staff, erased, "Verzoek van de eigenaar")
    db.session.commit()

    assert count(Note, Note.organisation_id == erased.id) == 0
    [kept] = db.session.scalars(sa.select(Note)).all()
    assert "Marieke" not in kept.text and "zonnestraal.example.nl" not in kept.text
    assert kept.text == f"Doorverwezen naar [verwijderd] ([verwijderd]) van Geanonimiseerde organisatie {erased.id}"
    db.session.refresh(erased)
    assert erased.account_manager_id is None
    assert "Geanonimiseerde" not in client.get("/organisations/mine").get_data(as_text=True)
