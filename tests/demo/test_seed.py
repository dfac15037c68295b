"""The demo network, seeded once for the module: idempotent, usable, and true to the programme's figures.
(Seeding from an empty or a partly filled database: test_seeding.py.)"""

import shutil
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from markupsafe import escape
from sqlalchemy.orm import selectinload

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.demo.seed import DEMO_PASSWORD, HISTORY_END, seed_demo
from impactnet.extensions import db
from impactnet.journey.evidence import upload_dir
from impactnet.journey.models import Evidence, JourneyStep, StepKind, StepProgress, StepState, StepSubmission
from impactnet.journey.questionnaire import QUESTIONS
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.identifiers import normalise_kvk, normalise_postcode
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.regions.models import Municipality, Target
from impactnet.regions.services import municipality_by_slug
from impactnet.review.services import review_queue
from tests.conftest import empty_tables
from tests.demo.helpers import ACCOUNTS, tally
from tests.helpers import count, live_counts

END = datetime.combine(HISTORY_END + timedelta(days=1), time(), tzinfo=UTC)  # nothing after HISTORY_END
POSTCODE_RANGES = {"dordrecht": range(3311, 3320), "zwijndrecht": range(3331, 3337), "sliedrecht": range(3361, 3364)}


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(app):
    """The demo network, seeded and committed once for this module (each test's writes are rolled back
    after it, tests/conftest.py); the tables are emptied after the module's last test."""
    with app.app_context():
        accounts = seed_demo()
        db.session.commit()
    yield accounts
    with app.app_context():
        empty_tables()
        shutil.rmtree(upload_dir(), ignore_errors=True)  # the step documents it uploaded


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _status_changes():
    """Every status change with its municipality, oldest first."""
    return db.session.execute(
        sa.select(
            AuditEvent.organisation_id, AuditEvent.occurred_at, AuditEvent.before, AuditEvent.after, Municipality.slug
        )
        .join(Organisation, Organisation.id == AuditEvent.organisation_id)
        .join(Municipality, Municipality.id == Organisation.municipality_id)
        .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()


def _became_partner(changes, slug: str, before: datetime) -> int:
    return len(
        {
            c.organisation_id
            for c in changes
            if c.slug == slug
            and c.occurred_at < before
            and c.before == {"status": "applicant"}
            and c.after == {"status": "partner"}
        }
    )


def _statuses_as_of(changes, slug: str, before: datetime) -> Counter:
    latest = {}
    for change in changes:
        if change.slug == slug and change.occurred_at < before:
            latest[change.organisation_id] = change.after["status"]
    return Counter(latest.values())


def test_seeding_twice_changes_nothing(seeded):
    assert seeded == ACCOUNTS
    first = tally()
    assert first[0] > 150 and first[2] > first[0]

    assert seed_demo() == ACCOUNTS
    db.session.commit()

    assert tally() == first


def test_the_demo_accounts_log_in_with_the_demo_password(app, seeded):
    assert len(DEMO_PASSWORD) >= passwords.MIN_LENGTH
    for role, email in seeded:
        user = _user(email)
        assert user.role is Role(role)
        assert user.email_verified and user.active
        response = app.test_client().post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert response.headers["Location"] == "/dashboard"

    partner = _user("partner@demo.impactnet.example")
    assert partner.organisation.status is OrganisationStatus.WORKING_TOWARD_LABEL
    assert partner.organisation.municipality.slug == "dordrecht"
    assert _user("dordrecht@demo.impactnet.example").municipality.slug == "dordrecht"


def test_dordrecht_history_matches_the_programme_report(seeded):
    changes = _status_changes()

    assert _became_partner(changes, "dordrecht", _utc(2024, 6, 1)) == 65
    assert _became_partner(changes, "dordrecht", _utc(2024, 10, 1)) == 75
    q3_2024 = _statuses_as_of(changes, "dordrecht", _utc(2024, 10, 1))
    assert q3_2024["labelled"] == 30
    assert q3_2024["partner"] + q3_2024["working_toward_label"] == 45
    assert sum(q3_2024.values()) == 75

    now = live_counts(municipality_by_slug("dordrecht").id)
    assert 75 < now.partners < 155 and 30 < now.labelled < 110  # growing, but behind the 2025 target
    assert now.applicants > 0
    assert {(t.municipality.slug, t.year) for t in db.session.scalars(sa.select(Target))} == {
        ("dordrecht", 2024),
        ("dordrecht", 2025),
    }


def test_zwijndrecht_and_sliedrecht_start_in_2025(seeded):
    joined = _utc(2025, 1, 1)
    for slug in ("zwijndrecht", "sliedrecht"):
        municipality = municipality_by_slug(slug)
        first_event = db.session.scalar(
            sa.select(sa.func.min(AuditEvent.occurred_at))
            .join(Organisation, Organisation.id == AuditEvent.organisation_id)
            .where(Organisation.municipality_id == municipality.id)
        )
        assert first_event >= joined
        organisations = db.session.scalars(
            sa.select(Organisation).where(Organisation.municipality_id == municipality.id)
        ).all()
        assert min(o.created_at for o in organisations) >= joined
        assert live_counts(municipality.id).partners >= 10


def test_every_status_occurs_and_the_audit_trail_agrees_with_it(seeded):
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert {o.status for o in organisations} == set(OrganisationStatus)

    trail: dict[int, list] = {}
    for change in _status_changes():
        trail.setdefault(change.organisation_id, []).append(change)
    registered = dict(
        db.session.execute(
            sa.select(AuditEvent.organisation_id, AuditEvent.occurred_at).where(
                AuditEvent.action == AuditAction.ORGANISATION_REGISTERED
            )
        ).all()
    )
    dordrecht = municipality_by_slug("dordrecht")
    for organisation in organisations:
        assert registered[organisation.id] == organisation.created_at
        if organisation.municipality_id == dordrecht.id:
            assert organisation.created_at >= _utc(2022, 1, 1)
        status, moments = "applicant", {}
        for change in trail.get(organisation.id, []):
            assert change.before == {"status": status}
            status = change.after["status"]
            moments.setdefault(status, change.occurred_at)
        assert status == organisation.status.value
        if "labelled" in moments:
            assert moments["labelled"] - moments["partner"] >= timedelta(days=90)

    latest = db.session.scalar(sa.select(sa.func.max(AuditEvent.occurred_at)))
    assert latest <= utcnow()
    staff = _user("staff@demo.impactnet.example")
    actors = db.session.scalars(
        sa.select(AuditEvent.actor_id).distinct().where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
    ).all()
    assert actors == [staff.id]


def test_organisations_look_real(seeded):
    organisations = db.session.scalars(sa.select(Organisation)).all()
    sectors, sizes = {key for key, _ in SECTORS}, {key for key, _ in SIZE_CLASSES}
    for organisation in organisations:
        assert normalise_kvk(organisation.kvk_number) == organisation.kvk_number
        assert normalise_postcode(organisation.postcode) == organisation.postcode
        assert int(organisation.postcode[:4]) in POSTCODE_RANGES[organisation.municipality.slug]
        assert organisation.city == organisation.municipality.name
        assert organisation.sector in sectors and organisation.size_class in sizes
        [contact] = organisation.users
        assert contact.role is Role.PARTNER and contact.email_verified and " " in contact.name
    assert len({o.name for o in organisations}) == len(organisations)
    assert any(o.public_listing and o.website for o in organisations)
    assert any(not o.website for o in organisations)


def _journeys() -> dict[int, list[StepProgress]]:
    """Every organisation's progress on the five steps, in order."""
    rows = db.session.scalars(
        sa.select(StepProgress)
        .join(JourneyStep)
        .order_by(StepProgress.organisation_id, JourneyStep.position)
        .options(selectinload(StepProgress.submissions).selectinload(StepSubmission.actions))
    ).all()
    journeys: dict[int, list[StepProgress]] = {}
    for progress in rows:
        journeys.setdefault(progress.organisation_id, []).append(progress)
    return journeys


def _events(action: AuditAction) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()


def test_the_path_is_walked_in_order_and_matches_each_status(seeded):
    journeys = _journeys()
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert {p.state for progress in journeys.values() for p in progress} == set(StepState)
    S = OrganisationStatus
    for organisation in organisations:
        progress = journeys[organisation.id]
        assert [p.step.position for p in progress] == [1, 2, 3, 4, 5]
        first_approval = [
            min((v.decided_at for v in p.submissions if v.state is StepState.APPROVED), default=None) for p in progress
        ]
        for earlier, later in pairwise(first_approval):
            assert later is None or (earlier is not None and earlier < later), organisation.name
        done = sum(moment is not None for moment in first_approval)
        handed_in = [any(v.submitted_at for v in p.submissions) for p in progress]
        if organisation.status is S.APPLICANT:
            assert done == 0
        elif organisation.status is S.PARTNER:
            assert done == 1 and not handed_in[1]
        elif organisation.status is S.WORKING_TOWARD_LABEL:
            assert handed_in[1] and done < 5
        elif organisation.status in (S.LABELLED, S.LABEL_EXPIRED, S.LABEL_REVOKED):
            assert [p.state for p in progress] == [StepState.APPROVED] * 5, organisation.name
        else:
            assert organisation.status is S.WITHDRAWN and done >= 1
            assert StepState.SUBMITTED not in {p.state for p in progress}  # nothing left in the queue

    # organisations working toward the label stand all along the path
    current = Counter()
    for organisation in organisations:
        if organisation.status is S.WORKING_TOWARD_LABEL:
            step = next(p for p in journeys[organisation.id] if p.state is not StepState.APPROVED)
            current[(step.step.key, step.state)] += 1
    for stage in [
        ("inventarisatie", StepState.SUBMITTED),
        ("inventarisatie", StepState.CHANGES_REQUESTED),
        ("inspiratiesessie", StepState.NOT_STARTED),
        ("impactplan", StepState.NOT_STARTED),
        ("impactplan", StepState.DRAFT),
        ("impactplan", StepState.SUBMITTED),
        ("impactplan", StepState.CHANGES_REQUESTED),
        ("beoordeling", StepState.NOT_STARTED),
        ("beoordeling", StepState.SUBMITTED),
    ]:
        assert current[stage] >= 1, stage
    applicant_agreements = Counter(journeys[o.id][0].state for o in organisations if o.status is S.APPLICANT)
    assert {StepState.NOT_STARTED, StepState.DRAFT, StepState.SUBMITTED} <= set(applicant_agreements)
    partner_inventories = Counter(journeys[o.id][1].state for o in organisations if o.status is S.PARTNER)
    assert set(partner_inventories) == {StepState.NOT_STARTED, StepState.DRAFT}


def test_versions_and_their_audit_trail_agree(seeded):
    staff = _user("staff@demo.impactnet.example")
    contacts = {o.id: o.users[0].id for o in db.session.scalars(sa.select(Organisation))}
    trail: dict[int, list[AuditEvent]] = {}
    for event in _events(AuditAction.STEP_STATE_CHANGED):
        assert event.object_type == "step_progress"
        trail.setdefault(event.object_id, []).append(event)
    assert count(Evidence) == 0  # demo agreements come without files

    for progress in (p for journey in _journeys().values() for p in journey):
        versions = progress.submissions
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
        assert progress.state is (versions[-1].state if versions else StepState.NOT_STARTED)
        assert all(v.state in (StepState.APPROVED, StepState.CHANGES_REQUESTED) for v in versions[:-1])
        state = "not_started"
        for event in trail.get(progress.id, []):
            assert event.before == {"step": progress.step.key, "state": state}
            state = event.after["state"]
            staff_decision = state in ("approved", "changes_requested")
            assert event.actor_id == (staff.id if staff_decision else contacts[progress.organisation_id])
            assert event.organisation_id == progress.organisation_id
        assert state == progress.state.value
        if trail.get(progress.id):
            assert progress.state_changed_at == trail[progress.id][-1].occurred_at
        for version in versions:
            moments = [m for m in (version.created_at, version.submitted_at, version.decided_at) if m]
            assert moments == sorted(moments) and moments[-1] < END and moments[0] >= progress.created_at
            decided = version.state in (StepState.APPROVED, StepState.CHANGES_REQUESTED)
            assert (version.decided_at is not None) is decided and (version.decided_by_id == staff.id) is decided
            if version.state is StepState.CHANGES_REQUESTED:
                assert version.feedback
            if version.submitted_at:
                kind = progress.step.kind
                if kind is StepKind.QUESTIONNAIRE:
                    assert set(version.answers) == set(QUESTIONS) and all(version.answers.values())
                elif kind is StepKind.IMPACT_PLAN:
                    assert 1 <= len(version.actions) <= 3
                    assert all(
                        a.commitment and a.goal.number in (1, 2, 3) and a.target_date > version.submitted_at.date()
                        for a in version.actions
                    )
                else:
                    assert version.statement
    approved_plans = db.session.scalars(
        sa.select(StepSubmission)
        .join(StepProgress)
        .join(JourneyStep)
        .where(JourneyStep.key == "impactplan", StepSubmission.state == StepState.APPROVED)
    ).all()
    assert {a.goal.number for plan in approved_plans for a in plan.actions} == {1, 2, 3}
    assert any("BBL-plaatsen per jaar" in a.commitment for plan in approved_plans for a in plan.actions)
    latest = max(
        db.session.scalar(sa.select(sa.func.max(column)))
        for column in (
            AuditEvent.occurred_at,
            StepSubmission.created_at,
            StepSubmission.submitted_at,
            StepSubmission.decided_at,
            StepProgress.state_changed_at,
            Organisation.updated_at,
        )
    )
    assert latest < END


def test_labels_follow_their_history(app, seeded):
    validity = relativedelta(months=app.config["LABEL_VALIDITY_MONTHS"])
    awarded = {e.organisation_id: e for e in _events(AuditAction.LABEL_AWARDED)}
    renewals = Counter(e.organisation_id for e in _events(AuditAction.LABEL_RENEWED))
    staff = _user("staff@demo.impactnet.example")
    S = OrganisationStatus
    beoordeling = {
        p.organisation_id: p
        for p in db.session.scalars(sa.select(StepProgress).join(JourneyStep).where(JourneyStep.key == "beoordeling"))
    }
    for organisation in db.session.scalars(sa.select(Organisation)):
        if organisation.status not in (S.LABELLED, S.LABEL_EXPIRED, S.LABEL_REVOKED):
            assert organisation.id not in awarded and organisation.label_awarded_on is None
            continue
        event = awarded[organisation.id]
        assert event.actor_id == staff.id
        assert organisation.label_awarded_on == event.occurred_at.date()
        renewed = renewals[organisation.id]
        assert organisation.label_valid_until == organisation.label_awarded_on + validity * (1 + renewed)
        approved_reviews = [v for v in beoordeling[organisation.id].submissions if v.state is StepState.APPROVED]
        assert len(approved_reviews) == 1 + renewed
        if organisation.status is S.LABELLED:
            assert organisation.label_valid_until >= HISTORY_END
            assert organisation.shown_status(HISTORY_END) is S.LABELLED
            assert organisation.label_revoked_on is None
            if organisation.label_awarded_on + validity < HISTORY_END:
                assert renewed >= 1
        elif organisation.status is S.LABEL_EXPIRED:
            assert organisation.label_valid_until < HISTORY_END and renewed == 0
        else:
            assert organisation.label_valid_until >= organisation.label_revoked_on  # revoked while valid
            assert organisation.label_revoked_on <= HISTORY_END
            assert organisation.label_revoked_reason
    assert sum(renewals.values()) > 0
    assert len(_events(AuditAction.LABEL_REVOKED)) == 2 and len(_events(AuditAction.LABEL_EXPIRED)) == 3


def test_the_review_queue_has_work_waiting_oldest_first(seeded):
    now = utcnow()
    queue = review_queue(now)
    assert len(queue) >= 10
    submitted = [item.submission.submitted_at for item in queue]
    assert submitted == sorted(submitted)
    assert [item.waiting for item in queue] == sorted((item.waiting for item in queue), reverse=True)
    assert {item.step.key for item in queue} == {"partnerovereenkomst", "inventarisatie", "impactplan", "beoordeling"}
    assert queue[-1].waiting < timedelta(days=7) + (now - END) < queue[0].waiting
    assert all(
        item.organisation.status in (OrganisationStatus.APPLICANT, OrganisationStatus.WORKING_TOWARD_LABEL)
        for item in queue
    )


def test_the_demo_partner_sees_the_feedback_and_what_is_next(app, seeded):
    partner = _user("partner@demo.impactnet.example")
    plan = next(p for p in _journeys()[partner.organisation_id] if p.step.key == "impactplan")
    assert plan.state is StepState.CHANGES_REQUESTED
    feedback = plan.submissions[-1].feedback
    assert "meetbaar" in feedback

    client = app.test_client()
    response = client.post("/login", data={"email": partner.email, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Aanpassing gevraagd" in html
    assert str(escape(feedback)) in html
    assert "Naar stap 4" in html


def test_the_demo_offers_the_partner_agreement_in_dutch_and_english(app, seeded):
    from impactnet.journey.documents import document_path
    from impactnet.journey.models import StepDocument

    documents = db.session.scalars(sa.select(StepDocument).order_by(StepDocument.language)).all()
    assert [(d.step_key, d.language, d.version) for d in documents] == [
        ("partnerovereenkomst", "en", 1),
        ("partnerovereenkomst", "nl", 1),
    ]
    for document, title in zip(documents, (b"Partner agreement", b"Partnerovereenkomst"), strict=True):
        content = document_path(document.stored_name).read_bytes()
        assert content.startswith(b"%PDF-1.4\n") and content.endswith(b"%%EOF\n") and title in content
        assert document.size == len(content) and document.uploaded_by.email == "staff@demo.impactnet.example"
        assert document.uploaded_at < END  # nothing after the demo's history
    assert count(AuditEvent, AuditEvent.action == AuditAction.STEP_DOCUMENT_ADDED) == 2

    client = app.test_client()
    client.post("/login", data={"email": "partner@demo.impactnet.example", "password": DEMO_PASSWORD})
    partner = _user("partner@demo.impactnet.example")
    html = client.get(f"/organisations/{partner.organisation_id}/steps/partnerovereenkomst").get_data(as_text=True)
    assert "Download de partnerovereenkomst (PDF, versie 1, 1 november 2021)" in html
    assert "U ontvangt de overeenkomst van St MBO" not in html
