"""An organisation with everything personal impactnet can hold about it, built through the real
services and HTTP routes, for the export and erasure tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from markupsafe import escape

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import record
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import DrechtsDoel
from impactnet.journey.questionnaire import QUESTIONS
from impactnet.mail.models import OutboxMail
from impactnet.organisations.identity import pending_change
from impactnet.organisations.models import Organisation
from impactnet.organisations.services import OrganisationDetails, update_organisation
from impactnet.review import services as review
from tests import factories
from tests.helpers import registration_data
from tests.journey.helpers import upload
from tests.stats.network import utc

# Every personal value the organisation below carries, by what it is.
PERSONAL = {
    "name": "Bakkerij Zonneveld & Dochters",
    "kvk": "87654321",
    "street": "Lange Geldersekade 17",
    "postcode": "3311 CK",
    "website": "https://zonneveld-bakkerij.example.nl",
    "impact": "Wij bakken brood samen met statushouders uit de Wielwijk",
    "contact_name": "Marieke Zonneveld-Oosterhout",
    "contact_email": "marieke@zonneveld-bakkerij.example.nl",
    "colleague_name": "Joost Verhoeven",
    "colleague_email": "joost.verhoeven@zonneveld-bakkerij.example.nl",
    "statement": "Getekend door Marieke op de zaak aan de Geldersekade",
    "statement_2": "Nu ook met de paraaf van Joost Verhoeven erbij",
    "feedback": "Graag ook de handtekening van de tweede eigenaar, Joost",
    "answer": "Zonneveldantwoord",
    "session_note": "Inspiratiesessie met Marieke en Joost in de bakkerij gehouden",
    "evidence_name": "handtekening-marieke-zonneveld.pdf",
    "action": "Twee BBL-plaatsen in de Zonneveld-bakkerij",
    "commitment": "2 BBL-plaatsen Zonneveld per jaar",
    "draft": "Aanvraag beoordeling door Marieke Zonneveld",
    "digest_line": "Bakkerij Zonneveld & Dochters wacht op beoordeling",
    # The identity history: registered under the former name and number, changed (approved by St MBO)
    # to the ones above, and a further change still waiting.
    "former_name": "Banketbakkerij Zonneveld V.O.F.",
    "former_kvk": "76543210",
    "requested_name": "Zonneveld Brood en Banket B.V.",
    "requested_kvk": "65432109",
    "identity_note": "Uittreksel van Marieke Zonneveld-Oosterhout gezien",
}

# When the organisation registered and changed status (the growth history replays these).
REGISTERED = utc(2025, 3, 3, 9)
STATUS_MOMENTS = [utc(2025, 4, 10, 10), utc(2025, 5, 12, 14)]


@dataclass
class Built:
    organisation: Organisation
    partner: User
    colleague: User
    stored_names: list[str]


def personal_forms() -> list[str]:
    """The personal values as typed and as they appear in HTML (the name has an ampersand)."""
    values = set(PERSONAL.values())
    return sorted(values | {str(escape(value)) for value in values})


def build_organisation(client, login, staff: User, municipality) -> Built:
    """Register through HTTP, upload evidence through HTTP, walk the journey through the services
    (with a request for changes, the inventory, the staff-recorded session, an approved impact
    plan) and leave a draft of the review request. Status history: applicant -> partner ->
    working toward the label, moved back to spring 2025."""
    data = registration_data(
        municipality,
        name=PERSONAL["former_name"],
        kvk_number=PERSONAL["former_kvk"],
        street_address=PERSONAL["street"],
        postcode=PERSONAL["postcode"],
        website=PERSONAL["website"],
        contact_name=PERSONAL["contact_name"],
        email=PERSONAL["contact_email"],
    )
    assert client.post("/register", data=data).status_code == 302  # queues the verification mail
    partner = db.session.scalar(sa.select(User).where(User.email == PERSONAL["contact_email"]))
    organisation = partner.organisation
    partner.email_verified_at = utcnow()
    colleague = factories.PartnerUserFactory(
        organisation=organisation, name=PERSONAL["colleague_name"], email=PERSONAL["colleague_email"]
    )
    record(
        staff,
        AuditAction.USER_INVITED,
        colleague,
        after={"email": colleague.email, "role": "partner"},
        organisation_id=organisation.id,
    )
    details = OrganisationDetails(
        name=organisation.name,
        kvk_number=organisation.kvk_number,
        municipality_id=organisation.municipality_id,
        sector=organisation.sector,
        size_class=organisation.size_class,
        street_address=organisation.street_address,
        postcode=organisation.postcode,
        city=organisation.city,
        website=organisation.website,
        public_listing=True,
        impact_statement=PERSONAL["impact"],
    )
    update_organisation(partner, organisation, details)
    db.session.commit()

    login(partner)
    assert upload(client, organisation, "partnerovereenkomst", name=PERSONAL["evidence_name"]).status_code == 302
    first = journey.submit(
        partner, organisation, "partnerovereenkomst", journey.StepInput(statement=PERSONAL["statement"])
    )
    review.request_changes(staff, first, PERSONAL["feedback"])
    second = journey.submit(
        partner, organisation, "partnerovereenkomst", journey.StepInput(statement=PERSONAL["statement_2"])
    )  # copies the file
    review.approve(staff, second, note="Akkoord, " + PERSONAL["colleague_name"])
    db.session.commit()
    _change_identity(client, login, partner, staff, organisation)  # leaves the partner signed in
    answers = {key: f"{PERSONAL['answer']} {key}" for key in QUESTIONS}
    review.approve(staff, journey.submit(partner, organisation, "inventarisatie", journey.StepInput(answers=answers)))
    review.record_staff_step(staff, organisation, "inspiratiesessie", PERSONAL["session_note"])
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == 1))
    plan = journey.submit(
        partner,
        organisation,
        "impactplan",
        journey.StepInput(
            actions=(journey.PlannedAction(goal.id, PERSONAL["action"], PERSONAL["commitment"], date(2027, 9, 1)),)
        ),
    )
    review.approve(staff, plan)
    journey.save_draft(partner, organisation, "beoordeling", journey.StepInput(statement=PERSONAL["draft"]))
    _mails(organisation, staff)
    _move_history_back(organisation)
    db.session.commit()
    stored = [
        item.stored_name
        for version in journey.progress_for(organisation, "partnerovereenkomst").submissions
        for item in version.evidence
    ]
    assert len(stored) == 2
    return Built(organisation, partner, colleague, stored)


def _edit(client, organisation: Organisation, name: str, kvk: str):
    data = registration_data(
        organisation.municipality,
        name=name,
        kvk_number=kvk,
        street_address=PERSONAL["street"],
        postcode=PERSONAL["postcode"],
        website=PERSONAL["website"],
        impact_statement=PERSONAL["impact"],
    )
    return client.post(f"/organisations/{organisation.id}/edit", data=data)


def _change_identity(client, login, partner: User, staff: User, organisation: Organisation) -> None:
    """Now a partner: the partner asks to change name and number (through HTTP), St MBO approves with
    a note (which mails both users), and the partner asks for another change that stays pending."""
    assert organisation.identity_locked
    login(partner)
    assert _edit(client, organisation, PERSONAL["name"], PERSONAL["kvk"]).status_code == 302
    change = pending_change(organisation)
    login(staff)
    assert (
        client.post(
            f"/review/identity-changes/{change.id}/approve", data={"note": PERSONAL["identity_note"]}
        ).status_code
        == 302
    )
    login(partner)
    assert _edit(client, organisation, PERSONAL["requested_name"], PERSONAL["requested_kvk"]).status_code == 302
    db.session.expire_all()
    assert (organisation.name, organisation.kvk_number) == (PERSONAL["name"], PERSONAL["kvk"])


def _mails(organisation: Organisation, staff: User) -> None:
    """Besides the verification mail: one about the organisation, one to the colleague, and a staff
    digest (no organisation of its own) that names it among others."""
    html_line = str(escape(PERSONAL["digest_line"]))
    db.session.add_all(
        [
            OutboxMail(
                dedupe_key="about-it",
                kind="reminder_stalled_step",
                to_address=PERSONAL["contact_email"],
                subject=f"Herinnering voor {PERSONAL['name']}",
                body_text=f"Beste {PERSONAL['contact_name']}",
                body_html=f"<p>Beste {escape(PERSONAL['contact_name'])}</p>",
                organisation_id=organisation.id,
            ),
            OutboxMail(
                dedupe_key="to-colleague",
                kind="reset_password",
                to_address=PERSONAL["colleague_email"],
                subject="Nieuw wachtwoord",
                body_text=f"Beste {PERSONAL['colleague_name']}",
                body_html=f"<p>Beste {PERSONAL['colleague_name']}</p>",
            ),
            OutboxMail(
                dedupe_key="digest",
                kind="review_digest",
                to_address=staff.email,
                subject="2 inzendingen wachten",
                body_text=f"{PERSONAL['digest_line']}\nGarage Overkant wacht ook",
                body_html=f"<li>{html_line}</li><li>Garage Overkant wacht ook</li>",
            ),
        ]
    )


def _move_history_back(organisation: Organisation) -> None:
    """Registration and status changes happened months ago (the services stamped them now)."""
    organisation.created_at = REGISTERED
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.organisation_id == organisation.id, AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED
        )
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.before["status"], e.after["status"]) for e in events] == [
        ("applicant", "partner"),
        ("partner", "working_toward_label"),
    ]
    for event, moment in zip(events, STATUS_MOMENTS, strict=True):
        event.occurred_at = moment
