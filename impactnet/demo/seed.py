"""A deterministic demo network whose history matches the programme's figures.

Rows and audit trail are written as the services would have written them,
backdated, so counts "as of" any date follow from the audit events, and every
organisation's steps agree with its status. Running it again changes nothing.
It flushes; the caller commits.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from impactnet.accounts.models import Role, User
from impactnet.accounts.passwords import hash_password
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import snapshot
from impactnet.audit.status_changes import status_change
from impactnet.demo import history, people, texts, timeline
from impactnet.demo.documents import ensure_agreements
from impactnet.demo.history import REVIEW, Event, Move
from impactnet.demo.sessions import ensure_sessions
from impactnet.demo.timeline import END, HISTORY_END, PLANS, TARGETS, Journey, Plan
from impactnet.extensions import db
from impactnet.journey.models import DrechtsDoel, JourneyStep, StepKind
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.organisations.services import EDITABLE_FIELDS
from impactnet.regions.models import Municipality, Target
from impactnet.stats import milestones

DEMO_PASSWORD = "impactnet-demo"
# .example (RFC 2606) rather than .test: the login form's email check refuses .test.
DEMO_ACCOUNTS = (
    ("partner", "partner@demo.impactnet.example"),
    ("staff", "staff@demo.impactnet.example"),
    ("municipality", "dordrecht@demo.impactnet.example"),
    ("admin", "admin@demo.impactnet.example"),
)
SEED = 20211101
__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "HISTORY_END", "seed_demo"]
LABEL_FIELDS = ("label_awarded_on", "label_valid_until", "label_revoked_on", "label_revoked_reason")
NOTES = {  # what staff would have written with each status change
    Status.PARTNER: "Partnerovereenkomst goedgekeurd.",
    Status.WORKING_TOWARD_LABEL: "Inventarisatie ingediend.",
    Status.LABELLED: "Label toegekend.",
    Status.WITHDRAWN: "Partnerovereenkomst opgezegd.",
    Status.LABEL_EXPIRED: "Geldigheid van het label verstreken.",
}


def seed_demo() -> list[tuple[str, str]]:
    """Load the demo network unless it is there already; returns the demo logins (role, email)."""
    municipalities = _ensure_municipalities()
    admin_email = dict(DEMO_ACCOUNTS)["admin"]
    if db.session.scalar(sa.select(User.id).where(User.email == admin_email)) is None:
        _seed_network(random.Random(SEED), municipalities)
    staff = db.session.scalar(sa.select(User).where(User.email == dict(DEMO_ACCOUNTS)["staff"]))
    if staff is not None:
        ensure_agreements(staff)
        ensure_sessions(staff)
    return list(DEMO_ACCOUNTS)


def _ensure_municipalities() -> dict[str, Municipality]:
    found = {m.slug: m for m in db.session.scalars(sa.select(Municipality))}
    for plan in PLANS:
        if plan.slug not in found:
            found[plan.slug] = Municipality(name=plan.name, slug=plan.slug, joined_on=plan.joined_on, active=True)
            db.session.add(found[plan.slug])
    for slug, targets in TARGETS.items():
        years = {target.year for target in found[slug].targets}
        for year, partners, labelled in targets:
            if year not in years:
                found[slug].targets.append(Target(year=year, partners_wanted=partners, labelled_wanted=labelled))
    db.session.flush()
    return found


def _migration(name: str):
    """A migration module, for the reference data it seeds."""
    path = Path(current_app.extensions["migrate"].directory) / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"impactnet_demo_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ensure_path() -> tuple[dict[str, JourneyStep], dict[int, DrechtsDoel]]:
    """St MBO's steps and the Drechtse Doelen, as the journey migration seeds them (kept in one place)."""
    steps = {step.key: step for step in db.session.scalars(sa.select(JourneyStep))}
    goals = {goal.number: goal for goal in db.session.scalars(sa.select(DrechtsDoel))}
    seeded, documents = _migration("0002_journey"), _migration("0014_step_documents")
    for position, key, kind, title, explanation, requirements, evidence, days in seeded.STEPS:
        if key not in steps:
            if key == documents.AGREEMENT:  # as it reads since the step offers the agreement's PDF
                explanation = documents.EXPLANATIONS["explanation"][1]
            steps[key] = JourneyStep(
                position=position,
                key=key,
                kind=StepKind(kind),
                title=title,
                explanation=explanation,
                requirements=requirements,
                evidence_required=evidence,
                reminder_days=days,
            )
    for number, title, description in seeded.GOALS:
        if number not in goals:
            goals[number] = DrechtsDoel(number=number, title=title, description=description, active=True)
    db.session.add_all([*steps.values(), *goals.values()])
    db.session.flush()
    return steps, goals


