"""Finding any organisation, for St MBO: search, filters, sort, the page and the download.

Per organisation two facts are derived in SQL, so that filtering and sorting on them need no
query per row:

- its *current step*: the first step (by position) without an approved version, as the journey
  overview (:func:`impactnet.journey.overview.journey_overview`) reads it; none when all are done;
- whom it *waits on*: St MBO when a version is handed in and not yet decided, or when the current
  step is one St MBO records (the Inspiratiesessie); else the partner, while it has a step to do and
  is in the network (not withdrawn, not erased); nobody otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from impactnet.accounts.models import User
from impactnet.database import contains_pattern
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState, StepSubmission
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.regions.models import Municipality
from impactnet.workspace.search_params import NO_MANAGER, PAGE_SIZE, SearchParams

MAX_DOWNLOAD = 20_000  # rows: far more than the network has; a bound on one request's work
_SEPARATORS = re.compile(r"[\s.\-]")
_POSTCODE = re.compile(r"[0-9]{4}[A-Z]{0,2}")


def _current_step_id():
    """SQL, per organisation: the id of its first step without an approved version (or NULL)."""
    step = aliased(JourneyStep)
    approved = (
        sa.select(StepProgress.id)
        .join(StepSubmission, StepSubmission.progress_id == StepProgress.id)
        .where(
            StepProgress.organisation_id == Organisation.id,
            StepProgress.step_id == step.id,
            StepSubmission.state == StepState.APPROVED,
        )
        .correlate(Organisation, step)
    )  # two levels up: each select correlates only its own
    return (
        sa.select(step.id)
        .where(~approved.exists())
        .order_by(step.position)
        .limit(1)
        .correlate(Organisation)
        .scalar_subquery()
    )


def _facts():
    """A subquery: each organisation's id, current step id and whom it waits on ('stmbo', 'partner' or NULL)."""
    inner = sa.select(
        Organisation.id.label("id"),
        _current_step_id().label("step_id"),
        Organisation.status.label("status"),
        Organisation.erased_at.label("erased_at"),
    ).subquery("org_step")
    handed_in = (
        sa.select(StepProgress.id)
        .where(StepProgress.organisation_id == inner.c.id, StepProgress.state == StepState.SUBMITTED)
        .exists()
    )
    staff_step = (
        sa.select(JourneyStep.id)
        .where(JourneyStep.id == inner.c.step_id, JourneyStep.kind == StepKind.STAFF_RECORDED)
        .exists()
    )
    waiting = sa.case(
        (sa.or_(inner.c.status == OrganisationStatus.WITHDRAWN, inner.c.erased_at.is_not(None)), sa.null()),
        (sa.or_(handed_in, staff_step), sa.literal("stmbo")),
        (inner.c.step_id.is_not(None), sa.literal("partner")),
        else_=sa.null(),
    )
    return sa.select(inner.c.id, inner.c.step_id, waiting.label("waiting")).subquery("facts")


def _text_condition(q: str):
    """Name, contact's e-mail address (both partial, any case), KvK number (typed with spaces,
    dots or dashes, partial) or postcode (with or without its space, any case)."""
    pattern = contains_pattern(q)
    contact = sa.select(User.id).where(User.organisation_id == Organisation.id, User.email.ilike(pattern, escape="\\"))
    conditions = [Organisation.name.ilike(pattern, escape="\\"), contact.exists()]
    compact = _SEPARATORS.sub("", q).upper()
    if compact.isascii() and compact.isdigit():
        conditions.append(Organisation.kvk_number.contains(compact, autoescape=True))
    if _POSTCODE.fullmatch(compact):
        conditions.append(sa.func.upper(sa.func.replace(Organisation.postcode, " ", "")).startswith(compact))
    return sa.or_(*conditions)


def _status_condition(status: str, today: date):
    """The status as the page shows it (:meth:`Organisation.shown_status`): a label past its end
    date is expired even before the nightly scan stored that."""
    past_end = Organisation.label_ended(today)  # never NULL: its NOT works
    if status == OrganisationStatus.LABELLED:
        return sa.and_(Organisation.status == status, ~past_end)
    if status == OrganisationStatus.LABEL_EXPIRED:
        return sa.or_(Organisation.status == status, past_end)
    return Organisation.status == status


def _expiry_condition(window: str, today: date):
    current = sa.and_(Organisation.label_valid_until.is_not(None), Organisation.label_revoked_on.is_(None))
    if window == "expired":
        return sa.and_(current, Organisation.label_valid_until < today)
    return sa.and_(current, Organisation.label_valid_until.between(today, today + timedelta(days=int(window))))


