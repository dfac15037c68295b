import re

import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import Organisation, OrganisationStatus
from tests import factories
from tests.helpers import count, link_in, registration_data


def test_registration_creates_organisation_and_first_user_and_mails_a_verification_link(client, dordrecht, mailbox):
    response = client.post("/register", data=registration_data(dordrecht))

    assert response.status_code == 302
    assert response.headers["Location"] == "/register/sent"
    page = client.get("/register/sent").get_data(as_text=True)
    assert "We hebben een e-mail gestuurd naar fatima@bakkerij.example.nl." in page
    assert "Open die e-mail en klik op de link erin." in page
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.kvk_number == "12345678"
    assert organisation.postcode == "3311 AB"
    assert organisation.status is OrganisationStatus.APPLICANT
    assert organisation.public_listing is True
    (user,) = organisation.users
    assert user.email == "fatima@bakkerij.example.nl"
    assert user.role is Role.PARTNER
    assert user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id)))
    assert actions == {AuditAction.ORGANISATION_REGISTERED, AuditAction.USER_CREATED}

    (mail,) = mailbox
    assert mail["To"] == "fatima@bakkerij.example.nl"
    assert "Bevestig" in mail["Subject"]
    assert mail.get_body(preferencelist=("html",)) is not None
    assert link_in(mail, "/verify-email/").startswith("/verify-email/")


def test_unverified_user_sees_notice_until_the_link_is_opened(client, dordrecht, mailbox):
    client.post("/register", data=registration_data(dordrecht))
    assert (
        client.post(
            "/login", data={"email": "fatima@bakkerij.example.nl", "password": "Lange-Wachtzin-2026"}
        ).status_code
        == 302
    )
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Bevestig uw e-mailadres" in dashboard

    response = client.get(link_in(mailbox[0], "/verify-email/"))
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email_verified_at is not None
    assert "Bevestig uw e-mailadres" not in client.get("/dashboard").get_data(as_text=True)
    assert count(AuditEvent, AuditEvent.action == AuditAction.USER_EMAIL_VERIFIED) == 1

    # Opening the link again is harmless and records nothing new.
    assert client.get(link_in(mailbox[0], "/verify-email/")).status_code == 302
    assert count(AuditEvent, AuditEvent.action == AuditAction.USER_EMAIL_VERIFIED) == 1


def test_verification_link_is_refused_when_tampered_or_expired(client, app, dordrecht, mailbox, monkeypatch):
    client.post("/register", data=registration_data(dordrecht))
    link = link_in(mailbox[0], "/verify-email/")

    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 400
    assert "ongeldig" in tampered.get_data(as_text=True)

    monkeypatch.setitem(app.config, "EMAIL_VERIFY_MAX_AGE", -1)
    expired = client.get(link)
    assert expired.status_code == 400
    assert "verlopen" in expired.get_data(as_text=True)
    assert db.session.scalar(sa.select(User)).email_verified_at is None


def test_the_link_opened_in_another_browser_leads_to_the_login_form_with_the_address_filled_in(
    app, client, dordrecht, mailbox
):
    client.post("/register", data=registration_data(dordrecht))
    phone = app.test_client()
    response = phone.get(link_in(mailbox[0], "/verify-email/"))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = phone.get("/login").get_data(as_text=True)
    assert "Uw e-mailadres is bevestigd. Log in met uw wachtwoord om verder te gaan." in page
    assert 'value="fatima@bakkerij.example.nl"' in page
    response = phone.post("/login", data={"email": "fatima@bakkerij.example.nl", "password": "Lange-Wachtzin-2026"})
    assert response.headers["Location"] == "/dashboard"


def test_resend_verification_mail(client, dordrecht, mailbox):
    client.post("/register", data=registration_data(dordrecht))
    client.post("/login", data={"email": "fatima@bakkerij.example.nl", "password": "Lange-Wachtzin-2026"})
    response = client.post("/verify-email/resend")
    assert response.status_code == 302
    assert len(mailbox) == 2


def _answer(response) -> tuple:
    return response.status_code, response.headers.get("Location")


def test_a_known_kvk_number_gets_the_same_answer_and_only_the_mailbox_learns_of_it(client, app, dordrecht, mailbox):
    """The page must not confirm that an organisation registered (nor who): the answer is the one a
    new registration gets, and the mail tells the address how to get in."""
    factories.OrganisationFactory(kvk_number="12345678", municipality=dordrecht)
    new = app.test_client().post(
        "/register", data=registration_data(dordrecht, kvk_number="87654321", email="ander@example.nl")
    )
    response = client.post("/register", data=registration_data(dordrecht))

    assert _answer(response) == _answer(new) == (302, "/register/sent")
    assert count(Organisation) == 2
    assert count(User) == 1  # only the other, new registration's
    (mail,) = [message for message in mailbox if message["To"] == "fatima@bakkerij.example.nl"]
    assert mail["Subject"] == "Uw organisatie is al aangemeld bij impactnet"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "KvK-nummer 12345678" in text and "Vraag een collega u uit te nodigen via Collega's" in text
    assert "Bedrijf" not in text  # nothing of who registered it