def _moves(
    rng: random.Random,
    journey: Journey,
    moments: dict[Status, datetime],
    start: datetime,
    renewed: list[datetime],
    demo: bool,
) -> list[Move]:
    """The organisation's moves along the path, each with its moment."""
    if journey.partner is None:
        return history.close(rng, history.agreement_moves(rng, journey.stage), start, END)
    moves = history.agreement_moves(rng)
    moves[-1].at = moments[Status.PARTNER]
    last = END if not journey.ended else datetime.combine(journey.ended[0] - timedelta(3), time(16), UTC)
    if journey.working is None:
        if journey.status is Status.PARTNER and rng.random() < 0.5:
            moves.append(Move(history.INVENTORY, "draft"))
        return history.close(rng, moves, start, last)
    after = history.moves_after_partner(rng, journey.stage, demo=demo)
    after[1].at = moments[Status.WORKING_TOWARD_LABEL]
    moves += after
    if journey.stage != "labelled":
        return history.close(rng, moves, start, last)
    moves[-1].at = moments[Status.LABELLED]
    for approved in renewed:
        draft = history.office(
            rng,
            approved - timedelta(days=rng.uniform(7, 40)),
            staff=False,
            low=approved - timedelta(days=45),
            high=approved - timedelta(days=3),
        )
        moves += [Move(REVIEW, "draft", draft), Move(REVIEW, "submit"), Move(REVIEW, "approve", approved)]
    history.schedule(rng, start, moves)
    return moves


def _label_events(
    organisation: Organisation,
    journey: Journey,
    moments: dict[Status, datetime],
    renewed: list[datetime],
    validity: relativedelta,
    reason: str | None,
    staff: User,
) -> list[Event]:
    """The label's life (awarded, renewed, then revoked or expired); sets the organisation's label fields."""

    def change(at: datetime, action: AuditAction, actor: User | None = staff, note: str | None = None, **values):
        before = snapshot(organisation, LABEL_FIELDS)
        for name, value in values.items():
            setattr(organisation, name, value)
        after = snapshot(organisation, LABEL_FIELDS)
        return Event(at, 2, actor, action, organisation, {"before": before, "after": after, "note": note})

    events = [
        change(
            moments[Status.LABELLED],
            AuditAction.LABEL_AWARDED,
            label_awarded_on=journey.labelled,
            label_valid_until=journey.labelled + validity,
        )
    ]
    for approved in renewed:
        events.append(
            change(approved, AuditAction.LABEL_RENEWED, label_valid_until=organisation.label_valid_until + validity)
        )
    if journey.status is Status.LABEL_REVOKED:
        events.append(
            change(
                moments[Status.LABEL_REVOKED],
                AuditAction.LABEL_REVOKED,
                note=reason,
                label_revoked_on=journey.ended[0],
                label_revoked_reason=reason,
            )
        )
    elif journey.status is Status.LABEL_EXPIRED:  # expire_due_labels(): the nightly scan, no person
        events.append(change(moments[Status.LABEL_EXPIRED], AuditAction.LABEL_EXPIRED, actor=None))
        events[-1].values.pop("before")
    return events


@dataclass
class _Row:
    organisation: Organisation
    contact: User
    moves: list[Move]
    events: list[Event]


