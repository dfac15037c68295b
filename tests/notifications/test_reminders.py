"""The reminder scan: each rule with dates moved around, delivered over real SMTP.

Every test passes ``now`` explicitly and puts the moments that matter
(state_changed_at, submitted_at, created_at, label_valid_until) in its past.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role, User
from impactnet.database import local_day, utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import StepProgress, StepState, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.notifications.reminders import expire_labels_and_notify, scan_reminders
from impactnet.organisations.models import OrganisationStatus
from impactnet.review import services as review
from tests import factories
from tests.helpers import count, link_in, statements
from tests.journey.helpers import PDF


def _scan(now) -> int:
    """What the task does: scan, then commit."""
    queued = scan_reminders(now)
    db.session.commit()
    return queued


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _organisation(dordrecht, path=None, **kwargs):
    """An organisation; with ``path``, a partner whose agreement was approved long ago."""
    kwargs.setdefault("status", OrganisationStatus.PARTNER)
    organisation = factories.OrganisationFactory(municipality=dordrecht, **kwargs)
    if path is not None:
        _progress(organisation, path["partnerovereenkomst"], StepState.APPROVED, utcnow() - timedelta(days=400))
    return organisation


def _progress(organisation, step, state, since) -> StepProgress:
    progress = StepProgress(organisation_id=organisation.id, step_id=step.id, state=state, state_changed_at=since)
    db.session.add(progress)
    db.session.commit()
    return progress


def _staff():
    return [
        factories.UserFactory(role=Role.STAFF, name="Sanne de Vries", email="sanne@stmbo.example.nl"),
        factories.UserFactory(role=Role.ADMIN, name="Ahmed Bakker", email="ahmed@stmbo.example.nl"),
    ]


@pytest.fixture
def now():
    return utcnow()


# Rule 1: stalled steps.


def test_a_stalled_draft_is_reminded_twice_then_staff_hear_of_it(mailbox, dordrecht, path, now):
    organisation = _organisation(dordrecht, path, name="Bakkerij De Merwede")
    partner = factories.PartnerUserFactory(organisation=organisation, name="Fatima el Amrani")
    _staff()
    _progress(organisation, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=31))  # interval 30

    assert _scan(now) == 1
    (first,) = list(mailbox)
    assert first["To"] == partner.email
    assert first["Subject"] == "Herinnering: ga verder met de stap ‘Inventarisatie’"
    assert "Beste Fatima el Amrani," in _text(first)
    assert "maar hebt die nog niet ingediend" in _text(first)
    assert link_in(first, "/organisations/") == f"/organisations/{organisation.id}/steps/inventarisatie"
    assert link_in(first, "/account/") == "/account/reminders"
    assert f'href="http://portal.test/organisations/{organisation.id}/steps/inventarisatie"' in _html(first)
    assert 'href="http://portal.test/account/reminders"' in _html(first)

    assert _scan(now) == 0
    assert _scan(now + timedelta(days=10)) == 0
    assert _scan(now + timedelta(days=30)) == 1
    assert mailbox[1]["Subject"] == "Tweede herinnering: de stap ‘Inventarisatie’ wacht op u"
    assert "Dit is de tweede herinnering." in _text(mailbox[1])
    assert _scan(now + timedelta(days=31)) == 0

    assert _scan(now + timedelta(days=60)) == 2
    escalations = list(mailbox)[2:]
    assert sorted(m["To"] for m in escalations) == ["ahmed@stmbo.example.nl", "sanne@stmbo.example.nl"]
    assert {m["Subject"] for m in escalations} == {"Bakkerij De Merwede staat stil bij de stap ‘Inventarisatie’"}
    assert "91 dagen, drie keer de herinneringstermijn van 30 dagen" in _text(escalations[0])
    assert "krijgen herinneringen per e-mail" in _text(escalations[0])
    assert link_in(escalations[0], "/organisations/") == f"/organisations/{organisation.id}/steps/inventarisatie"
    assert _scan(now + timedelta(days=61)) == 0
    assert len(mailbox) == 4


def test_an_english_reader_gets_the_english_step_title(mailbox, dordrecht, path, now):
    organisation = _organisation(dordrecht, path)
    factories.PartnerUserFactory(organisation=organisation, locale="en")
    _progress(organisation, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=31))
    assert _scan(now) == 1
    assert mailbox[0]["Subject"] == "Reminder: continue with the step ‘Inventory’"


def test_moving_the_step_starts_a_new_cycle(mailbox, dordrecht, path, now):
    organisation = _organisation(dordrecht)
    partner = factories.PartnerUserFactory(organisation=organisation)
    staff = factories.UserFactory(role=Role.STAFF)
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    db.session.commit()
    progress = db.session.scalar(sa.select(StepProgress).where(StepProgress.step_id == path["partnerovereenkomst"].id))
    assert progress.state is StepState.DRAFT
    progress.state_changed_at = now - timedelta(days=15)  # interval 14
    db.session.commit()
    assert _scan(now) == 1
    assert "maar hebt die nog niet ingediend" in _text(mailbox[0])

    # The organisation hands it in, St MBO asks for changes: the step moved.
    review.request_changes(
        staff,
        journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput("Getekend")),
        "Graag met handtekening.",
    )
    db.session.commit()
    assert mailbox[1]["Subject"] == "St MBO vraagt een aanpassing bij de stap ‘Partnerovereenkomst’"  # the decision
    later = utcnow() + timedelta(days=15)
    assert _scan(later) == 1  # a first reminder of the new period, not the second of the old one
    assert mailbox[2]["Subject"] == "Herinnering: ga verder met de stap ‘Partnerovereenkomst’"
    assert "gevraagd om de stap ‘Partnerovereenkomst’" in _text(mailbox[2])
    assert _scan(later) == 0


def test_a_step_not_started_after_its_predecessor_or_registration(mailbox, dordrecht, path, now):
    waiting = _organisation(dordrecht, name="Na goedkeuring")
    factories.PartnerUserFactory(organisation=waiting, email="na@example.nl")
    _progress(waiting, path["partnerovereenkomst"], StepState.APPROVED, now - timedelta(days=31))
    opened = _organisation(dordrecht, name="Pagina geopend")  # the next step's row exists, not started
    factories.PartnerUserFactory(organisation=opened, email="geopend@example.nl")
    _progress(opened, path["partnerovereenkomst"], StepState.APPROVED, now - timedelta(days=31))
    _progress(opened, path["inventarisatie"], StepState.NOT_STARTED, now - timedelta(days=200))
    new = _organisation(
        dordrecht, name="Net aangemeld", status=OrganisationStatus.APPLICANT, created_at=now - timedelta(days=15)
    )
    factories.PartnerUserFactory(organisation=new, email="nieuw@example.nl")
    recent = _organisation(dordrecht, name="Pas goedgekeurd")
    factories.PartnerUserFactory(organisation=recent, email="recent@example.nl")
    _progress(recent, path["partnerovereenkomst"], StepState.APPROVED, now - timedelta(days=29))
    session = _organisation(dordrecht, name="Wacht op sessie")  # next step is St MBO's to record
    factories.PartnerUserFactory(organisation=session, email="sessie@example.nl")
    _progress(session, path["partnerovereenkomst"], StepState.APPROVED, now - timedelta(days=300))
    _progress(session, path["inventarisatie"], StepState.APPROVED, now - timedelta(days=61))

    assert _scan(now) == 3
    subjects = {m["To"]: m["Subject"] for m in mailbox}
    assert subjects == {
        "na@example.nl": "Herinnering: ga verder met de stap ‘Inventarisatie’",
        "geopend@example.nl": "Herinnering: ga verder met de stap ‘Inventarisatie’",
        "nieuw@example.nl": "Herinnering: ga verder met de stap ‘Partnerovereenkomst’",
    }
    (to_waiting,) = [m for m in mailbox if m["To"] == "na@example.nl"]  # the scan's order is the database's
    assert "kan Na goedkeuring verder met de stap ‘Inventarisatie’" in _text(to_waiting)
    assert _scan(now) == 0


def test_users_with_reminders_off_get_none_but_staff_are_still_told(mailbox, dordrecht, path, now):
    organisation = _organisation(dordrecht, path)
    factories.PartnerUserFactory(organisation=organisation, reminders_enabled=False)
    colleague = factories.PartnerUserFactory(organisation=organisation, active=False)
    staff = factories.UserFactory(role=Role.STAFF)
    factories.UserFactory(role=Role.STAFF, reminders_enabled=False)
    _progress(organisation, path["inventarisatie"], StepState.CHANGES_REQUESTED, now - timedelta(days=91))

    assert _scan(now - timedelta(days=60)) == 0  # first interval: nobody of the organisation wants mail
    assert _scan(now - timedelta(days=30)) == 0
    assert _scan(now) == 1
    (escalation,) = list(mailbox)
    assert escalation["To"] == staff.email
    assert "Geen van de contactpersonen van de organisatie ontvangt herinneringen" in _text(escalation)
    assert colleague.email not in [m["To"] for m in mailbox]


def test_withdrawn_organisations_and_recorded_steps_get_nothing(mailbox, dordrecht, path, now):
    withdrawn = _organisation(dordrecht, status=OrganisationStatus.WITHDRAWN, label_valid_until=local_day(now))
    factories.PartnerUserFactory(organisation=withdrawn, email_verified_at=None, created_at=now - timedelta(days=4))
    _progress(withdrawn, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=31))
    _progress(withdrawn, path["partnerovereenkomst"], StepState.APPROVED, now - timedelta(days=31))
    _staff()
    assert _scan(now) == 0
    assert _scan(now + timedelta(days=60)) == 0
    assert mailbox == []


def test_a_step_with_interval_zero_is_never_reminded(mailbox, dordrecht, path, now):
    path["inventarisatie"].reminder_days = 0
    db.session.commit()
    organisation = _organisation(dordrecht, path)
    factories.PartnerUserFactory(organisation=organisation)
    _progress(organisation, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=31))
    assert _scan(now) == 0


def test_history_older_than_the_catch_up_window_is_left_alone(mailbox, dordrecht, path, now):
    organisation = _organisation(dordrecht, path)
    factories.PartnerUserFactory(organisation=organisation)
    _staff()
    _progress(organisation, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=400))
    assert _scan(now) == 0


# Rule 2: the weekly review digest.


def _submitted(organisation, step, waited, now, number=1) -> StepSubmission:
    progress = _progress(organisation, step, StepState.SUBMITTED, now - waited)
    submission = StepSubmission(
        progress_id=progress.id, number=number, state=StepState.SUBMITTED, submitted_at=now - waited
    )
    db.session.add(submission)
    db.session.commit()
    return submission


def test_one_digest_per_staff_member_per_week_lists_every_late_submission(
    app, mailbox, dordrecht, path, now, monkeypatch
):
    sanne, ahmed = _staff()
    factories.UserFactory(role=Role.STAFF, reminders_enabled=False)
    factories.UserFactory(role=Role.STAFF, active=False)
    factories.PartnerUserFactory(organisation=_organisation(dordrecht))  # partners never get the digest
    for name, days in (("Oud B.V.", 10), ("Middel B.V.", 8), ("Net te laat B.V.", 6), ("Vers B.V.", 2)):
        _submitted(_organisation(dordrecht, name=name), path["partnerovereenkomst"], timedelta(days=days), now)
    withdrawn = _organisation(dordrecht, name="Afgemeld B.V.", status=OrganisationStatus.WITHDRAWN)
    _submitted(withdrawn, path["partnerovereenkomst"], timedelta(days=20), now)

    assert _scan(now) == 2
    assert sorted(m["To"] for m in mailbox) == sorted([sanne.email, ahmed.email])
    digest = _text(mailbox[0])
    assert mailbox[0]["Subject"] == "3 inzendingen wachten langer dan 5 dagen op beoordeling"
    assert digest.index("Oud B.V.") < digest.index("Middel B.V.") < digest.index("Net te laat B.V.")
    assert "Vers B.V." not in digest and "Afgemeld B.V." not in digest
    assert link_in(mailbox[0], "/review/submissions/").startswith("/review/submissions/")
    assert "/review/" in _html(mailbox[0]) and "/account/reminders" in _html(mailbox[0])

    assert _scan(now + timedelta(hours=1)) == 0
    monkeypatch.setitem(app.config, "REVIEW_REMINDER_DAYS", 9)
    assert _scan(now + timedelta(days=7)) == 2  # a new ISO week
    assert mailbox[2]["Subject"] == "4 inzendingen wachten langer dan 9 dagen op beoordeling"


# Rule 3: labels expiring and expired.


def test_label_reminders_90_and_30_days_before_the_end(mailbox, dordrecht, path, now):
    today = local_day(now)
    organisation = _organisation(
        dordrecht,
        path,
        name="Labelhouder",
        status=OrganisationStatus.LABELLED,
        label_valid_until=today + timedelta(days=85),
    )
    partner = factories.PartnerUserFactory(organisation=organisation)
    factories.PartnerUserFactory(organisation=organisation, reminders_enabled=False)
    far = _organisation(
        dordrecht, path, status=OrganisationStatus.LABELLED, label_valid_until=today + timedelta(days=200)
    )
    factories.PartnerUserFactory(organisation=far)

    assert _scan(now) == 1
    assert mailbox[0]["To"] == partner.email
    assert mailbox[0]["Subject"] == "Uw label Ondernemen met impact verloopt over 85 dagen"
    assert "is geldig tot en met" in _text(mailbox[0])
    assert link_in(mailbox[0], "/organisations/") == f"/organisations/{organisation.id}/steps/beoordeling"
    assert _scan(now + timedelta(days=5)) == 0
    assert _scan(now + timedelta(days=58)) == 1  # 27 days left
    assert mailbox[1]["Subject"] == "Uw label Ondernemen met impact verloopt over 27 dagen"
    assert _scan(now + timedelta(days=59)) == 0

    # Renewed: a new end date, a new cycle (nothing yet: it is two years away).
    organisation.label_valid_until = today + timedelta(days=85 + 730)
    db.session.commit()
    assert _scan(now + timedelta(days=60)) == 0
    assert len(mailbox) == 2


def test_expired_label_tells_the_organisation_and_staff_once(mailbox, dordrecht, path, now):
    today = local_day(now)
    expired = _organisation(
        dordrecht, name="Verlopen B.V.", status=OrganisationStatus.LABELLED, label_valid_until=today - timedelta(days=1)
    )
    contact = factories.PartnerUserFactory(organisation=expired)
    quiet = factories.PartnerUserFactory(organisation=expired, reminders_enabled=False)  # news, not a reminder
    valid = _organisation(dordrecht, status=OrganisationStatus.LABELLED, label_valid_until=today)
    factories.PartnerUserFactory(organisation=valid)
    sanne, _ahmed = _staff()

    assert expire_labels_and_notify(today) == 1
    db.session.commit()
    assert expire_labels_and_notify(today) == 0
    db.session.commit()
    by_address = {m["To"]: m for m in mailbox}
    assert set(by_address) == {contact.email, quiet.email, sanne.email, "ahmed@stmbo.example.nl"}
    assert by_address[contact.email]["Subject"] == "Het label Ondernemen met impact van Verlopen B.V. is verlopen"
    assert link_in(by_address[contact.email], "/organisations/") == f"/organisations/{expired.id}/steps/beoordeling"
    assert by_address[sanne.email]["Subject"] == "1 label Ondernemen met impact is verlopen"
    assert "Verlopen B.V." in _text(by_address[sanne.email])
    assert link_in(by_address[sanne.email], "/organisations/") == f"/organisations/{expired.id}"
    db.session.refresh(expired)
    assert expired.status is OrganisationStatus.LABEL_EXPIRED


def test_the_unique_key_decides_even_when_two_scans_overlap(monkeypatch, dordrecht, path, now):
    """Two scans at once both find the key new; the INSERT's ON CONFLICT keeps one."""
    from impactnet.notifications.reminders import common

    organisation = _organisation(dordrecht, path)
    factories.PartnerUserFactory(organisation=organisation)
    _progress(organisation, path["inventarisatie"], StepState.DRAFT, now - timedelta(days=31))
    monkeypatch.setattr(common, "queued_keys", lambda keys: set())  # the other scan's row was not visible yet
    assert _scan(now) == 1
    assert _scan(now) == 0
    assert count(OutboxMail) == 1


