"""A locked organisation's KvK number and name through their whole life, over HTTP: the partner asks,
verification keeps answering for the old identity, St MBO approves (or rejects), the old number
keeps answering for the organisation, the users get a mail; or the partner withdraws; or staff
change it themselves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import IdentityChange
from impactnet.organisations.models import IdentityChangeState as State
from tests import factories
from tests.helpers import count, link_in
from tests.organisations.helpers import edit_data, labelled, signed_in

NEW_NAME, NEW_KVK = "Overnemer B.V.", "22222222"
WAITS = "Wijziging van naam of KvK-nummer wacht op St MBO"


@pytest.fixture
def people(app, dordrecht):
    organisation = labelled(dordrecht)
    partner = factories.PartnerUserFactory(organisation=organisation, name="Fatima el Amrani")
    colleague = factories.PartnerUserFactory(organisation=organisation, name="Tom Visser", locale="en")
    staff = factories.UserFactory(role=Role.STAFF, name="Sanne de Vries")
    return {
        "organisation": organisation,
        "partner": partner,
        "colleague": colleague,
        "staff": staff,
        "partner_client": signed_in(app, partner),
        "staff_client": signed_in(app, staff),
    }


def _request(people, **overrides):
    organisation = people["organisation"]
    return people["partner_client"].post(
        f"/organisations/{organisation.id}/edit",
        follow_redirects=True,
        data=edit_data(organisation, **{"name": NEW_NAME, "kvk_number": NEW_KVK, **overrides}),
    )


def _pending(organisation) -> IdentityChange | None:
    return db.session.scalar(
        sa.select(IdentityChange).where(
            IdentityChange.organisation_id == organisation.id, IdentityChange.state == State.PENDING
        )
    )


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _verify(client, kvk: str):
    response = client.get(f"/api/v1/verify/{kvk}")
    return response.status_code, response.get_json()


def test_partner_asks_staff_approve_and_both_numbers_answer(client, people, mailbox):
    organisation, staff_client = people["organisation"], people["staff_client"]
    rule = people["partner_client"].get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert "gaat pas in als St MBO de wijziging heeft goedgekeurd" in rule

    page = _request(people, postcode="3312 CD").get_data(as_text=True)

    assert "De gegevens zijn opgeslagen." in page and "naar St MBO gestuurd" in page  # the flash messages
    assert WAITS in page and f"van Aannemer Groen naar {NEW_NAME}" in page and "van 11111111 naar 22222222" in page
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number, organisation.postcode) == (
        "Aannemer Groen",
        "11111111",
        "3312 CD",
    )
    change = _pending(organisation)
    assert (change.new_name, change.new_kvk_number, change.requested_by_id) == (NEW_NAME, NEW_KVK, people["partner"].id)
    (requested,) = _events(AuditAction.IDENTITY_CHANGE_REQUESTED)
    assert requested.before == {"kvk_number": "11111111", "name": "Aannemer Groen"}
    assert requested.after == {"kvk_number": NEW_KVK, "name": NEW_NAME}
    (updated,) = _events(AuditAction.ORGANISATION_UPDATED)
    assert set(updated.after) == {"postcode"}  # the other fields at once; name and number wait
    edit_page = people["partner_client"].get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert f'value="{NEW_KVK}"' in edit_page and WAITS in edit_page  # saving again keeps the request

    # Until St MBO decides, verification answers as before.
    assert _verify(client, "11111111")[0] == 200 and _verify(client, "11111111")[1]["name"] == "Aannemer Groen"
    assert _verify(client, NEW_KVK) == (404, {"kvk": NEW_KVK, "status": "unknown"})
    assert client.get(f"/verify/{NEW_KVK}").status_code == 404
    assert client.get(f"/badge/{NEW_KVK}.svg").status_code == 404
    assert mailbox == []

    queue = staff_client.get("/review/").get_data(as_text=True)
    assert "1 wijziging wacht" in queue and f'href="/review/identity-changes/{change.id}"' in queue
    decision_page = staff_client.get(f"/review/identity-changes/{change.id}").get_data(as_text=True)
    assert all(text in decision_page for text in ("Aannemer Groen", NEW_NAME, "11111111", NEW_KVK, "Fatima el Amrani"))

    response = staff_client.post(f"/review/identity-changes/{change.id}/approve", data={"note": "Uittreksel gezien."})

    assert response.status_code == 302 and response.headers["Location"] == "/review/"
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == (NEW_NAME, NEW_KVK)
    assert (change.state, change.decided_by_id) == (State.APPROVED, people["staff"].id)
    assert change.note == "Uittreksel gezien."
    (changed,) = _events(AuditAction.ORGANISATION_IDENTITY_CHANGED)
    assert changed.before == {"kvk_number": "11111111", "name": "Aannemer Groen"}
    assert changed.after == {"kvk_number": NEW_KVK, "name": NEW_NAME} and changed.actor_id == people["staff"].id
    assert [e.after for e in _events(AuditAction.IDENTITY_CHANGE_APPROVED)] == [{"state": "approved"}]

    status, new = _verify(client, NEW_KVK)
    assert status == 200 and (new["kvk"], new["name"], new["status"], new["asked_kvk"], new["asked_kvk_until"]) == (
        NEW_KVK,
        NEW_NAME,
        "labelled",
        NEW_KVK,
        None,
    )
    today = local_today().isoformat()
    assert new["former_identities"] == [{"kvk": "11111111", "name": "Aannemer Groen", "until": today}]
    status, old = _verify(client, "11111111")  # a bidder may have given the old number
    assert status == 200 and (old["kvk"], old["name"], old["asked_kvk"], old["asked_kvk_until"]) == (
        NEW_KVK,
        NEW_NAME,
        "11111111",
        today,
    )
    old_page = client.get("/verify/11111111").get_data(as_text=True)
    assert "KvK-nummer 11111111 hoorde tot" in old_page
    assert f"die nu {NEW_NAME} heet en KvK-nummer {NEW_KVK} heeft" in old_page
    assert "Eerder bekend als" in old_page and "Aannemer Groen (KvK 11111111), tot" in old_page
    assert client.get("/badge/11111111.svg").status_code == 200

    timeline = staff_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Naam of KvK-nummer gewijzigd" in timeline and "Wijziging van naam of KvK-nummer aangevraagd" in timeline
    assert f"van Aannemer Groen (KvK 11111111) naar {NEW_NAME} (KvK {NEW_KVK})" in timeline
    assert WAITS not in timeline and "Eerder bekend als" in timeline

    mails = {message["To"]: message for message in mailbox}
    assert set(mails) == {people["partner"].email, people["colleague"].email}
    dutch, english = mails[people["partner"].email], mails[people["colleague"].email]
    assert dutch["Subject"] == "St MBO heeft de wijziging van naam of KvK-nummer goedgekeurd"
    text = dutch.get_body(preferencelist=("plain",)).get_content()
    assert f"Naam: {NEW_NAME}" in text and "Uittreksel gezien." in text
    assert "Eerder: Aannemer Groen (KvK 11111111)" in text
    assert link_in(dutch, "/organisations/") == f"/organisations/{organisation.id}"
    assert english["Subject"] == "St MBO has approved the change of name or KvK number"
    assert "Uittreksel gezien." in english.get_body(preferencelist=("plain",)).get_content()


def test_staff_reject_with_a_reason_and_nothing_changes(client, people, mailbox):
    organisation, staff_client = people["organisation"], people["staff_client"]
    _request(people)
    change = _pending(organisation)

    empty = staff_client.post(f"/review/identity-changes/{change.id}/reject", data={"reason": "   "})
    assert empty.status_code == 422 and "Geef de reden van de afwijzing." in empty.get_data(as_text=True)
    db.session.expire_all()
    assert change.state is State.PENDING

    reason = "Het KvK-uittreksel noemt een andere onderneming."
    response = staff_client.post(f"/review/identity-changes/{change.id}/reject", data={"reason": reason})

    assert response.status_code == 302
    db.session.expire_all()
    assert (change.state, change.note, change.decided_by_id) == (State.REJECTED, reason, people["staff"].id)
    assert (organisation.name, organisation.kvk_number) == ("Aannemer Groen", "11111111")
    (rejected,) = _events(AuditAction.IDENTITY_CHANGE_REJECTED)
    assert rejected.note == reason and rejected.after == {"state": "rejected"}
    assert _events(AuditAction.ORGANISATION_IDENTITY_CHANGED) == []
    assert _verify(client, NEW_KVK)[0] == 404
    status, body = _verify(client, "11111111")
    assert status == 200 and body["name"] == "Aannemer Groen" and body["former_identities"] == []
    mail = next(m for m in mailbox if m["To"] == people["partner"].email)
    assert mail["Subject"] == "St MBO heeft de wijziging van naam of KvK-nummer afgewezen"
    assert reason in mail.get_body(preferencelist=("plain",)).get_content()
    assert WAITS not in people["partner_client"].get(f"/organisations/{organisation.id}").get_data(as_text=True)


def test_partner_withdraws_and_a_late_decision_is_a_conflict(people, mailbox):
    organisation, partner_client = people["organisation"], people["partner_client"]
    _request(people)
    change = _pending(organisation)
    staff_page = people["staff_client"].get(f"/review/identity-changes/{change.id}")  # staff open it first
    assert staff_page.status_code == 200

    response = partner_client.post(f"/organisations/{organisation.id}/identity-change/withdraw", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "is ingetrokken" in page and WAITS not in page
    db.session.expire_all()
    assert (change.state, change.decided_by_id) == (State.WITHDRAWN, people["partner"].id)
    assert len(_events(AuditAction.IDENTITY_CHANGE_WITHDRAWN)) == 1
    late = people["staff_client"].post(f"/review/identity-changes/{change.id}/approve", data={"note": ""})
    assert late.status_code == 409 and "intussen al beslist" in late.get_data(as_text=True)
    again = partner_client.post(f"/organisations/{organisation.id}/identity-change/withdraw")
    assert again.status_code == 409
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == ("Aannemer Groen", "11111111")
    assert mailbox == []


def test_a_new_edit_replaces_the_waiting_request_and_setting_it_back_withdraws_it(people):
    organisation = people["organisation"]
    _request(people)
    first_id = _pending(organisation).id

    page = _request(people, kvk_number="3333 3333").get_data(as_text=True)
    assert "naar St MBO gestuurd" in page
    assert count(IdentityChange) == 1
    change = _pending(organisation)
    assert (change.id, change.new_kvk_number, change.new_name) == (first_id, "33333333", NEW_NAME)
    assert "wacht nog op St MBO" in _request(people, kvk_number="33333333").get_data(as_text=True)
    assert len(_events(AuditAction.IDENTITY_CHANGE_REQUESTED)) == 2

    back = (
        people["partner_client"]
        .post(f"/organisations/{organisation.id}/edit", follow_redirects=True, data=edit_data(organisation))
        .get_data(as_text=True)
    )
    assert "is ingetrokken" in back
    db.session.expire_all()
    assert change.state is State.WITHDRAWN and _pending(organisation) is None


def test_staff_change_it_directly_and_it_is_recorded_the_same_way(client, people, mailbox):
    organisation, staff = people["organisation"], people["staff"]
    notice = people["staff_client"].get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert "gaat direct in" in notice

    response = people["staff_client"].post(
        f"/organisations/{organisation.id}/edit",
        follow_redirects=True,
        data=edit_data(organisation, name=NEW_NAME, kvk_number=NEW_KVK),
    )

    assert "vastgelegd in de geschiedenis" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == (NEW_NAME, NEW_KVK)
    (change,) = db.session.scalars(sa.select(IdentityChange)).all()
    assert (change.state, change.requested_by_id, change.decided_by_id) == (State.APPROVED, staff.id, staff.id)
    assert (change.old_kvk_number, change.old_name) == ("11111111", "Aannemer Groen")
    (changed,) = _events(AuditAction.ORGANISATION_IDENTITY_CHANGED)
    assert changed.actor_id == staff.id and changed.after == {"kvk_number": NEW_KVK, "name": NEW_NAME}
    assert _events(AuditAction.ORGANISATION_UPDATED) == []  # nothing else changed
    assert _verify(client, "11111111")[1]["kvk"] == NEW_KVK