def _organisation_row(rng, plan: Plan, journey: Journey, municipality: Municipality, context: dict) -> _Row:
    """One organisation, its contact person, its moves along the path and its audit events."""
    staff, validity = context["staff"], context["validity"]
    times = [(timeline.office_time(rng, journey.registered), Status.APPLICANT)]
    times += [(timeline.office_time(rng, day), status) for day, status in journey.steps()]
    moments = {status: at for at, status in times}
    organisation, domain = people.organisation(
        rng,
        plan.slug,
        municipality,
        listed=journey.partner is not None,
        created=times[0][0],
        companies=context["companies"],
        kvks=context["kvks"],
    )
    organisation.status = journey.status
    if journey is context["public_body"]:
        domain = people.make_public_body(organisation)
    contact = people.contact(rng, organisation, domain, context["password_hash"])
    if journey is context["demo"]:
        contact.email = dict(DEMO_ACCOUNTS)["partner"]
    renewed = (
        [timeline.office_time(rng, day) for day in timeline.renewals(rng, journey, validity)]
        if journey.labelled
        else []
    )
    moves = _moves(rng, journey, moments, contact.email_verified_at, renewed, journey is context["demo"])
    reason = rng.choice(texts.REVOKE_REASONS) if journey.status is Status.LABEL_REVOKED else None

    registered = times[0][0]
    events = [
        Event(
            registered,
            -2,
            contact,
            AuditAction.ORGANISATION_REGISTERED,
            organisation,
            {"after": {**snapshot(organisation, EDITABLE_FIELDS), "status": Status.APPLICANT.value}},
        ),
        Event(
            registered,
            -1,
            contact,
            AuditAction.USER_CREATED,
            contact,
            {"after": {"email": contact.email, "role": contact.role.value}},
        ),
        Event(contact.email_verified_at, -1, contact, AuditAction.USER_EMAIL_VERIFIED, contact),
    ]
    for (_, before), (at, after) in pairwise(times):
        events.append(
            Event(
                at,
                1,
                staff,
                AuditAction.ORGANISATION_STATUS_CHANGED,
                organisation,
                {
                    **status_change(before.value, after.value),
                    "note": reason if after is Status.LABEL_REVOKED else NOTES[after],
                },
            )
        )
    if journey.labelled:
        events += _label_events(organisation, journey, moments, renewed, validity, reason, staff)
    organisation.updated_at = max(event.at for event in events if event.obj is organisation)
    return _Row(organisation, contact, moves, events)


def _seed_network(rng: random.Random, municipalities: dict[str, Municipality]) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    start = datetime(2021, 11, 1, 9, tzinfo=UTC)
    emails = dict(DEMO_ACCOUNTS)
    account = {"password_hash": password_hash, "email_verified_at": start, "created_at": start, "updated_at": start}
    staff = User(email=emails["staff"], name="Sanne de Vries (St MBO)", role=Role.STAFF, **account)
    viewer = User(
        email=emails["municipality"],
        name="Gemeente Dordrecht (demo)",
        role=Role.MUNICIPALITY,
        municipality_id=municipalities["dordrecht"].id,
        **account,
    )
    admin = User(email=emails["admin"], name="Beheer St MBO (demo)", role=Role.ADMIN, **account)
    db.session.add_all([staff, viewer, admin])
    steps, goals = _ensure_path()

    validity = relativedelta(months=current_app.config["LABEL_VALIDITY_MONTHS"])
    planned = [(plan, journey) for plan in PLANS for journey in timeline.journeys(rng, plan, validity)]
    context = {
        "staff": staff,
        "validity": validity,
        "password_hash": password_hash,
        "companies": set(),
        "kvks": set(db.session.scalars(sa.select(Organisation.kvk_number))),
        "demo": timeline.assign_stages(rng, planned),
        "public_body": min(
            (j for plan, j in planned if plan.slug == "dordrecht" and j.status is Status.LABELLED),
            key=lambda j: j.partner,
        ),
    }
    rows = [_organisation_row(rng, plan, journey, municipalities[plan.slug], context) for plan, journey in planned]
    db.session.add_all([row.organisation for row in rows])
    db.session.flush()

    for row in rows:
        progress, step_events = history.build(rng, row.organisation, row.contact, staff, steps, goals, row.moves)
        db.session.add_all(progress)
        row.events += step_events
    db.session.flush()

    events = [
        Event(
            start,
            0,
            None,
            AuditAction.USER_CREATED,
            user,
            {"after": {"email": user.email, "role": user.role.value, "municipality_id": user.municipality_id}},
        )
        for user in (staff, viewer, admin)
    ]
    # What audit.services.record() writes, inserted in one statement (thousands of rows).
    db.session.execute(
        sa.insert(AuditEvent.__table__),
        [
            {
                "occurred_at": event.at,
                "actor_id": event.actor.id if event.actor else None,
                "action": event.action,
                "object_type": event.obj.__tablename__,
                "object_id": event.obj.id,
                "organisation_id": organisation_id,
                "before": event.values.get("before"),
                "after": event.values.get("after"),
                "note": event.values.get("note"),
            }
            for organisation_id, event in [(None, event) for event in events]
            + [
                (row.organisation.id, event)
                for row in rows
                for event in sorted(row.events, key=lambda event: (event.at, event.rank))
            ]
        ],
    )
    # The events went in without the ORM: the organisations' milestones follow them here.
    milestones.recompute([row.organisation.id for row in rows])
