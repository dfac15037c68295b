"""The status change's shape in the audit trail (impactnet.audit.status_changes): what the services
write is what the growth history and the milestones read back in SQL."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.status_changes import status_after, status_before, status_change
from impactnet.extensions import db
from impactnet.journey.organisation_status import set_status
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories


def test_the_shape_is_the_statuses_values():
    assert status_change("partner", "labelled") == {"before": {"status": "partner"}, "after": {"status": "labelled"}}


def test_a_status_change_is_stored_in_the_shape_and_read_back_in_sql():
    staff = factories.UserFactory(role="staff")
    organisation = factories.OrganisationFactory(status=Status.APPLICANT)
    set_status(staff, organisation, Status.PARTNER)
    set_status(staff, organisation, Status.WORKING_TOWARD_LABEL)
    set_status(staff, organisation, Status.WORKING_TOWARD_LABEL)  # no move: no event
    db.session.commit()
    events = list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
            .order_by(AuditEvent.id)
        )
    )
    assert [{"before": e.before, "after": e.after} for e in events] == [
        status_change("applicant", "partner"),
        status_change("partner", "working_toward_label"),
    ]
    read = db.session.execute(
        sa.select(status_before(), status_after())
        .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED)
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in read] == [("applicant", "partner"), ("partner", "working_toward_label")]
