"""The access matrix's world (tests/test_access_matrix.py, and the notes' privacy tests): the roles, and
a user of each with one of everything the routes address. The fixture is ``world`` (tests/conftest.py)."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.api.services import create_token
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.documents import add_document
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.organisations.models import IdentityChange, Note, NoteKind, OrganisationStatus
from impactnet.sessions.models import InspirationSession
from tests import factories
from tests.journey.helpers import PDF

VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER, STAFF, ADMIN = (
    "visitor",
    "partner of this organisation",
    "partner of another organisation",
    "municipality viewer of this municipality",
    "municipality viewer of another municipality",
    "staff",
    "admin",
)


def make_world(dordrecht, zwijndrecht, path) -> tuple[dict, dict]:
    """A user of every role, and one of everything a route of the access matrix addresses (its ids by
    the routes' parameter names), committed."""
    own = factories.OrganisationFactory(municipality=dordrecht)
    other = factories.OrganisationFactory(municipality=zwijndrecht)
    users = {
        PARTNER: factories.PartnerUserFactory(organisation=own),
        PARTNER_OTHER: factories.PartnerUserFactory(organisation=other),
        VIEWER: factories.MunicipalityUserFactory(municipality=dordrecht),
        VIEWER_OTHER: factories.MunicipalityUserFactory(municipality=zwijndrecht),
        STAFF: factories.UserFactory(role=Role.STAFF),
        ADMIN: factories.UserFactory(role=Role.ADMIN),
    }
    target_user = factories.UserFactory(role=Role.STAFF, email="doel@example.nl")
    # An open invitation to the organisation: removing it is refused (409), withdrawing it works.
    invited = factories.PartnerUserFactory(organisation=own, email="uitgenodigd@example.nl", password_hash=None)
    evidence = journey.add_evidence(
        users[PARTNER], own, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "overeenkomst.pdf")
    )
    submission = journey.submit(users[PARTNER], own, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    document = add_document(
        users[STAFF], path["partnerovereenkomst"], "nl", FileStorage(io.BytesIO(PDF), "partnerovereenkomst.pdf")
    )
    failed = OutboxMail(
        dedupe_key="failed",
        kind="test",
        to_address="x@example.nl",
        subject="Onderwerp",
        body_text="Tekst",
        body_html="",
        status=MailStatus.FAILED,
        attempts=6,
        last_error="refused",
    )
    db.session.add(failed)
    api_token, _ = create_token(users[VIEWER], "dashboard")
    change = IdentityChange(
        organisation_id=own.id,
        old_kvk_number=own.kvk_number,
        old_name=own.name,
        new_kvk_number="99999999",
        new_name="Nieuwe Naam B.V.",
        requested_by_id=users[PARTNER].id,
    )
    db.session.add(change)
    note = Note(
        organisation_id=own.id,
        kind=NoteKind.PHONE_CALL,
        happened_on=local_today(),
        text="Gebeld",
        author_id=users[STAFF].id,
    )
    db.session.add(note)
    labelled = factories.OrganisationFactory(
        municipality=dordrecht, status=OrganisationStatus.LABELLED, label_awarded_on=local_today(), public_listing=True
    )
    session = InspirationSession(
        starts_at=utcnow() + timedelta(days=7),
        ends_at=utcnow() + timedelta(days=7, hours=2),
        location="Stadskantoor",
        capacity=10,
        language="nl",
    )
    db.session.add(session)
    db.session.commit()
    values = {
        "session_id": session.id,
        "kvk": labelled.kvk_number,
        "token_id": api_token.id,
        "organisation_id": own.id,
        "slug": dordrecht.slug,
        "user_id": target_user.id,
        "token": "not-a-token",
        "step_key": "partnerovereenkomst",
        "evidence_id": evidence.id,
        "submission_id": submission.id,
        "number": 1,
        "mail_id": failed.id,
        "name": "funnel",
        "change_id": change.id,
        "document_id": document.id,
        "colleague_id": invited.id,
        "note_id": note.id,
        "kind": "stalled",
    }
    return users, values
