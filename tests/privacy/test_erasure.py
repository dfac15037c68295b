"""Erasing an organisation on request: the personal data goes, the counts of the past stay."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey.evidence import upload_dir
from impactnet.journey.models import Evidence, ImpactAction, StepProgress, StepState, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.organisations.models import IdentityChange, Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.privacy.services import KEPT_AUDIT_KEYS, placeholder_kvk
from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot
from impactnet.stats.services import backfill_snapshots, take_snapshots
from tests import factories
from tests.helpers import count
from tests.privacy.helpers import PERSONAL, build_organisation, personal_forms
from tests.stats.network import noon
from tests.stats.network import organisation as organisation_with_history

HISTORY_START = date(2025, 2, 1)
REASON = "Verzoek per e-mail van 3 maart"


def _figures() -> dict[str, list[tuple]]:
    """Every stored figure (growth, funnel, breakdowns), without ids and computation times."""
    figures = {}
    for model in (GrowthSnapshot, FunnelSnapshot, BreakdownSnapshot):
        columns = [c for c in model.__table__.columns if c.name not in ("id", "computed_at")]
        figures[model.__tablename__] = sorted(tuple(row) for row in db.session.execute(sa.select(*columns)))
    return figures


def _recompute() -> dict[str, list[tuple]]:
    backfill_snapshots(HISTORY_START, local_today())
    take_snapshots(local_today())
    db.session.commit()
    return _figures()


def _database_text() -> str:
    """Every value of every column of every table, as text."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts).lower()


def _network(dordrecht, zwijndrecht):
    """Other organisations around it, with their own history and data that must stay."""
    other = organisation_with_history(
        dordrecht,
        noon(2025, 2, 10),
        (noon(2025, 3, 1), Status.PARTNER),
        (noon(2025, 6, 2), Status.WORKING_TOWARD_LABEL),
        (noon(2025, 9, 15), Status.LABELLED),
    )
    other.name = "Garage Overkant"
    organisation_with_history(zwijndrecht, noon(2025, 4, 1), (noon(2025, 5, 5), Status.PARTNER))
    colleague_elsewhere = factories.PartnerUserFactory(
        organisation=other, name="Sanne Overkant", email="sanne@overkant.example.nl"
    )
    db.session.commit()
    return other, colleague_elsewhere