# Rule 4: unconfirmed email addresses.


def test_unconfirmed_address_gets_one_reminder_with_a_working_link(client, mailbox, dordrecht, now):
    organisation = _organisation(dordrecht, status=OrganisationStatus.APPLICANT)
    user = factories.PartnerUserFactory(
        organisation=organisation, email_verified_at=None, created_at=now - timedelta(days=3, hours=1)
    )
    factories.PartnerUserFactory(organisation=organisation, email_verified_at=None, created_at=now - timedelta(days=2))
    factories.UserFactory(
        role=Role.STAFF,
        email_verified_at=None,
        password_hash=None,  # invited: not yet
        created_at=now - timedelta(days=4),
    )
    factories.PartnerUserFactory(
        organisation=organisation, email_verified_at=None, reminders_enabled=False, created_at=now - timedelta(days=4)
    )

    assert _scan(now) == 1
    (reminder,) = list(mailbox)
    assert reminder["To"] == user.email
    assert reminder["Subject"] == "Herinnering: bevestig uw e-mailadres voor impactnet"
    assert client.get(link_in(reminder, "/verify-email/")).status_code == 302
    assert db.session.get(User, user.id).email_verified_at is not None
    assert _scan(now + timedelta(hours=1)) == 0


# Scale: a bounded number of queries however many organisations are due.


