"""Every decision of St MBO on an organisation's step or label reaches its users by mail: through
the outbox and the real SMTP server, each user in their language, whatever their reminder choice,
with St MBO's words, a link to where to go and what is next."""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.organisations.models import OrganisationStatus
from impactnet.review import services as review
from tests import factories
from tests.helpers import link_in, login_client
from tests.journey.helpers import PDF, answers, latest_submission


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def organisation(dordrecht, path):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Merwede")
    factories.PartnerUserFactory(organisation=organisation, email="inge@merwede.example.nl", name="Inge")
    factories.PartnerUserFactory(
        organisation=organisation, email="ahmed@merwede.example.nl", name="Ahmed", locale="en", reminders_enabled=False
    )  # decisions are not reminders
    factories.PartnerUserFactory(organisation=organisation, email="weg@merwede.example.nl", active=False)
    # Invited through Collega's and not joined yet: no news of the organisation before joining.
    factories.PartnerUserFactory(organisation=organisation, email="uitgenodigd@merwede.example.nl", password_hash=None)
    db.session.commit()
    return organisation


@pytest.fixture
def staff(app):
    member = factories.UserFactory(role=Role.STAFF, name="Sterre")
    client = app.test_client()
    login_client(client, member)
    return member, client


def _hand_in(organisation, key, data):
    partner = organisation.users[0]
    if key == "partnerovereenkomst":
        journey.add_evidence(partner, organisation, key, FileStorage(io.BytesIO(PDF), "overeenkomst.pdf"))
    journey.submit(partner, organisation, key, data)
    db.session.commit()
    return latest_submission(organisation, key)


def _mails(mailbox, start: int = 0) -> dict:
    return {message["To"]: message for message in list(mailbox)[start:]}


