"""The data export: everything about the signed-in user (and a partner's organisation), nothing else."""

from __future__ import annotations

import json

import pytest

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.mail.models import OutboxMail
from tests import factories
from tests.privacy.helpers import PERSONAL, build_organisation


def _export(client) -> dict:
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="impactnet-gegevens-')
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def others(dordrecht, zwijndrecht):
    """Another organisation with its own partner, journey and mail, which no export may show."""
    other = factories.PartnerUserFactory(
        organisation__municipality=zwijndrecht,
        organisation__name="Garage Overkant",
        name="Sanne Overkant",
        email="sanne@overkant.example.nl",
    )
    journey.save_draft(
        other,
        other.organisation,
        "partnerovereenkomst",
        journey.StepInput(statement="Geheime toelichting van Overkant"),
    )
    db.session.add(
        OutboxMail(
            dedupe_key="sanne",
            kind="reminder",
            to_address=other.email,
            subject="Voor Sanne",
            body_text="Beste Sanne",
            body_html="",
        )
    )
    db.session.commit()
    return other


def test_partner_downloads_own_and_organisation_data(app, client, login, path, dordrecht, others):
    staff = factories.UserFactory(role=Role.STAFF, name="Sterre van St MBO")
    built = build_organisation(client, login, staff, dordrecht)
    login(built.partner)
    data = _export(client)
    raw = json.dumps(data)

    user = data["user"]
    assert (user["email"], user["name"], user["role"]) == (
        PERSONAL["contact_email"],
        PERSONAL["contact_name"],
        "partner",
    )
    assert user["reminders_enabled"] is True and user["email_verified_at"] and user["created_at"]
    assert "password_hash" not in user and "auth_token" not in user
    assert built.partner.auth_token not in raw and built.partner.password_hash not in raw

    organisation = data["organisation"]
    assert organisation["name"] == PERSONAL["name"] and organisation["kvk_number"] == PERSONAL["kvk"]
    assert organisation["impact_statement"] == PERSONAL["impact"] and organisation["municipality"] == "Dordrecht"
    assert organisation["erased_at"] is None
    assert organisation["colleagues"] == [
        {"name": PERSONAL["colleague_name"], "email": PERSONAL["colleague_email"], "active": True}
    ]
    steps = {step["step"]: step for step in organisation["journey"]}
    agreement = steps["partnerovereenkomst"]
    assert [v["statement"] for v in agreement["versions"]] == [PERSONAL["statement"], PERSONAL["statement_2"]]
    assert agreement["versions"][0]["feedback"] == PERSONAL["feedback"]
    assert agreement["versions"][0]["state"] == "changes_requested" and agreement["state"] == "approved"
    evidence = agreement["versions"][1]["evidence"][0]
    assert evidence["name"] == PERSONAL["evidence_name"] and evidence["content_type"] == "application/pdf"
    download = evidence["download_url"]
    assert download.startswith("http://portal.test/organisations/")
    assert client.get(download.removeprefix("http://portal.test")).status_code == 200
    assert all(
        answer.startswith(PERSONAL["answer"]) for answer in steps["inventarisatie"]["versions"][0]["answers"].values()
    )
    action = steps["impactplan"]["versions"][0]["impact_actions"][0]
    assert (action["description"], action["commitment"], action["goal_number"], action["target_date"]) == (
        PERSONAL["action"],
        PERSONAL["commitment"],
        1,
        "2027-09-01",
    )
    approved, pending = organisation["identity_changes"]
    assert (approved["old_name"], approved["old_kvk_number"], approved["new_name"], approved["new_kvk_number"]) == (
        PERSONAL["former_name"],
        PERSONAL["former_kvk"],
        PERSONAL["name"],
        PERSONAL["kvk"],
    )
    assert (approved["state"], approved["note"], approved["decided_by"]) == (
        "approved",
        PERSONAL["identity_note"],
        "Sterre van St MBO",
    )
    assert approved["requested_by"] == PERSONAL["contact_name"] and approved["decided_at"]
    assert (pending["state"], pending["new_name"], pending["new_kvk_number"], pending["decided_at"]) == (
        "pending",
        PERSONAL["requested_name"],
        PERSONAL["requested_kvk"],
        None,
    )
    actions = [event["action"] for event in organisation["history"]]
    assert {"identity_change.requested", "identity_change.approved", "organisation.identity_changed"} <= set(actions)
    assert "organisation.registered" in actions and "organisation.status_changed" in actions
    assert "evidence.added" in actions and "label.awarded" not in actions
    assert any(event["by"] == "Sterre van St MBO" for event in organisation["history"])
    assert {event["action"] for event in data["account_history"]} == {"user.created"}

    subjects = [mail["subject"] for mail in data["mails"]]
    assert "Bevestig uw e-mailadres voor impactnet" in subjects and f"Herinnering voor {PERSONAL['name']}" in subjects
    assert all(mail["body_text"] for mail in data["mails"])
    # Colleagues' mails and the staff digest are not this user's; the other organisation is not theirs.
    for foreign in ("Nieuw wachtwoord", "inzendingen wachten", "Garage Overkant", "Sanne", "Geheime toelichting"):
        assert foreign not in raw


def test_partner_of_another_organisation_gets_only_their_own(client, login, path, dordrecht, others):
    build_organisation(client, login, factories.UserFactory(role=Role.STAFF), dordrecht)
    login(others)
    data = _export(client)
    raw = json.dumps(data, ensure_ascii=False)
    assert data["organisation"]["name"] == "Garage Overkant"
    assert data["organisation"]["journey"][0]["versions"][0]["statement"] == "Geheime toelichting van Overkant"
    assert [mail["subject"] for mail in data["mails"]] == ["Voor Sanne"]
    assert data["organisation"]["colleagues"] == []
    for value in PERSONAL.values():
        assert value not in raw


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.MUNICIPALITY])
def test_staff_and_municipality_users_get_their_own_account_only(client, login_as, path, dordrecht, others, role):
    user = login_as(role, name="Eigen Naam", email="eigen@example.nl")
    db.session.add(
        OutboxMail(
            dedupe_key="own",
            kind="invitation",
            to_address="eigen@example.nl",
            subject="Uitnodiging voor impactnet",
            body_text="Welkom",
            body_html="",
        )
    )
    db.session.commit()
    data = _export(client)
    assert data["user"]["email"] == user.email and data["user"]["role"] == role.value
    assert data["user"]["municipality"] == ("Dordrecht" if role is Role.MUNICIPALITY else None)
    assert data["organisation"] is None
    assert [mail["subject"] for mail in data["mails"]] == ["Uitnodiging voor impactnet"]
    raw = json.dumps(data)
    assert "Overkant" not in raw and "Sanne" not in raw


def test_municipality_user_export_lists_api_tokens_without_the_secret(client, login_as, dordrecht):
    from impactnet.api.services import create_token

    user = login_as(Role.MUNICIPALITY)
    _token, secret = create_token(user, "dashboard")
    db.session.commit()
    data = _export(client)
    assert [token["name"] for token in data["api_tokens"]] == ["dashboard"]
    assert secret not in json.dumps(data) and "token_hash" not in data["api_tokens"][0]


def test_visitor_is_sent_to_login(client):
    response = client.get("/account/data.json")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_dashboard_links_to_the_export(client, login_as, path):
    login_as(Role.PARTNER)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/account/data.json"' in page and "Mijn gegevens downloaden (JSON)" in page
