"""Small hand-made networks with their audit trail, for the growth figures."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import record
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats import milestones
from tests import factories


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def noon(*args) -> datetime:
    return utc(*args, 12)


def organisation(municipality, registered: datetime, *changes: tuple[datetime, Status]) -> Organisation:
    """An organisation that registered at ``registered`` and then moved through ``changes``,
    with the audit events the services would have recorded."""
    status = changes[-1][1] if changes else Status.APPLICANT
    created = factories.OrganisationFactory(municipality=municipality, status=status, created_at=registered)
    record(
        None,
        AuditAction.ORGANISATION_REGISTERED,
        created,
        after={"status": Status.APPLICANT.value},
        organisation_id=created.id,
        occurred_at=registered,
    )
    before = Status.APPLICANT
    for at, after in changes:
        record(
            None,
            AuditAction.ORGANISATION_STATUS_CHANGED,
            created,
            before={"status": before.value},
            after={"status": after.value},
            organisation_id=created.id,
            occurred_at=at,
        )
        before = after
    db.session.commit()
    return created


# Paths through the statuses (each step a few weeks after the one before), for bulk networks.
S = Status
PATHS = (
    (),
    (S.PARTNER,),
    (S.PARTNER, S.WORKING_TOWARD_LABEL),
    (S.PARTNER, S.WORKING_TOWARD_LABEL, S.LABELLED),
    (S.PARTNER, S.WORKING_TOWARD_LABEL, S.LABELLED, S.LABEL_EXPIRED),
    (S.PARTNER, S.WITHDRAWN),
)


def bulk_network(municipality_ids: list[int], how_many: int, first: int = 0) -> None:
    """``how_many`` organisations with statuses and status events, inserted set-based (two statements)."""
    organisations, events, start = [], [], utc(2025, 1, 6, 9)
    for n in range(first, first + how_many):
        path = PATHS[n % len(PATHS)]
        registered = start.replace(day=1 + n % 28)
        organisations.append(
            {
                "name": f"Bulk {n} B.V.",
                "kvk_number": f"{50000000 + n:08d}",
                "municipality_id": municipality_ids[n % len(municipality_ids)],
                "sector": "bouw",
                "size_class": "10-49",
                "street_address": "Voorstraat 1",
                "postcode": "3311 AB",
                "city": "Dordrecht",
                "public_listing": False,
                "status": path[-1] if path else S.APPLICANT,
                "created_at": registered,
                "updated_at": utcnow(),
            }
        )
    db.session.execute(sa.insert(Organisation), organisations)
    ids = dict(db.session.execute(sa.select(Organisation.kvk_number, Organisation.id)).all())
    for n in range(first, first + how_many):
        before, at = S.APPLICANT, start.replace(day=1 + n % 28)
        for step, after in enumerate(PATHS[n % len(PATHS)], start=1):
            events.append(
                {
                    "occurred_at": at.replace(month=1 + step),
                    "action": AuditAction.ORGANISATION_STATUS_CHANGED,
                    "object_type": "organisations",
                    "object_id": ids[f"{50000000 + n:08d}"],
                    "organisation_id": ids[f"{50000000 + n:08d}"],
                    "before": {"status": before.value},
                    "after": {"status": after.value},
                }
            )
            before = after
    db.session.execute(sa.insert(AuditEvent), events)
    milestones.recompute(ids.values())  # set-based inserts bypass the flush that keeps them
    db.session.commit()