def test_a_known_address_gets_the_same_answer_and_its_owner_a_mail(client, app, dordrecht, mailbox):
    factories.UserFactory(email="fatima@bakkerij.example.nl", name="Fatima")
    new = app.test_client().post(
        "/register", data=registration_data(dordrecht, kvk_number="87654321", email="ander@example.nl")
    )
    response = client.post("/register", data=registration_data(dordrecht, email="FATIMA@bakkerij.example.NL"))

    assert _answer(response) == _answer(new) == (302, "/register/sent")
    assert "Er bestaat al een account" not in client.get("/register/sent").get_data(as_text=True)
    assert count(Organisation) == 1  # only the other registration's
    (mail,) = [message for message in mailbox if message["To"] == "fatima@bakkerij.example.nl"]
    assert mail["Subject"] == "Aanmelding bij impactnet met uw e-mailadres"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "U heeft al een account bij impactnet" in text
    assert {"http://portal.test/login", "http://portal.test/reset-password"} <= set(text.split())


def test_inactive_municipality_cannot_be_chosen(client):
    closed = factories.MunicipalityFactory(active=False)
    response = client.post("/register", data=registration_data(closed))
    assert response.status_code == 422
    assert count(Organisation) == 0


def test_smtp_down_does_not_lose_the_registration_or_its_mail(client, app, dordrecht, mailbox, monkeypatch):
    from impactnet.mail.models import MailStatus, OutboxMail

    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    response = client.post("/register", data=registration_data(dordrecht), follow_redirects=True)
    assert response.status_code == 200 and "Bevestig uw e-mailadres" in response.get_data(as_text=True)
    assert count(Organisation) == 1
    assert mailbox == []  # delivery tried and failed: the mail waits in the outbox
    mail = db.session.scalar(sa.select(OutboxMail))
    assert mail.status is MailStatus.PENDING and mail.attempts == 1 and mail.last_error

    monkeypatch.undo()  # the mail server is back
    mail.next_attempt_at = mail.created_at  # its retry is due now
    db.session.commit()
    assert [m["To"] for m in mailbox] == ["fatima@bakkerij.example.nl"]


def test_nothing_is_chosen_beforehand_and_a_choice_is_required(client, dordrecht):
    page = client.get("/register").get_data(as_text=True)
    selects = re.findall(r"<select[^>]*>(.*?)</select>", page, flags=re.S)
    assert len(selects) == 3
    for options, placeholder in zip(
        selects, ("Kies een gemeente", "Kies een sector", "Kies het aantal medewerkers"), strict=True
    ):
        first = re.search(r"<option[^>]*>([^<]*)</option>", options)
        assert first.group(1) == placeholder and 'value=""' in first.group(0)  # shown first, so chosen
        assert not re.search(r'<option selected value="[^"]', options)  # no real value chosen beforehand
    response = client.post("/register", data=registration_data(dordrecht, municipality_id="", sector="", size_class=""))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Kies een gemeente." in text and "Kies een sector." in text and "Kies het aantal medewerkers." in text
    assert count(Organisation) == 0


def test_a_postcode_outside_the_chosen_municipality_is_refused(client, dordrecht):
    dordrecht.postcode_ranges = "3311-3329"
    db.session.commit()
    response = client.post("/register", data=registration_data(dordrecht, postcode="1011 AB"))
    assert response.status_code == 422
    assert "Postcode 1011 AB ligt niet in de gemeente Dordrecht." in response.get_data(as_text=True)
    assert count(Organisation) == 0
    assert client.post("/register", data=registration_data(dordrecht, postcode="3329 xx")).status_code == 302


def test_a_website_typed_without_https_is_stored_with_it(client, dordrecht):
    assert client.post("/register", data=registration_data(dordrecht, website="www.bedrijf.nl")).status_code == 302
    assert db.session.scalar(sa.select(Organisation.website)) == "https://www.bedrijf.nl"
    for refused in ("javascript:alert(1)", "https://gebruiker:geheim@bedrijf.nl", "bedrijf"):
        response = client.post(
            "/register",
            data=registration_data(dordrecht, website=refused, kvk_number="87654321", email="ander@example.nl"),
        )
        assert response.status_code == 422, refused
        assert "Vul een volledig webadres in, bijvoorbeeld www.uwbedrijf.nl." in response.get_data(as_text=True)
