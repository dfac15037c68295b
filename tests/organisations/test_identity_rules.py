"""The identity rule on the model, numbers taken by another organisation, two decisions at once,
hostile input on the new forms, and who may do what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.organisations import identity
from impactnet.organisations.models import IdentityChange, Organisation
from impactnet.organisations.models import IdentityChangeState as State
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories
from tests.helpers import count, registration_data
from tests.organisations.helpers import details_of, edit_data, labelled, signed_in

LONG = "x" * 5000
SCRIPT = "<script>alert('xss')</script>"
TAKEN = "Dit KvK-nummer hoort al bij een andere organisatie."
CONFLICT = "Over deze wijziging van naam of KvK-nummer is intussen al beslist"


@pytest.mark.parametrize(
    "status, awarded, locked",
    [
        (Status.APPLICANT, False, False),
        (Status.PARTNER, False, True),
        (Status.WORKING_TOWARD_LABEL, False, True),
        (Status.LABELLED, True, True),
        (Status.LABEL_EXPIRED, True, True),
        (Status.LABEL_REVOKED, True, True),
        (Status.WITHDRAWN, False, False),
        (Status.WITHDRAWN, True, True),  # withdrawn after a label: still locked
    ],
)
def test_the_identity_is_locked_from_partner_on_or_once_labelled(status, awarded, locked):
    organisation = Organisation(status=status, label_awarded_on=local_today() if awarded else None)
    assert organisation.identity_locked is locked


def test_an_applicant_still_corrects_its_own_name_and_number(client, login, dordrecht):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Typfout B.V.", kvk_number="12345678")
    login(factories.PartnerUserFactory(organisation=organisation))
    page = client.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert "pas in als St MBO" not in page

    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data=edit_data(organisation, name="Goed Gespeld B.V.", kvk_number="1234 5679"),
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == ("Goed Gespeld B.V.", "12345679")
    assert count(IdentityChange) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATION_UPDATED))
    assert event.after == {"kvk_number": "12345679", "name": "Goed Gespeld B.V."}


def test_a_number_of_another_organisation_is_refused_and_nothing_is_saved(client, login, dordrecht):
    organisation = labelled(dordrecht)
    factories.OrganisationFactory(municipality=dordrecht, kvk_number="22222222")  # an applicant, not public
    login(factories.PartnerUserFactory(organisation=organisation))

    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data=edit_data(organisation, kvk_number="22222222", postcode="3312 CD"),
    )

    assert response.status_code == 422 and TAKEN in response.get_data(as_text=True)
    db.session.expire_all()
    assert (organisation.kvk_number, organisation.postcode) == ("11111111", "3311 AB")
    assert count(IdentityChange) == count(AuditEvent) == 0


def _requested(app, dordrecht, kvk: str = "22222222"):
    """A labelled organisation whose partner asked for ``kvk``; (organisation, change, staff client)."""
    organisation = labelled(dordrecht)
    partner = signed_in(app, factories.PartnerUserFactory(organisation=organisation))
    assert (
        partner.post(f"/organisations/{organisation.id}/edit", data=edit_data(organisation, kvk_number=kvk)).status_code
        == 302
    )
    change = db.session.scalar(sa.select(IdentityChange))
    return organisation, change, signed_in(app, factories.UserFactory(role=Role.STAFF))


def test_a_number_taken_between_request_and_approval_is_refused_at_approval(app, client, dordrecht, mailbox):
    organisation, change, staff = _requested(app, dordrecht)
    assert (
        client.post(
            "/register", data=registration_data(dordrecht, kvk_number="22222222", email="nieuw@example.nl")
        ).status_code
        == 302
    )

    response = staff.post(f"/review/identity-changes/{change.id}/approve", data={"note": ""})

    assert response.status_code == 409 and TAKEN in response.get_data(as_text=True)
    db.session.expire_all()
    assert change.state is State.PENDING and organisation.kvk_number == "11111111"
    assert count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_IDENTITY_CHANGED) == 0
    assert [mail["To"] for mail in mailbox] == ["nieuw@example.nl"]  # the registrant's verification, no decision


def test_the_unique_number_decides_a_race_the_check_did_not_see(app, dordrecht, monkeypatch):
    """Another organisation takes the number between the check and the update: the database's
    unique KvK number refuses it, with the same message, and nothing is half-saved."""
    organisation, change, staff = _requested(app, dordrecht)
    factories.OrganisationFactory(municipality=dordrecht, kvk_number="22222222")
    monkeypatch.setattr(identity, "kvk_taken", lambda *args, **kwargs: False)

    response = staff.post(f"/review/identity-changes/{change.id}/approve", data={"note": ""})

    assert response.status_code == 409 and TAKEN in response.get_data(as_text=True)
    db.session.expire_all()
    assert (change.state, change.decided_at, organisation.kvk_number) == (State.PENDING, None, "11111111")
    assert count(AuditEvent, AuditEvent.action == AuditAction.IDENTITY_CHANGE_APPROVED) == 0


def test_a_colleague_decided_first_the_second_gets_a_409(app, dordrecht, mailbox):
    _organisation, change, first = _requested(app, dordrecht)
    second = signed_in(app, factories.UserFactory(role=Role.STAFF))
    assert second.get(f"/review/identity-changes/{change.id}").status_code == 200  # both have the page open
    assert first.post(f"/review/identity-changes/{change.id}/approve", data={"note": ""}).status_code == 302

    late = second.post(f"/review/identity-changes/{change.id}/reject", data={"reason": "Te laat"})

    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert CONFLICT in page and "Goedgekeurd" in page and 'action="/review/identity-changes' not in page
    db.session.expire_all()
    assert (change.state, change.note) == (State.APPROVED, None)
    decisions = [AuditAction.IDENTITY_CHANGE_APPROVED, AuditAction.IDENTITY_CHANGE_REJECTED]
    assert count(AuditEvent, AuditEvent.action.in_(decisions)) == 1
    assert len(mailbox) == 1  # one decision, one mail


@pytest.mark.commits  # the colleague decides on a connection of its own, after this one's reads
def test_the_decision_is_a_conditional_update(app, dordrecht):
    """What the loser of a real race meets: its copy still says pending, the row no longer does."""
    organisation, change, _ = _requested(app, dordrecht)
    staff = factories.UserFactory(role=Role.STAFF)
    assert change.state is State.PENDING  # loaded: this copy goes stale now
    with db.engine.begin() as colleague:  # another connection decides and commits
        colleague.execute(
            sa.update(IdentityChange)
            .where(IdentityChange.id == change.id)
            .values(state=State.REJECTED.value, decided_at=utcnow())
        )

    with pytest.raises(identity.IdentityConflict):
        identity.approve(staff, change)
    db.session.rollback()
    db.session.expire_all()
    assert (change.state, organisation.kvk_number) == (State.REJECTED, "11111111")


@pytest.mark.parametrize(
    "form, data, status, message",
    [
        ("reject", {"reason": ""}, 422, "Geef de reden van de afwijzing."),
        ("reject", {"reason": " \t\n "}, 422, "Geef de reden van de afwijzing."),
        ("reject", {"reason": LONG}, 422, "Veld mag niet langer zijn dan 2000 karakters."),
        ("approve", {"note": LONG}, 422, "Veld mag niet langer zijn dan 2000 karakters."),
        ("reject", {"reason": "Reden\x00"}, 400, None),
        ("approve", {"note": "\x00"}, 400, None),
    ],
)
def test_hostile_decisions_are_refused_and_change_nothing(app, dordrecht, mailbox, form, data, status, message):
    organisation, change, staff = _requested(app, dordrecht)

    response = staff.post(f"/review/identity-changes/{change.id}/{form}", data=data)

    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (change.state, organisation.kvk_number) == (State.PENDING, "11111111")
    assert mailbox == []


def test_script_tags_are_kept_as_text_and_escaped_everywhere(app, dordrecht, mailbox):
    organisation = labelled(dordrecht)
    partner = factories.PartnerUserFactory(organisation=organisation)
    partner_client = signed_in(app, partner)
    assert (
        partner_client.post(
            f"/organisations/{organisation.id}/edit", data=edit_data(organisation, name=SCRIPT)
        ).status_code
        == 302
    )
    change = db.session.scalar(sa.select(IdentityChange))
    staff = signed_in(app, factories.UserFactory(role=Role.STAFF))
    escaped = "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"
    for url in ("/review/", f"/review/identity-changes/{change.id}", f"/organisations/{organisation.id}"):
        page = staff.get(url).get_data(as_text=True)
        assert SCRIPT not in page and escaped in page, url

    assert staff.post(f"/review/identity-changes/{change.id}/reject", data={"reason": SCRIPT}).status_code == 302
    db.session.expire_all()
    assert change.new_name == SCRIPT and change.note == SCRIPT
    (mail,) = mailbox
    assert SCRIPT not in mail.get_body(preferencelist=("html",)).get_content()
    assert SCRIPT in mail.get_body(preferencelist=("plain",)).get_content()  # plain text: nothing to escape


def test_decisions_need_a_csrf_token(make_app, dordrecht, app):
    organisation, change, _ = _requested(app, dordrecht)
    protected = make_app(WTF_CSRF_ENABLED=True)
    staff = signed_in(protected, factories.UserFactory(role=Role.STAFF))
    partner = signed_in(protected, organisation.users[0])
    for client, url in (
        (staff, f"/review/identity-changes/{change.id}/approve"),
        (partner, f"/organisations/{organisation.id}/identity-change/withdraw"),
    ):
        response = client.post(url, data={"note": ""})
        assert response.status_code == 400
        assert "Het formulier is verlopen of niet geldig" in response.get_data(as_text=True)
    db.session.expire_all()
    assert change.state is State.PENDING


def test_who_may_see_decide_and_withdraw(app, dordrecht, zwijndrecht):
    organisation, change, staff = _requested(app, dordrecht)
    own = signed_in(app, organisation.users[0])
    other_partner = signed_in(app, factories.PartnerUserFactory(organisation__municipality=dordrecht))
    viewer = signed_in(app, factories.MunicipalityUserFactory(municipality=dordrecht))
    decide = f"/review/identity-changes/{change.id}"
    withdraw = f"/organisations/{organisation.id}/identity-change/withdraw"
    for client in (own, other_partner, viewer):
        assert client.get(decide).status_code == 403
        assert client.post(f"{decide}/approve", data={"note": ""}).status_code == 403
        assert client.post(f"{decide}/reject", data={"reason": "nee"}).status_code == 403
    assert other_partner.post(withdraw).status_code == 404  # another organisation's ids reveal nothing
    assert viewer.post(withdraw).status_code == 404
    assert staff.post(withdraw).status_code == 403  # staff reject instead
    assert app.test_client().post(withdraw).status_code == 302  # to the login page
    db.session.expire_all()
    assert change.state is State.PENDING
    assert identity.pending_identity_change_count() == 1
    assert [c.id for c in identity.pending_identity_changes()] == [change.id]
    assert identity.pending_identity_changes(zwijndrecht.id) == []


def test_the_services_check_the_actor_too(app, dordrecht):
    organisation, change, _ = _requested(app, dordrecht)
    partner = organisation.users[0]
    stranger = factories.PartnerUserFactory(organisation__municipality=dordrecht)
    with pytest.raises(identity.IdentityError):
        identity.approve(partner, change)
    with pytest.raises(identity.IdentityError):
        identity.withdraw(stranger, change)
    db.session.rollback()
    assert change.state is State.PENDING


def test_approving_what_staff_already_changed_adds_no_history(app, dordrecht):
    """Staff changed the number directly while the partner's request for it waited: approving the
    request changes nothing and adds no former identity equal to the current one."""
    organisation, change, staff_client = _requested(app, dordrecht)
    staff = factories.UserFactory(role=Role.STAFF)
    identity.save_details(staff, organisation, details_of(organisation, kvk_number="22222222"))
    db.session.commit()

    assert staff_client.post(f"/review/identity-changes/{change.id}/approve", data={"note": ""}).status_code == 302

    db.session.expire_all()
    assert change.state is State.APPROVED and (change.old_kvk_number, change.new_kvk_number) == ("22222222", "22222222")
    assert [former.kvk for former in identity.identity_history(organisation)] == ["11111111"]
    assert count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_IDENTITY_CHANGED) == 1  # staff's own