def test_erasure_keeps_every_count_and_leaves_no_personal_value(app, client, login, path, dordrecht, zwijndrecht):
    staff = factories.UserFactory(role=Role.STAFF, name="Sterre van St MBO")
    other, elsewhere = _network(dordrecht, zwijndrecht)
    built = build_organisation(client, login, staff, dordrecht)
    organisation_id, partner_token = built.organisation.id, built.partner.auth_token
    folder = upload_dir() / str(organisation_id)
    files_before = {p.name for p in folder.iterdir()}  # the test database reuses ids: older tests' files count too
    assert set(built.stored_names) <= files_before
    text = _database_text()
    assert all(
        value.lower() in text
        for value in (PERSONAL["name"], PERSONAL["contact_email"], PERSONAL["evidence_name"], PERSONAL["feedback"])
    )
    former = client.get(f"/api/v1/verify/{PERSONAL['former_kvk']}")  # a listed partner: its former number answers
    assert former.status_code == 200 and former.get_json()["asked_kvk_until"] is not None
    assert count(IdentityChange, IdentityChange.organisation_id == organisation_id) == 2  # approved and pending
    before = _recompute()
    assert any(row for row in before["funnel_snapshots"] if row[-2])  # the organisation stands in the funnel
    steps_before = db.session.execute(
        sa.select(StepProgress.step_id, StepProgress.state, StepProgress.state_changed_at)
        .where(StepProgress.organisation_id == organisation_id)
        .order_by(StepProgress.step_id)
    ).all()

    login(staff)
    response = client.post(
        f"/organisations/{organisation_id}/erase",
        data={"reason": f"{REASON} van {PERSONAL['contact_name']}", "confirmation": "8765 4321"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{organisation_id}"
    db.session.expire_all()

    assert _recompute() == before
    text = _database_text()
    left = [value for value in personal_forms() if value.lower() in text]
    assert left == [], f"personal data left in the database: {left}"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert not any(name in str(path) for path in upload_dir().rglob("*") for name in built.stored_names)

    organisation = db.session.get(Organisation, organisation_id)
    assert organisation.name == f"Geanonimiseerde organisatie {organisation_id}"
    assert organisation.kvk_number == placeholder_kvk(organisation_id) == f"X{organisation_id:07d}"
    assert (organisation.street_address, organisation.postcode, organisation.city) == ("", "", "")
    assert organisation.website is None and organisation.impact_statement is None
    assert organisation.public_listing is False and organisation.erased_at is not None
    assert (organisation.status, organisation.municipality_id, organisation.sector) == (
        Status.WORKING_TOWARD_LABEL,
        dordrecht.id,
        "horeca",
    )
    assert count(User, User.organisation_id == organisation_id) == 0
    assert count(Evidence, Evidence.organisation_id == organisation_id) == 0
    assert (
        db.session.execute(
            sa.select(StepProgress.step_id, StepProgress.state, StepProgress.state_changed_at)
            .where(StepProgress.organisation_id == organisation_id)
            .order_by(StepProgress.step_id)
        ).all()
        == steps_before
    )
    versions = db.session.scalars(
        sa.select(StepSubmission).join(StepProgress).where(StepProgress.organisation_id == organisation_id)
    ).all()
    assert len(versions) == 6 and {v.state for v in versions} >= {StepState.APPROVED, StepState.CHANGES_REQUESTED}
    assert all(v.statement == "" and v.answers == {} and v.feedback is None for v in versions)
    assert count(ImpactAction) == 1  # the action stays (its goal and date), without its texts

    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)).all()
    assert all(
        set(e.before or {}) <= KEPT_AUDIT_KEYS and set(e.after or {}) <= KEPT_AUDIT_KEYS
        for e in events
        if e.action is not AuditAction.ORGANISATION_ERASED
    )
    erased = [e for e in events if e.action is AuditAction.ORGANISATION_ERASED]
    assert len(erased) == 1 and erased[0].actor_id == staff.id
    assert erased[0].note == f"{REASON} van [verwijderd]"
    # The verification mail, the reminder about it, the colleague's mail, the two users' identity decision mails
    # and their mails about St MBO's five decisions on the journey (changes asked, three approvals, the session).
    assert erased[0].after == {"users_deleted": 2, "files_deleted": len(files_before), "mails_deleted": 15}
    assert count(IdentityChange, IdentityChange.organisation_id == organisation_id) == 0

    # The staff digest stays, the organisation's name in it replaced; the other organisation is untouched.
    digest = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.dedupe_key == "digest"))
    assert f"Geanonimiseerde organisatie {organisation_id} wacht op beoordeling" in digest.body_text
    assert "Garage Overkant" in digest.body_text and "Garage Overkant" in digest.body_html
    assert count(OutboxMail) == 1
    assert db.session.get(Organisation, other.id).name == "Garage Overkant"
    assert db.session.get(User, elsewhere.id).email == "sanne@overkant.example.nl"

    # Nobody signs in as its users any more; nothing of it is public.
    partner_client = app.test_client()
    with partner_client.session_transaction() as session:
        session["_user_id"] = partner_token
    assert partner_client.get("/dashboard").status_code == 302
    assert (
        app.test_client()
        .post("/login", data={"email": PERSONAL["contact_email"], "password": "Lange-Wachtzin-2026"})
        .status_code
        == 401
    )
    assert PERSONAL["name"] not in client.get("/directory").get_data(as_text=True)
    assert PERSONAL["name"] not in client.get(f"/verify/{PERSONAL['kvk']}").get_data(as_text=True)
    for kvk in (PERSONAL["former_kvk"], PERSONAL["requested_kvk"]):
        answer = client.get(f"/api/v1/verify/{kvk}")
        assert answer.status_code == 404 and answer.get_json() == {"kvk": kvk, "status": "unknown"}
    page = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "zijn op" in page and "gewist (AVG-verzoek)" in page
    assert "Persoonsgegevens gewist (AVG-verzoek)" in page  # the timeline's label


def test_erasure_of_an_organisation_without_users_files_or_mails(client, login, path, dordrecht):
    staff = login(factories.UserFactory(role=Role.STAFF))
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Lege Schil B.V.", kvk_number="11112222")
    folder = upload_dir() / str(organisation.id)  # the test database reuses ids: older tests' files may be there
    files_before = len(list(folder.iterdir())) if folder.is_dir() else 0
    response = client.post(
        f"/organisations/{organisation.id}/erase", data={"reason": "Dubbel aangemeld", "confirmation": "11112222"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.erased_at is not None and organisation.name.startswith("Geanonimiseerde organisatie")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATION_ERASED))
    assert event.actor_id == staff.id
    assert event.after == {"users_deleted": 0, "files_deleted": files_before, "mails_deleted": 0}
    assert not folder.is_dir() or list(folder.iterdir()) == []


def test_placeholder_kvk_numbers_are_unique_and_never_real():
    examples = [1, 42, 9_999_999, 10_000_000, 10_000_001, 2**31 - 1]
    numbers = [placeholder_kvk(n) for n in examples]
    assert len(set(numbers)) == len(numbers)
    assert all(len(number) == 8 and not number.isdigit() for number in numbers)
    assert numbers[:2] == ["X0000001", "X0000042"]
