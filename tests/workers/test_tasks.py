"""The task functions, called directly (the real worker path is tested beside this)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from impactnet.stats.models import GrowthSnapshot
from tests import factories
from tests.helpers import count
from workers.tasks import expire_labels, scan_reminders, send_outbox, take_snapshots


def test_expiry_task_expires_tells_organisation_and_staff_once(mailbox, dordrecht):
    partner = factories.PartnerUserFactory(
        email="eigenaar@zaak.example.nl",
        organisation=factories.OrganisationFactory(
            municipality=dordrecht,
            status=OrganisationStatus.LABELLED,
            label_awarded_on=date(2024, 1, 10),
            label_valid_until=date(2026, 1, 10),
        ),
    )
    factories.UserFactory(role=Role.STAFF, email="staf@stmbo.example.nl")

    assert expire_labels.run("2026-01-11") == 1
    assert expire_labels.run("2026-01-11") == 0
    db.session.refresh(partner.organisation)
    assert partner.organisation.status is OrganisationStatus.LABEL_EXPIRED
    assert sorted(m["To"] for m in mailbox) == ["eigenaar@zaak.example.nl", "staf@stmbo.example.nl"]


def test_snapshot_task_is_harmless_to_run_twice(dordrecht):
    factories.OrganisationFactory.create_batch(3, municipality=dordrecht, status=OrganisationStatus.LABELLED)
    take_snapshots.run("2026-11-27")
    take_snapshots.run("2026-11-27")
    rows = list(db.session.scalars(sa.select(GrowthSnapshot).where(GrowthSnapshot.day == date(2026, 11, 27))))
    assert sorted((r.scope_key, r.labelled) for r in rows) == [(0, 3), (dordrecht.id, 3)]


def test_reminder_and_outbox_tasks_run(path):
    assert scan_reminders.run() == 0
    assert send_outbox.run() == (0, 0)
    assert count(GrowthSnapshot) == 0
