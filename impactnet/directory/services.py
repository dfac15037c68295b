"""The public face of an organisation: its label status as the outside world sees it, the
directory of partners that opted in, and label verification.

What is public: an organisation that opted in to the directory (``public_listing``) and is a
partner (or was labelled) shows its name, municipality, sector, status, label dates, chosen
Drechtse Doelen and impact statement. Verification also answers for any organisation that ever
had a label, listed or not, because a label is a public claim that officers must be able to
check. It answers by a former KvK number too (a change St MBO approved), with the organisation's
current number and name; a number a change not yet approved asks for is nobody's. Nothing else is
revealed: every other KvK number answers "unknown", so verification does not tell who registered.
Erased organisations are never shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from impactnet.database import contains_pattern
from impactnet.extensions import db
from impactnet.journey.models import DrechtsDoel, ImpactAction, StepProgress, StepState, StepSubmission
from impactnet.organisations.identity import former_holder
from impactnet.organisations.models import PARTNER_STATUSES, Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.organisations.services import organisation_by_kvk
from impactnet.regions.models import Municipality
from impactnet.stats.definitions import in_part

PAGE_SIZE = 20
COUNT_CAP = 1000  # the directory counts matches up to this many ("more than 1,000")


class PublicStatus(enum.StrEnum):
    LABELLED = "labelled"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WORKING_TOWARD_LABEL = "working_toward_label"
    PARTNER = "partner"


# The organisations the directory may list: the partners, as the figures count them.
LISTED_STATUSES = tuple(status for status in Status if status in PARTNER_STATUSES)


def public_status(organisation: Organisation, today: date) -> PublicStatus | None:
    """The status the outside world sees on ``today``; None for an organisation that is not (or no
    longer) a partner and never had a label. A label past its end date reads expired at once,
    before the nightly job has stored that; a withdrawn organisation's label reads expired (or
    revoked, if it was)."""
    status = organisation.shown_status(today)
    direct = {
        Status.LABELLED: PublicStatus.LABELLED,
        Status.LABEL_EXPIRED: PublicStatus.EXPIRED,
        Status.LABEL_REVOKED: PublicStatus.REVOKED,
        Status.WORKING_TOWARD_LABEL: PublicStatus.WORKING_TOWARD_LABEL,
        Status.PARTNER: PublicStatus.PARTNER,
    }
    if status in direct:
        return direct[status]
    if organisation.label_revoked_on is not None:
        return PublicStatus.REVOKED
    if organisation.label_awarded_on is not None:
        return PublicStatus.EXPIRED
    return None


def listed_status(organisation: Organisation, today: date) -> PublicStatus:
    """The public status of an organisation the directory lists (LISTED_STATUSES): always one."""
    status = public_status(organisation, today)
    assert status is not None, "every listed status has a public status"
    return status


def _status_condition(status: PublicStatus, today: date) -> sa.ColumnElement[bool]:
    """SQL for "the organisation's public status is ``status`` on ``today``" (listed organisations):
    labelled, expired and revoked as the figures count them (impactnet.stats.definitions)."""
    org = Organisation
    return {
        PublicStatus.LABELLED: in_part("labelled", today),
        PublicStatus.EXPIRED: in_part("label_expired", today),
        PublicStatus.REVOKED: in_part("label_revoked", today),
        PublicStatus.WORKING_TOWARD_LABEL: org.status == Status.WORKING_TOWARD_LABEL,
        PublicStatus.PARTNER: org.status == Status.PARTNER,
    }[status]


@dataclass(frozen=True)
class Verified:
    """What verification answers for a KvK number that may be verified."""

    organisation: Organisation
    status: PublicStatus
    # Asked by a former number of the organisation: the last day that number was its (else None).
    former_until: date | None = None


def verified(kvk: str, today: date) -> Verified | None:
    """The organisation and its public status when the KvK number may be verified, else None: the
    page, the badge and the API answer the same. A former number (an approved change of number,
    see impactnet.organisations.identity) answers for the organisation that had it, unless the
    number now belongs to another organisation that may be verified; a number a pending request
    asks for is not the organisation's yet."""
    organisation = organisation_by_kvk(kvk)
    status = verifiable(organisation, today)
    if organisation is not None and status is not None:
        return Verified(organisation, status)
    former = former_holder(kvk)
    if former is not None:
        organisation = db.session.get(Organisation, former[0])
        status = verifiable(organisation, today)
        if organisation is not None and status is not None:
            return Verified(organisation, status, former_until=former[1])
    return None


def verifiable(organisation: Organisation | None, today: date) -> PublicStatus | None:
    """The public status of ``organisation`` if verification may show it: it ever had a label, or it
    is a listed partner; never an erased one. None: answer "unknown"."""
    if organisation is None or organisation.erased_at is not None:
        return None
    status = public_status(organisation, today)
    if status is None:
        return None
    if organisation.label_awarded_on is not None or (
        organisation.public_listing and organisation.status in LISTED_STATUSES
    ):
        return status
    return None