def _due_network(dordrecht, path, now, n: int, start: int) -> None:
    """n organisations, each due for something (all five kinds of reminder)."""
    today = local_day(now)
    first, inventory, plan = path["partnerovereenkomst"], path["inventarisatie"], path["impactplan"]
    organisations, users, progress, submissions = [], [], [], []
    for i in range(start, start + n):
        kind = i % 5
        organisation = factories.OrganisationFactory.build(
            municipality=dordrecht,
            status=OrganisationStatus.LABELLED if kind == 3 else OrganisationStatus.PARTNER,
            label_valid_until=today + timedelta(days=80) if kind == 3 else None,
            created_at=now - timedelta(days=15),
        )
        organisations.append(organisation)
        users.append(
            User(
                email=f"due{i}@example.nl",
                name=f"Contact {i}",
                role=Role.PARTNER,
                organisation=organisation,
                password_hash="x",
                created_at=now - timedelta(days=4),
                email_verified_at=None if kind == 2 else now,
            )
        )
        if kind != 2:
            progress.append(
                StepProgress(
                    organisation=organisation,
                    step=first,
                    state=StepState.APPROVED,
                    state_changed_at=now - timedelta(days=31 if kind == 1 else 400),
                )
            )
        if kind == 0:
            progress.append(
                StepProgress(
                    organisation=organisation,
                    step=inventory,
                    state=StepState.DRAFT,
                    state_changed_at=now - timedelta(days=31),
                )
            )
        if kind == 3:
            progress.append(
                StepProgress(
                    organisation=organisation,
                    step=inventory,
                    state=StepState.APPROVED,
                    state_changed_at=now - timedelta(days=400),
                )
            )
        if kind == 4:
            progress.append(
                StepProgress(
                    organisation=organisation,
                    step=plan,
                    state=StepState.DRAFT,
                    state_changed_at=now - timedelta(days=140),
                )
            )
            waiting = StepProgress(
                organisation=organisation,
                step=inventory,
                state=StepState.SUBMITTED,
                state_changed_at=now - timedelta(days=6),
            )
            progress.append(waiting)
            submissions.append(
                StepSubmission(
                    progress=waiting, number=1, state=StepState.SUBMITTED, submitted_at=now - timedelta(days=6)
                )
            )
    db.session.add_all(organisations + users + progress + submissions)
    db.session.commit()


def _statements_of_a_scan(now) -> tuple[int, list[str]]:
    db.session.expire_all()
    with statements() as seen:
        queued = scan_reminders(now)
    db.session.commit()
    return queued, seen


def test_the_scan_runs_a_fixed_number_of_queries(dordrecht, path, now):
    _staff()
    _due_network(dordrecht, path, now, 30, start=0)
    queued, with_30 = _statements_of_a_scan(now)
    # per 5 organisations: a draft, a step not started, the first step not started and an
    # unconfirmed address, a label expiring, an escalation (to 2 staff); one digest per staff member
    assert queued == 30 // 5 * 7 + 2

    db.session.execute(sa.delete(OutboxMail))
    _due_network(dordrecht, path, now, 60, start=30)
    queued, with_90 = _statements_of_a_scan(now)
    assert queued == 90 // 5 * 7 + 2
    assert count(OutboxMail) == queued
    assert len(with_90) == len(with_30) <= 12, with_90