def test_asking_for_changes_mails_every_active_user_the_feedback_and_the_way_back(organisation, staff, mailbox):
    submission = _hand_in(organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    _, client = staff
    response = client.post(
        f"/review/submissions/{submission.id}/request-changes",
        data={"feedback": "Graag de pagina met de handtekening erbij."},
    )
    assert response.status_code == 302

    mails = _mails(mailbox)
    # Not the deactivated account, nor the colleague invited who has not joined.
    assert set(mails) == {"inge@merwede.example.nl", "ahmed@merwede.example.nl"}
    dutch, english = mails["inge@merwede.example.nl"], mails["ahmed@merwede.example.nl"]
    assert dutch["Subject"] == "St MBO vraagt een aanpassing bij de stap ‘Partnerovereenkomst’"
    text = _text(dutch)
    assert "Graag de pagina met de handtekening erbij." in text
    assert "Wat is de volgende stap?" in text and "Pas de stap aan en dien hem opnieuw in." in text
    assert link_in(dutch, "/organisations/") == f"/organisations/{organisation.id}/steps/partnerovereenkomst"
    assert english["Subject"] == "St MBO asks for a change to the step ‘Partner agreement’"
    assert "What is the next step?" in _text(english) and "Graag de pagina met de handtekening erbij." in _text(english)


def test_approving_a_step_says_which_step_is_next_and_links_to_it(organisation, staff, mailbox):
    submission = _hand_in(organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    _, client = staff
    assert client.post(f"/review/submissions/{submission.id}/approve", data={"note": "Welkom!"}).status_code == 302

    mail = _mails(mailbox)["inge@merwede.example.nl"]
    assert mail["Subject"] == "De stap ‘Partnerovereenkomst’ is goedgekeurd"
    text = _text(mail)
    assert "Welkom!" in text and "De volgende stap is ‘Inventarisatie’." in text
    assert link_in(mail, "/organisations/") == f"/organisations/{organisation.id}/steps/inventarisatie"

    inventory = _hand_in(
        organisation,
        "inventarisatie",
        journey.StepInput(answers={key.removeprefix("answer_"): value for key, value in answers().items()}),
    )
    assert client.post(f"/review/submissions/{inventory.id}/approve", data={}).status_code == 302
    text = _text(_mails(mailbox, 2)["inge@merwede.example.nl"])
    assert "De volgende stap is ‘Inspiratiesessie’. St MBO neemt contact met u op om die te plannen." in text


def test_recording_a_staff_step_mails_the_report_and_the_next_step(organisation, staff, mailbox, path):
    member, client = staff
    for key in ("partnerovereenkomst", "inventarisatie"):
        data = (
            journey.StepInput(statement="Getekend")
            if key == "partnerovereenkomst"
            else journey.StepInput(answers={k.removeprefix("answer_"): v for k, v in answers().items()})
        )
        review.approve(member, _hand_in(organisation, key, data))
    db.session.commit()
    start = len(mailbox)
    response = client.post(
        f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record",
        data={"note": "Sessie op 3 maart met Inge en Ahmed."},
    )
    assert response.status_code == 302
    mail = _mails(mailbox, start)["inge@merwede.example.nl"]
    assert mail["Subject"] == "St MBO heeft de stap ‘Inspiratiesessie’ vastgelegd"
    assert "Sessie op 3 maart met Inge en Ahmed." in _text(mail) and "‘Impactplan’" in _text(mail)
    assert link_in(mail, "/organisations/") == f"/organisations/{organisation.id}/steps/impactplan"


def test_the_label_awarded_renewed_and_revoked_each_reach_the_users(app, organisation, staff, mailbox, path):
    member, client = staff
    organisation.status = OrganisationStatus.WORKING_TOWARD_LABEL
    db.session.commit()
    review.award_or_renew_label(member, organisation)
    db.session.commit()
    until = local_today() + relativedelta(months=24)
    mail = _mails(mailbox)["inge@merwede.example.nl"]
    assert mail["Subject"] == "Gefeliciteerd: Bakkerij De Merwede heeft het label Ondernemen met impact"
    text = _text(mail)
    assert f"geldig tot en met {until.day} " in text
    opens = until - relativedelta(months=app.config["RENEWAL_OPENS_MONTHS"])
    assert f"Verlengen kunt u aanvragen vanaf {opens.day} " in text

    start = len(mailbox)
    review.award_or_renew_label(member, organisation)
    db.session.commit()
    assert (
        _mails(mailbox, start)["inge@merwede.example.nl"]["Subject"]
        == "Het label Ondernemen met impact van Bakkerij De Merwede is verlengd"
    )

    start = len(mailbox)
    response = client.post(
        f"/review/organisations/{organisation.id}/revoke",
        data={"reason": "Afspraken uit het impactplan niet nagekomen."},
    )
    assert response.status_code == 302
    mail = _mails(mailbox, start)["inge@merwede.example.nl"]
    assert mail["Subject"] == "Het label Ondernemen met impact van Bakkerij De Merwede is ingetrokken"
    assert "Afspraken uit het impactplan niet nagekomen." in _text(mail)
    assert "U blijft partner van Ondernemen met impact." in _text(mail)


def test_a_withdrawal_is_mailed_with_its_reason(organisation, staff, mailbox):
    _, client = staff
    response = client.post(f"/review/organisations/{organisation.id}/withdraw", data={"reason": "Bedrijf gestopt."})
    assert response.status_code == 302
    (mail, _other) = sorted(mailbox, key=lambda message: message["To"])[::-1][:2]
    assert "afgemeld" in mail["Subject"] and "Bedrijf gestopt." in _text(mail)


def test_a_refused_decision_sends_nothing(organisation, staff, mailbox):
    submission = _hand_in(organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    _, client = staff
    assert client.post(f"/review/submissions/{submission.id}/request-changes", data={"feedback": ""}).status_code == 422
    review.approve(staff[0], submission)
    db.session.commit()
    start = len(mailbox)
    # A colleague's second decision on the same submission is refused: no second mail.
    assert client.post(f"/review/submissions/{submission.id}/approve", data={}).status_code == 409
    assert len(mailbox) == start