def _conditions(params: SearchParams, facts, today: date) -> list:
    conditions = []
    if params.q:
        conditions.append(_text_condition(params.q))
    if params.municipality:
        conditions.append(Municipality.slug == params.municipality)
    if params.status:
        conditions.append(_status_condition(params.status, today))
    if params.step:
        conditions.append(JourneyStep.key == params.step)
    if params.waiting:
        conditions.append(facts.c.waiting == params.waiting)
    if params.sector:
        conditions.append(Organisation.sector == params.sector)
    if params.size:
        conditions.append(Organisation.size_class == params.size)
    if params.expiry:
        conditions.append(_expiry_condition(params.expiry, today))
    if params.manager == NO_MANAGER:
        conditions.append(Organisation.account_manager_id.is_(None))
    elif params.manager:
        conditions.append(Organisation.account_manager_id == int(params.manager))
    return conditions


def _order(choices) -> dict[str, int]:
    """The position of each key when sorted by its label in the reader's language."""
    return {key: index for index, (key, _label) in enumerate(sorted(choices, key=lambda c: str(c[1]).lower()))}


def _sort_column(params: SearchParams, facts, today: date):
    statuses = {status.value: index for index, status in enumerate(OrganisationStatus)}
    return {
        "name": sa.func.lower(Organisation.name),
        "kvk": Organisation.kvk_number,
        "municipality": Municipality.name,
        "status": sa.case(
            (Organisation.label_ended(today), statuses[OrganisationStatus.LABEL_EXPIRED]),
            else_=sa.case(statuses, value=Organisation.status, else_=len(statuses)),
        ),
        "step": JourneyStep.position,
        "waiting": facts.c.waiting,
        "sector": sa.case(_order(SECTORS), value=Organisation.sector, else_=len(SECTORS)),
        "size": sa.case(
            {key: i for i, (key, _label) in enumerate(SIZE_CLASSES)},
            value=Organisation.size_class,
            else_=len(SIZE_CLASSES),
        ),
        "expiry": Organisation.label_valid_until,
        "registered": Organisation.created_at,
    }[params.sort]


def _select(params: SearchParams, today: date, columns):
    """The search as a select of ``columns`` (joined with the municipality, the current step and the facts)."""
    facts = _facts()
    return (
        sa.select(*columns(facts))
        .join(Municipality, Municipality.id == Organisation.municipality_id)
        .join(facts, facts.c.id == Organisation.id)
        .outerjoin(JourneyStep, JourneyStep.id == facts.c.step_id)
        .where(*_conditions(params, facts, today))
    ), facts


@dataclass(frozen=True)
class Row:
    organisation: Organisation
    municipality: str
    step: JourneyStep | None  # the current step (None: every step done)
    waiting: str | None  # 'stmbo', 'partner' or None


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    total: int
    page: int
    pages: int


def _rows(params: SearchParams, today: date, limit: int, offset: int = 0, where=()) -> list[Row]:
    query, facts = _select(params, today, lambda f: (Organisation, Municipality.name, JourneyStep, f.c.waiting))
    query = query.where(*where)
    column = _sort_column(params, facts, today)
    column = column.desc() if params.dir == "desc" else column.asc()
    query = query.order_by(column.nulls_last(), sa.func.lower(Organisation.name), Organisation.id)
    return [Row(*row) for row in db.session.execute(query.limit(limit).offset(offset)).all()]


def count(params: SearchParams, today: date, where=()) -> int:
    """How many organisations the search finds (``where``: further conditions, as :func:`selected_rows`)."""
    query, _facts = _select(params, today, lambda f: (Organisation.id,))
    query = query.where(*where)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def search_page(params: SearchParams, today: date) -> Result | None:
    """The page ``params.page`` of the matching organisations and how many match (two queries,
    whatever the page holds); None when the page lies beyond the last."""
    total = count(params, today)
    pages = max(1, -(-total // PAGE_SIZE))
    if params.page > pages:
        return None
    return Result(_rows(params, today, PAGE_SIZE, (params.page - 1) * PAGE_SIZE), total, params.page, pages)


def all_rows(params: SearchParams, today: date) -> list[Row]:
    """Every matching organisation, in the page's order, for a download (at most MAX_DOWNLOAD)."""
    return _rows(params, today, MAX_DOWNLOAD)


def selected_rows(
    params: SearchParams, today: date, limit: int, *, among: list[int] | None = None, live_only: bool = True
) -> list[Row]:
    """The matching organisations (only those of ``among``, if given; not erased, if ``live_only``),
    in the page's order, at most ``limit``: a bulk action's selection."""
    return _rows(params, today, limit, where=selection_conditions(among, live_only))


def selection_conditions(among: list[int] | None, live_only: bool) -> list:
    conditions = [Organisation.erased_at.is_(None)] if live_only else []
    if among is not None:
        conditions.append(Organisation.id.in_(among))
    return conditions


def contacts(organisation_ids: list[int]) -> dict[int, list[User]]:
    """The users (contact people) of these organisations, by organisation, in one query."""
    found: dict[int, list[User]] = {}
    if organisation_ids:
        for user in db.session.scalars(
            sa.select(User).where(User.organisation_id.in_(organisation_ids)).order_by(User.organisation_id, User.id)
        ):
            found.setdefault(user.organisation_id, []).append(user)
    return found