@dataclass(frozen=True)
class Filters:
    """The directory's query: all optional, combined with AND."""

    q: str = ""
    municipality: str | None = None  # slug
    sector: str | None = None
    goal: int | None = None  # Drechtse Doel number
    status: PublicStatus | None = None
    page: int = 1


@dataclass(frozen=True)
class Entry:
    kvk: str
    name: str
    municipality_slug: str
    municipality_name: str
    sector: str
    status: PublicStatus
    label_awarded_on: date | None
    label_valid_until: date | None
    website: str | None
    impact_statement: str | None
    goals: tuple[int, ...]  # Drechtse Doel numbers, from the approved impact plan


def _approved_goals(*columns: Any) -> sa.Select[Any]:
    """``columns`` over the goals of approved impact plans: each row an organisation's
    (StepProgress.organisation_id) goal (DrechtsDoel) of an approved version."""
    return (
        sa.select(*columns)
        .select_from(StepProgress)
        .join(StepSubmission, StepSubmission.progress_id == StepProgress.id)
        .join(ImpactAction, ImpactAction.submission_id == StepSubmission.id)
        .join(DrechtsDoel, DrechtsDoel.id == ImpactAction.goal_id)
        .where(StepSubmission.state == StepState.APPROVED)
    )


def _conditions(filters: Filters, today: date) -> list[sa.ColumnElement[bool]]:
    org = Organisation
    conditions: list[sa.ColumnElement[bool]] = [
        org.public_listing.is_(True),
        org.erased_at.is_(None),
        org.status.in_(LISTED_STATUSES),
    ]
    if filters.q:
        conditions.append(sa.or_(org.name.ilike(contains_pattern(filters.q), escape="\\"), org.kvk_number == filters.q))
    if filters.municipality:
        conditions.append(Municipality.slug == filters.municipality)
    if filters.sector:
        conditions.append(org.sector == filters.sector)
    if filters.status:
        conditions.append(_status_condition(filters.status, today))
    if filters.goal is not None:
        conditions.append(
            sa.exists(
                _approved_goals(StepProgress.id).where(
                    StepProgress.organisation_id == org.id, DrechtsDoel.number == filters.goal
                )
            )
        )
    return conditions


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    total: int  # how many organisations match, counted up to COUNT_CAP
    more_than_total: bool  # True: at least ``total`` match, maybe many more (not counted)
    has_next: bool


def search(filters: Filters, today: date, page_size: int = PAGE_SIZE) -> Page:
    """One page of listed organisations matching ``filters``, by name, and how many match (up to
    COUNT_CAP: counting every listed organisation on every view would grow with the network).
    Three queries (count, page, the page's goals), whatever the size of the network."""
    conditions = _conditions(filters, today)
    matching = (
        sa.select(Organisation.id)
        .join(Municipality, Municipality.id == Organisation.municipality_id)
        .where(*conditions)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery())) or 0
    rows = db.session.execute(
        sa.select(Organisation, Municipality.slug, Municipality.name)
        .join(Municipality, Municipality.id == Organisation.municipality_id)
        .where(*conditions)
        .order_by(Organisation.name, Organisation.id)
        .limit(page_size + 1)
        .offset((filters.page - 1) * page_size)
    ).all()
    has_next, rows = len(rows) > page_size, rows[:page_size]
    goals: dict[int, list[int]] = {}
    if rows:
        for organisation_id, number in db.session.execute(
            _approved_goals(StepProgress.organisation_id, DrechtsDoel.number)
            .where(StepProgress.organisation_id.in_([row[0].id for row in rows]))
            .distinct()
        ):
            goals.setdefault(organisation_id, []).append(number)
    entries = [
        Entry(
            kvk=o.kvk_number,
            name=o.name,
            municipality_slug=slug,
            municipality_name=name,
            sector=o.sector,
            status=listed_status(o, today),
            label_awarded_on=o.label_awarded_on,
            label_valid_until=o.label_valid_until,
            website=o.website,
            impact_statement=o.impact_statement,
            goals=tuple(sorted(goals.get(o.id, ()))),
        )
        for o, slug, name in rows
    ]
    return Page(entries, min(total, COUNT_CAP), total > COUNT_CAP, has_next)


def goals_of(organisation: Organisation) -> list[DrechtsDoel]:
    """The Drechtse Doelen of the organisation's approved impact plans (one query)."""
    return list(
        db.session.scalars(
            _approved_goals(DrechtsDoel)
            .where(StepProgress.organisation_id == organisation.id)
            .distinct()
            .order_by(DrechtsDoel.number)
        )
    )
