"""Changing an organisation's status: checked by the state machine, recorded."""

from __future__ import annotations

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.audit.status_changes import status_change
from impactnet.extensions import db
from impactnet.journey import statemachine
from impactnet.organisations.models import Organisation, OrganisationStatus


def set_status(
    actor: User | None, organisation: Organisation, new_status: OrganisationStatus, note: str | None = None
) -> None:
    """Move the organisation to ``new_status`` (nothing happens when it is there already)."""
    old_status = organisation.status
    if old_status is new_status:
        return
    statemachine.check_organisation_move(old_status, new_status)
    organisation.status = new_status
    record(
        actor,
        AuditAction.ORGANISATION_STATUS_CHANGED,
        organisation,
        **status_change(old_status.value, new_status.value),
        organisation_id=organisation.id,
        note=note,
    )
    db.session.flush()
