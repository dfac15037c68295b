"""The entrepreneur's dashboard sends the same few statements however long its history is, none once
it is kept, and shows any change from the next view on."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState, StepSubmission
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories
from tests.helpers import login_client, statements

MAX_STATEMENTS = 8


def _history(organisation, user, path, rounds: int) -> None:
    """Every step but the last approved after ``rounds`` rounds of changes; the last one asked to change."""
    steps = sorted(path.values(), key=lambda step: step.position)
    for step in steps:
        progress = StepProgress(organisation_id=organisation.id, step_id=step.id, state=StepState.APPROVED)
        db.session.add(progress)
        db.session.flush()
        for number in range(1, rounds + 1):
            last = number == rounds
            state = StepState.CHANGES_REQUESTED if not last or step is steps[-1] else StepState.APPROVED
            db.session.add(
                StepSubmission(
                    progress_id=progress.id,
                    number=number,
                    state=state,
                    statement="Ons plan",
                    created_by_id=user.id,
                    submitted_at=utcnow() - timedelta(days=rounds - number),
                    decided_at=utcnow(),
                    feedback="Graag concreter",
                )
            )
            record(
                None,
                AuditAction.STEP_STATE_CHANGED,
                progress,
                before={"state": "submitted"},
                after={"step": step.key, "state": state.value},
                organisation_id=organisation.id,
            )
        if step is steps[-1]:
            progress.state = StepState.CHANGES_REQUESTED
    db.session.commit()


def _count(app, user) -> int:
    client = app.test_client()
    login_client(client, user)
    client.get("/dashboard")
    with statements() as seen:
        response = client.get("/dashboard")
    assert response.status_code == 200 and "Graag concreter" in response.get_data(as_text=True)
    return len(seen)


def test_the_partner_dashboard_sends_at_most_8_statements_for_a_short_and_a_long_history(app, dordrecht, path):
    counts = []
    for rounds in (1, 12):
        organisation = factories.OrganisationFactory(municipality=dordrecht, status=Status.WORKING_TOWARD_LABEL)
        user = factories.PartnerUserFactory(organisation=organisation)
        assert user.role is Role.PARTNER
        _history(organisation, user, path, rounds)
        counts.append(_count(app, user))
    assert counts[0] == counts[1] and counts[1] <= MAX_STATEMENTS, counts


def test_a_second_view_sends_no_statements_and_a_change_elsewhere_shows_on_the_next(
    app, other_process, dordrecht, path
):
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=Status.WORKING_TOWARD_LABEL)
    user = factories.PartnerUserFactory(organisation=organisation)
    _history(organisation, user, path, 1)
    client = app.test_client()
    login_client(client, user)
    client.get("/dashboard")
    with statements() as seen:
        page = client.get("/dashboard").get_data(as_text=True)
    assert seen == [] and "Graag concreter" in page

    with other_process.app_context():  # e.g. staff's decision, handled by another worker
        db.session.execute(sa.update(StepSubmission).values(feedback="Maak het meetbaar"))
        db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Maak het meetbaar" in page and "Graag concreter" not in page


def test_each_partner_sees_their_own_organisation_in_their_own_language(app, dordrecht, path):
    pages = {}
    for name, locale in (
        ("Bakkerij De Merwede", "nl"),
        ("Fietsenmaker Zwijndrecht", "en"),
        ("Bakkerij De Merwede", "en"),
    ):
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == name)
        ) or factories.OrganisationFactory(municipality=dordrecht, name=name)
        client = app.test_client()
        login_client(client, factories.PartnerUserFactory(organisation=organisation, locale=locale))
        for _ in range(2):  # the second from the cache
            pages[name, locale] = client.get("/dashboard").get_data(as_text=True)
    assert "Fietsenmaker" not in pages["Bakkerij De Merwede", "nl"] + pages["Bakkerij De Merwede", "en"]
    assert "Bakkerij" not in pages["Fietsenmaker Zwijndrecht", "en"]
    assert "Wat is de volgende stap?" in pages["Bakkerij De Merwede", "nl"]
    assert "What is the next step?" in pages["Bakkerij De Merwede", "en"]
