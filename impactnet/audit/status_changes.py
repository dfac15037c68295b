"""The shape of an organisation's status change in the audit trail, written and read here only.

An event with action ``organisation.status_changed`` (AuditAction.ORGANISATION_STATUS_CHANGED) holds
``before = {"status": <old>}`` and ``after = {"status": <new>}``, the values of
:class:`impactnet.organisations.models.OrganisationStatus` (``"partner"``, ``"labelled"``, ...). The
services write it (:func:`impactnet.journey.organisation_status.set_status`), and so do the import and
the demo seed, which insert events without the ORM; the growth history replays it
(:mod:`impactnet.stats.snapshots`) and the milestones derive from it (:mod:`impactnet.stats.milestones`),
in SQL. Statuses are plain strings here, so the audit trail needs nothing above it.
"""

from __future__ import annotations

from typing import TypedDict, cast

import sqlalchemy as sa

from impactnet.audit.models import AuditEvent


class StatusValue(TypedDict):
    status: str


class StatusChange(TypedDict):
    before: StatusValue
    after: StatusValue


def status_change(old: str, new: str) -> StatusChange:
    """The event's ``before`` and ``after`` for a move from status ``old`` to ``new`` (their values)."""
    return {"before": {"status": old}, "after": {"status": new}}


def status_before() -> sa.ColumnElement[str]:
    """SQL: the status an event's organisation had before the change."""
    return cast("sa.ColumnElement[str]", AuditEvent.before["status"].as_string())


def status_after() -> sa.ColumnElement[str]:
    """SQL: the status the change gave it."""
    return cast("sa.ColumnElement[str]", AuditEvent.after["status"].as_string())
