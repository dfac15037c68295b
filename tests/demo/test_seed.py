"""The demo network: idempotent, deterministic, usable, and true to the programme's figures."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.demo.seed import DEMO_PASSWORD, seed_demo
from impactnet.extensions import db
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.identifiers import normalise_kvk, normalise_postcode
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.regions.models import Municipality, Target
from impactnet.regions.services import municipality_by_slug, status_counts
from tests import factories
from tests.helpers import count

ACCOUNTS = [
    ("partner", "partner@demo.impactnet.example"),
    ("staff", "staff@demo.impactnet.example"),
    ("municipality", "dordrecht@demo.impactnet.example"),
    ("admin", "admin@demo.impactnet.example"),
]
POSTCODE_RANGES = {"dordrecht": range(3311, 3320), "zwijndrecht": range(3331, 3337), "sliedrecht": range(3361, 3364)}


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def seeded():
    accounts = seed_demo()
    db.session.commit()
    return accounts


def _tally() -> tuple[int, int, int, int, int]:
    return count(Organisation), count(User), count(AuditEvent), count(Municipality), count(Target)


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _status_changes():
    """Every status change with its municipality, oldest first."""
    return db.session.execute(
        sa.select(AuditEvent.organisation_id, AuditEvent.occurred_at, AuditEvent.before, AuditEvent.after,
                  Municipality.slug)
        .join(Organisation, Organisation.id == AuditEvent.organisation_id)
        .join(Municipality, Municipality.id == Organisation.municipality_id)
        .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()


def _became_partner(changes, slug: str, before: datetime) -> int:
    return len({c.organisation_id for c in changes if c.slug == slug and c.occurred_at < before
                and c.before == {"status": "applicant"} and c.after == {"status": "partner"}})


def _statuses_as_of(changes, slug: str, before: datetime) -> Counter:
    latest = {}
    for change in changes:
        if change.slug == slug and change.occurred_at < before:
            latest[change.organisation_id] = change.after["status"]
    return Counter(latest.values())


def test_seeding_twice_changes_nothing(seeded):
    assert seeded == ACCOUNTS
    first = _tally()
    assert first[0] > 150 and first[2] > first[0]

    assert seed_demo() == ACCOUNTS
    db.session.commit()

    assert _tally() == first


def test_seeding_is_deterministic():
    def network():
        seed_demo()
        return db.session.execute(
            sa.select(Organisation.kvk_number, Organisation.name, Organisation.status, Organisation.created_at)
            .order_by(Organisation.kvk_number)
        ).all()

    first = network()
    db.session.rollback()
    assert network() == first


def test_existing_municipalities_and_targets_are_kept():
    dordrecht = factories.MunicipalityFactory(name="Dordrecht", slug="dordrecht", joined_on=date(2021, 11, 1))
    factories.TargetFactory(municipality=dordrecht, year=2025, partners_wanted=160, labelled_wanted=120)

    seed_demo()
    db.session.commit()

    assert count(Municipality) == 3
    targets = {t.year: (t.partners_wanted, t.labelled_wanted) for t in municipality_by_slug("dordrecht").targets}
    assert targets == {2024: (75, 50), 2025: (160, 120)}
    for slug in ("zwijndrecht", "sliedrecht"):
        assert municipality_by_slug(slug).joined_on == date(2025, 1, 1)


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

    now = status_counts(municipality_by_slug("dordrecht").id)
    assert 75 < now.partners < 155 and 30 < now.labelled < 110  # growing, but behind the 2025 target
    assert now.applicants > 0
    assert {(t.municipality.slug, t.year) for t in db.session.scalars(sa.select(Target))} == {
        ("dordrecht", 2024), ("dordrecht", 2025)}


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
            sa.select(Organisation).where(Organisation.municipality_id == municipality.id)).all()
        assert min(o.created_at for o in organisations) >= joined
        assert status_counts(municipality.id).partners >= 10


def test_every_status_occurs_and_the_audit_trail_agrees_with_it(seeded):
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert {o.status for o in organisations} == set(OrganisationStatus)

    trail: dict[int, list] = {}
    for change in _status_changes():
        trail.setdefault(change.organisation_id, []).append(change)
    registered = dict(db.session.execute(
        sa.select(AuditEvent.organisation_id, AuditEvent.occurred_at)
        .where(AuditEvent.action == AuditAction.ORGANISATION_REGISTERED)).all())
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
    actors = db.session.scalars(sa.select(AuditEvent.actor_id).distinct()
                                .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)).all()
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


def test_the_command_loads_the_demo_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for _, email in ACCOUNTS:
        assert email in result.output
    assert DEMO_PASSWORD in result.output
    loaded = _tally()
    assert loaded[0] > 0

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert _tally() == loaded
