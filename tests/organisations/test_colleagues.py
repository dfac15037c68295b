"""Collega's: a partner's users invite, list and remove one another; St MBO does the same from
the organisation's page. Mails go through the outbox and the real SMTP server (``mailbox``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.organisations import colleagues
from tests import factories
from tests.helpers import count, link_in, login_client

NEW = "een-nieuw-wachtwoord-42"


@pytest.fixture
def organisation(dordrecht):
    return factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Molen")


@pytest.fixture
def partner(organisation):
    return factories.PartnerUserFactory(
        organisation=organisation, name="Fatima Bakker", email="fatima@molen.example.nl"
    )


def _actions(organisation) -> list:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id).order_by(AuditEvent.id)
        )
    )


def _invite(client, organisation, **data):
    data = {"name": "Sanne de Vries", "email": "sanne@molen.example.nl", **data}
    return client.post(f"/organisations/{organisation.id}/colleagues/invite", data=data)


# --- services ---------------------------------------------------------------------------------


def test_an_invitation_is_a_partner_account_without_password_in_the_inviters_language(organisation, partner):
    partner.locale = "en"
    user = colleagues.invite_colleague(partner, organisation, " Sanne@Molen.example.NL ", "Sanne")
    assert (user.email, user.role, user.organisation_id, user.password_hash, user.locale) == (
        "sanne@molen.example.nl",
        Role.PARTNER,
        organisation.id,
        None,
        "en",
    )
    listed = colleagues.list_colleagues(organisation)
    assert listed.members == [partner] and [i.user for i in listed.invitations] == [user]
    assert not listed.invitations[0].expired
    assert _actions(organisation) == [AuditAction.COLLEAGUE_INVITED]


def test_an_address_with_an_account_is_explained_and_never_moved(organisation, partner, dordrecht):
    other = factories.PartnerUserFactory(email="elders@example.nl")
    with pytest.raises(colleagues.ColleagueError, match="bij een andere organisatie of bij St MBO"):
        colleagues.invite_colleague(partner, organisation, "ELDERS@example.nl", "X")
    with pytest.raises(colleagues.ColleagueError, match="is al collega bij deze organisatie"):
        colleagues.invite_colleague(partner, organisation, partner.email, "X")
    db.session.refresh(other)
    assert other.organisation_id != organisation.id
    colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")
    with pytest.raises(colleagues.ColleagueError, match="is al uitgenodigd"):
        colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")


def test_the_last_active_user_cannot_be_removed(organisation, partner):
    pending = colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")
    with pytest.raises(colleagues.ColleagueError, match="laatste gebruiker"):
        colleagues.remove_colleague(partner, organisation, partner)
    with pytest.raises(colleagues.ColleagueError, match="nog niet aanvaard"):
        colleagues.remove_colleague(partner, organisation, pending)
    second = factories.PartnerUserFactory(organisation=organisation)
    colleagues.remove_colleague(partner, organisation, second)
    assert second.active is False
    with pytest.raises(colleagues.ColleagueError, match="laatste gebruiker"):
        colleagues.remove_colleague(partner, organisation, partner)


def test_withdrawing_deletes_the_pending_account(organisation, partner):
    pending = colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")
    colleagues.withdraw_invitation(partner, organisation, pending)
    assert count(User, User.email == "nieuw@example.nl") == 0
    with pytest.raises(colleagues.ColleagueError):
        colleagues.withdraw_invitation(partner, organisation, partner)  # a member is no invitation
    assert _actions(organisation) == [AuditAction.COLLEAGUE_INVITED, AuditAction.COLLEAGUE_INVITATION_WITHDRAWN]


# --- the whole flow over HTTP, with the mail through SMTP -------------------------------------


def test_partner_invites_a_colleague_who_joins_and_is_removed_again(app, client, organisation, partner, mailbox):
    login_client(client, partner)
    page = client.get(f"/organisations/{organisation.id}/colleagues/")
    assert page.status_code == 200 and "Fatima Bakker" in page.get_data(as_text=True)

    response = _invite(client, organisation)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{organisation.id}/colleagues/"
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Openstaande uitnodigingen" in listing and "sanne@molen.example.nl" in listing

    (mail,) = mailbox
    assert mail["To"] == "sanne@molen.example.nl"
    assert mail["Subject"] == "Uitnodiging voor Bakkerij De Molen op impactnet"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Fatima Bakker nodigt u uit als collega bij Bakkerij De Molen" in text
    assert "1 week geldig en werkt één keer" in text
    link = link_in(mail, "/invitation/")

    newcomer = app.test_client()
    form = newcomer.get(link).get_data(as_text=True)
    assert "U wordt collega bij Bakkerij De Molen" in form
    joined = newcomer.post(link, data={"password": NEW, "password_repeat": NEW})
    assert joined.status_code == 302 and joined.headers["Location"] == "/dashboard"
    dashboard = newcomer.get("/dashboard")
    assert dashboard.status_code == 200 and "Bakkerij De Molen" in dashboard.get_data(as_text=True)

    reused = newcomer.post(link, data={"password": NEW, "password_repeat": NEW})
    assert reused.status_code == 400
    assert "Deze uitnodiging is ongeldig, ingetrokken of al gebruikt" in reused.get_data(as_text=True)

    sanne = db.session.scalar(sa.select(User).where(User.email == "sanne@molen.example.nl"))
    assert sanne.email_verified
    confirm = client.get(f"/organisations/{organisation.id}/colleagues/{sanne.id}/remove")
    assert confirm.status_code == 200 and "Sanne de Vries verwijderen?" in confirm.get_data(as_text=True)
    removed = client.post(f"/organisations/{organisation.id}/colleagues/{sanne.id}/remove")
    assert removed.status_code == 302
    assert newcomer.get("/dashboard").status_code == 302  # signed out: the sign-in ended
    assert newcomer.post("/login", data={"email": sanne.email, "password": NEW}).status_code == 401

    assert _actions(organisation)[-3:] == [
        AuditAction.COLLEAGUE_INVITED,
        AuditAction.COLLEAGUE_JOINED,
        AuditAction.COLLEAGUE_REMOVED,
    ]
    history = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    for label in ("Collega uitgenodigd", "Uitnodiging aanvaard", "Collega verwijderd"):
        assert label in history
    assert "Sanne de Vries (sanne@molen.example.nl)" in history


def test_an_expired_invitation_link_is_refused_in_dutch(app, client, organisation, partner, mailbox, monkeypatch):
    login_client(client, partner)
    assert _invite(client, organisation).status_code == 302
    link = link_in(mailbox[0], "/invitation/")
    monkeypatch.setitem(app.config, "INVITATION_MAX_AGE", -1)
    response = app.test_client().get(link)
    assert response.status_code == 400
    assert "Deze uitnodiging is verlopen. Vraag degene die u uitnodigde" in response.get_data(as_text=True)


def test_an_expired_invitation_is_listed_as_such(client, organisation, partner):
    pending = colleagues.invite_colleague(partner, organisation, "oud@example.nl", "Oud")
    pending.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    login_client(client, partner)
    page = client.get(f"/organisations/{organisation.id}/colleagues/").get_data(as_text=True)
    assert "Verlopen op" in page


def test_a_withdrawn_invitation_link_opens_nothing(app, client, organisation, partner, mailbox):
    login_client(client, partner)
    assert _invite(client, organisation).status_code == 302
    link = link_in(mailbox[0], "/invitation/")
    pending = db.session.scalar(sa.select(User).where(User.email == "sanne@molen.example.nl"))
    response = client.post(f"/organisations/{organisation.id}/colleagues/{pending.id}/withdraw")
    assert response.status_code == 302
    refused = app.test_client().get(link)
    assert refused.status_code == 400 and "ingetrokken" in refused.get_data(as_text=True)


def test_removing_the_last_user_is_refused_and_the_page_says_why(client, organisation, partner):
    login_client(client, partner)
    response = client.post(f"/organisations/{organisation.id}/colleagues/{partner.id}/remove")
    assert response.status_code == 409
    assert "is de laatste gebruiker van deze organisatie" in response.get_data(as_text=True)
    db.session.refresh(partner)
    assert partner.active


def test_a_partner_who_removes_themselves_is_signed_out(client, organisation, partner):
    factories.PartnerUserFactory(organisation=organisation)
    login_client(client, partner)
    response = client.post(f"/organisations/{organisation.id}/colleagues/{partner.id}/remove")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/dashboard").status_code == 302


def test_an_existing_account_is_explained_on_the_page(client, organisation, partner, mailbox):
    factories.PartnerUserFactory(email="elders@example.nl")
    login_client(client, partner)
    response = _invite(client, organisation, email="elders@example.nl")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Een account hoort bij één organisatie en wordt niet verplaatst." in page
    assert 'value="Sanne de Vries"' in page  # the typed input is kept
    assert mailbox == []


# --- St MBO, from the organisation's page -----------------------------------------------------


def test_staff_invite_and_remove_from_the_organisations_page(app, client, login_as, organisation, partner, mailbox):
    partner.locale = "en"
    staff = login_as(Role.STAFF, name="Joost van St MBO")
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Collega uitnodigen" in page and "fatima@molen.example.nl" in page
    response = _invite(client, organisation)
    assert response.headers["Location"] == f"/organisations/{organisation.id}#collegas"
    (mail,) = mailbox
    assert mail["Subject"] == "Invitation to Bakkerij De Molen on impactnet"  # the organisation's language
    second = factories.PartnerUserFactory(organisation=organisation)
    assert client.post(f"/organisations/{organisation.id}/colleagues/{second.id}/remove").status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.COLLEAGUE_REMOVED))
    assert (event.actor_id, event.object_id, event.organisation_id) == (staff.id, second.id, organisation.id)


# --- hostile input and other organisations ----------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "geen-email"}, "Vul een geldig e-mailadres in"),
        ({"email": "a@b.nl" + "x" * 300}, "Dit e-mailadres is te lang."),
        ({"email": ""}, "Vul het e-mailadres van uw collega in."),
        ({"email": "a@example.nl\r\nBcc: slachtoffer@example.nl"}, "Vul een geldig e-mailadres in"),
        ({"name": "Sanne\r\nBcc: slachtoffer@example.nl"}, "Een naam past op één regel."),
        ({"name": "x" * 5000}, "Een naam heeft hoogstens 120 tekens."),
        ({"name": "   "}, "Vul de naam van uw collega in."),
    ],
)
def test_bad_invitations_are_refused_in_dutch_and_keep_the_input(client, organisation, partner, mailbox, data, message):
    login_client(client, partner)
    response = _invite(client, organisation, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(User) == 1 and mailbox == []


def test_without_csrf_token_nothing_happens(make_app, organisation, partner, mailbox):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    second = factories.PartnerUserFactory(organisation=organisation)
    login_client(client, partner)
    assert _invite(client, organisation).status_code == 400
    assert client.post(f"/organisations/{organisation.id}/colleagues/{second.id}/remove").status_code == 400
    db.session.refresh(second)
    assert second.active and count(User) == 2 and mailbox == []


def test_another_organisations_partner_can_neither_see_nor_change(client, organisation, partner, dordrecht, mailbox):
    pending = colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")
    second = factories.PartnerUserFactory(organisation=organisation)
    db.session.commit()
    login_client(
        client, factories.PartnerUserFactory(organisation=factories.OrganisationFactory(municipality=dordrecht))
    )
    base = f"/organisations/{organisation.id}/colleagues"
    assert client.get(base + "/").status_code == 404
    assert _invite(client, organisation).status_code == 404
    assert client.get(f"{base}/{second.id}/remove").status_code == 404
    assert client.post(f"{base}/{second.id}/remove").status_code == 404
    assert client.post(f"{base}/{pending.id}/withdraw").status_code == 404
    db.session.refresh(second)
    assert second.active and count(User, User.email == "nieuw@example.nl") == 1 and mailbox == []


def test_a_colleague_of_another_organisation_is_not_found_through_ones_own(client, organisation, partner, dordrecht):
    stranger = factories.PartnerUserFactory(organisation=factories.OrganisationFactory(municipality=dordrecht))
    factories.PartnerUserFactory(organisation=organisation)
    login_client(client, partner)
    assert client.post(f"/organisations/{organisation.id}/colleagues/{stranger.id}/remove").status_code == 404
    db.session.refresh(stranger)
    assert stranger.active


def test_an_invitee_who_sets_a_password_by_a_reset_link_joins_too(organisation, partner):
    from impactnet.accounts import services
    from impactnet.accounts.tokens import TokenPurpose, make_token

    pending = colleagues.invite_colleague(partner, organisation, "nieuw@example.nl", "Nieuw")
    services.reset_password(TokenPurpose.RESET_PASSWORD, make_token(TokenPurpose.RESET_PASSWORD, pending), NEW)
    assert _actions(organisation) == [AuditAction.COLLEAGUE_INVITED, AuditAction.COLLEAGUE_JOINED]
    assert colleagues.list_colleagues(organisation).members == sorted([partner, pending], key=lambda u: u.name.lower())
