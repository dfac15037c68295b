"""Rule 1: a step the organisation has not moved for its reminder interval.

Stalled means: the first step not started since registration; a later step
not started since its predecessor was approved; a draft; or changes asked
for. After one interval (the step's ``reminder_days``) the organisation's
users are reminded, after two again, after three St MBO staff hear of it.
The period is the moment the step (or its predecessor) last moved, so a move
starts a new cycle. Steps St MBO records itself, and steps with interval 0,
are never reminded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import pairwise

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from impactnet.accounts.models import User
from impactnet.core.locale import localized
from impactnet.database import local_day
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepKind, StepProgress, StepState
from impactnet.mail.messages import public_url
from impactnet.notifications.reminders.common import (
    Due,
    Recipient,
    recipient,
    reminded_users_of_organisation,
    reminder_message,
    stamp,
    user_columns,
    window,
)
from impactnet.organisations.models import Organisation, in_network

STAGES = {1: "first", 2: "second", 3: "staff"}


@dataclass
class Stalled:
    organisation_id: int
    organisation_name: str
    step: JourneyStep
    state: StepState
    since: datetime
    users: list[Recipient] = field(default_factory=list)


def due_mails(now: datetime, steps: list[JourneyStep], staff: list[Recipient]) -> list[Due]:
    """The stalled-step reminders and escalations due at ``now`` (three queries)."""
    remindable = [s for s in steps if s.kind is not StepKind.STAFF_RECORDED and s.reminder_days > 0]
    by_id = {s.id: s for s in steps}
    found: dict[tuple, Stalled] = {}
    for query in (
        _in_progress(now, remindable),
        _next_not_started(now, steps, remindable),
        _first_not_started(now, steps, remindable),
    ):
        if query is None:
            continue
        for organisation_id, name, step_id, state, since, *user in db.session.execute(query):
            item = found.setdefault(
                (organisation_id, step_id, since),
                Stalled(organisation_id, name, by_id[step_id], StepState(state), since),
            )
            if (person := recipient(*user)) is not None:
                item.users.append(person)
    return [mail for item in found.values() for mail in _mails(item, now, staff)]


def _stalled_window(since, step: JourneyStep, now: datetime):
    """From one interval after ``since`` until (a catch-up after) the escalation at three."""
    interval = timedelta(days=step.reminder_days)
    return window(since, interval, now, until=3 * interval)


def _with_users(query):
    return query.add_columns(*user_columns()).outerjoin(User, reminded_users_of_organisation(Organisation.id))


def _in_progress(now: datetime, remindable: list[JourneyStep]):
    """Drafts and changes asked for, unmoved for an interval."""
    due = [
        sa.and_(StepProgress.step_id == s.id, _stalled_window(StepProgress.state_changed_at, s, now))
        for s in remindable
    ]
    if not due:
        return None
    return _with_users(
        sa.select(
            Organisation.id, Organisation.name, StepProgress.step_id, StepProgress.state, StepProgress.state_changed_at
        )
        .join(Organisation, Organisation.id == StepProgress.organisation_id)
        .where(StepProgress.state.in_((StepState.DRAFT, StepState.CHANGES_REQUESTED)), in_network(), sa.or_(*due))
    )


def _next_not_started(now: datetime, steps: list[JourneyStep], remindable: list[JourneyStep]):
    """A step not started (or never opened) since its predecessor was approved."""
    pairs = [(before, after) for before, after in pairwise(steps) if after in remindable]
    if not pairs:
        return None
    previous, current = aliased(StepProgress), aliased(StepProgress)
    next_step_id = sa.case({before.id: after.id for before, after in pairs}, value=previous.step_id)
    due = [
        sa.and_(previous.step_id == before.id, _stalled_window(previous.state_changed_at, after, now))
        for before, after in pairs
    ]
    return _with_users(
        sa.select(
            Organisation.id,
            Organisation.name,
            next_step_id,
            sa.literal(StepState.NOT_STARTED.value),
            previous.state_changed_at,
        )
        .join(Organisation, Organisation.id == previous.organisation_id)
        .outerjoin(
            current, sa.and_(current.organisation_id == previous.organisation_id, current.step_id == next_step_id)
        )
        .where(
            previous.state == StepState.APPROVED,
            in_network(),
            sa.or_(current.id.is_(None), current.state == StepState.NOT_STARTED),
            sa.or_(*due),
        )
    )


def _first_not_started(now: datetime, steps: list[JourneyStep], remindable: list[JourneyStep]):
    """The first step not started since the organisation registered."""
    if not steps or steps[0] not in remindable:
        return None
    first, current = steps[0], aliased(StepProgress)
    return _with_users(
        sa.select(
            Organisation.id,
            Organisation.name,
            sa.literal(first.id),
            sa.literal(StepState.NOT_STARTED.value),
            Organisation.created_at,
        )
        .outerjoin(current, sa.and_(current.organisation_id == Organisation.id, current.step_id == first.id))
        .where(
            in_network(),
            sa.or_(current.id.is_(None), current.state == StepState.NOT_STARTED),
            _stalled_window(Organisation.created_at, first, now),
        )
    )


def _mails(item: Stalled, now: datetime, staff: list[Recipient]) -> list[Due]:
    # Only the latest stage that is due: after a pause of the scan, or on an old
    # database, nobody gets three mails at once.
    stage = min((now - item.since) // timedelta(days=item.step.reminder_days), 3)
    period = f"stalled:{item.organisation_id}:{item.step.id}:{stamp(item.since)}:{STAGES[stage]}"
    link = public_url("journey.step", organisation_id=item.organisation_id, step_key=item.step.key)
    if stage < 3:
        return [
            Due(
                f"{period}:{user.id}",
                "reminder_stalled_step",
                item.organisation_id,
                partial(_reminder, user, item, stage, link),
                user.locale,
            )
            for user in item.users
        ]
    return [
        Due(
            f"{period}:{member.id}",
            "reminder_escalation",
            item.organisation_id,
            partial(_escalation, member, item, now, link),
            member.locale,
        )
        for member in staff
    ]


def _situation(item: Stalled) -> str:
    since, step, organisation = (
        format_date(local_day(item.since), "long"),
        localized(item.step, "title"),
        item.organisation_name,
    )
    if item.state is StepState.DRAFT:
        return _(
            "U bent op %(since)s begonnen aan de stap ‘%(step)s’ voor %(organisation)s, maar hebt die nog "
            "niet ingediend.",
            since=since,
            step=step,
            organisation=organisation,
        )
    if item.state is StepState.CHANGES_REQUESTED:
        return _(
            "St MBO heeft op %(since)s gevraagd om de stap ‘%(step)s’ van %(organisation)s aan te passen. "
            "Pas de stap aan en dien hem opnieuw in.",
            since=since,
            step=step,
            organisation=organisation,
        )
    return _(
        "Sinds %(since)s kan %(organisation)s verder met de stap ‘%(step)s’.",
        since=since,
        step=step,
        organisation=organisation,
    )


def _reminder(user: Recipient, item: Stalled, stage: int, link: str):
    paragraphs = [_situation(item)]
    if stage == 1:
        subject = _("Herinnering: ga verder met de stap ‘%(step)s’", step=localized(item.step, "title"))
    else:
        subject = _("Tweede herinnering: de stap ‘%(step)s’ wacht op u", step=localized(item.step, "title"))
        paragraphs.append(
            _(
                "Dit is de tweede herinnering. Lukt het niet of heeft u vragen? Neem gerust contact "
                "op met St MBO; we denken graag mee."
            )
        )
    return reminder_message(
        user, subject, "reminder", paragraphs=paragraphs, button=_("Ga verder met de stap"), link=link, sign=True
    )


def _escalation(member: Recipient, item: Stalled, now: datetime, link: str):
    subject = _(
        "%(organisation)s staat stil bij de stap ‘%(step)s’",
        organisation=item.organisation_name,
        step=localized(item.step, "title"),
    )
    paragraphs = [
        _(
            "%(organisation)s staat sinds %(since)s stil bij de stap ‘%(step)s’: %(days)d dagen, drie keer de "
            "herinneringstermijn van %(interval)d dagen.",
            organisation=item.organisation_name,
            since=format_date(local_day(item.since), "long"),
            step=localized(item.step, "title"),
            days=(now - item.since).days,
            interval=item.step.reminder_days,
        ),
        _("De contactpersonen van de organisatie krijgen herinneringen per e-mail; misschien helpt nu een telefoontje.")
        if item.users
        else _(
            "Geen van de contactpersonen van de organisatie ontvangt herinneringen per e-mail; neem zelf contact op."
        ),
    ]
    return reminder_message(member, subject, "reminder", paragraphs=paragraphs, button=_("Bekijk de stap"), link=link)
