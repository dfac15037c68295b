"""Everything impactnet holds about a user (and, for a partner, their organisation), as JSON.

The right of access (AVG art. 15). What is in it, and why:

- the user's own account: identity, role, dates and preferences; never the password hash or the
  login token (secrets, not information about the person);
- for a partner user, their organisation: every column of its row, its colleagues' names and
  e-mail addresses (the organisation's contact people: the data is held about the organisation,
  and colleagues work with it together; their login dates, preferences and mails are theirs alone
  and stay out), the whole journey (every version of every step with its statement, answers,
  St MBO's feedback, the impact actions and the evidence's metadata with a download link; the
  files themselves come from the existing download route), its identity changes (former and
  requested KvK numbers and names, who asked, who decided and St MBO's note), the
  organisation's audit history, its account manager's name and St MBO's internal notes on it (kind,
  date, text, author): the notes record conversations with and agreements made by the contact
  people, so they are personal data about them, and art. 15 covers them; no exception of art. 15(4)
  or UAVG art. 41 applies to ordinary conversation notes. They are hidden from the partner's pages
  only because they are St MBO's working notes, not because they may be withheld;
- the audit events about the user's own account, their sign-ins and API tokens (metadata only: the
  tokens themselves are never stored) and the mails the outbox holds for their address.

Staff and municipality users get their own account data only: what they see of organisations
is not data about them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from impactnet.accounts.models import Role, User, UserSession
from impactnet.api.models import ApiToken
from impactnet.audit.labels import AUDIT_LABELS
from impactnet.audit.models import AuditEvent
from impactnet.audit.services import jsonable
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import Evidence, ImpactAction, JourneyStep, StepProgress, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.organisations.models import IdentityChange, Note, Organisation

EXPORT_VERSION = 1

# User columns that are secrets, not information about the person.
SECRET_USER_FIELDS = frozenset({"password_hash", "auth_token"})


def _columns(obj: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every column of a row (new columns are exported without a change here)."""
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in sa.inspect(obj).mapper.column_attrs
        if attr.key not in skip
    }


def account_data(user: User, evidence_url: Callable[[Evidence], str]) -> dict[str, Any]:
    """What impactnet holds about ``user`` (see the module docstring); ``evidence_url`` gives the
    download link of an evidence file. Reads only."""
    data: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "exported_at": jsonable(utcnow()),
        "user": _user(user),
        "account_history": _events(AuditEvent.object_type == User.__tablename__, AuditEvent.object_id == user.id),
        "api_tokens": [
            _columns(token, frozenset({"token_hash", "user_id"}))
            for token in db.session.scalars(
                sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
            )
        ],
        "sessions": [
            _columns(row, frozenset({"token_hash", "user_id"}))
            for row in db.session.scalars(
                sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
            )
        ],
        "mails": _mails(user.email),
        "organisation": None,
    }
    if user.role is Role.PARTNER and user.organisation_id is not None:
        data["organisation"] = _organisation(db.session.get(Organisation, user.organisation_id), user, evidence_url)
    return data


def _user(user: User) -> dict[str, Any]:
    data = _columns(user, SECRET_USER_FIELDS)
    data["municipality"] = user.municipality.name if user.municipality is not None else None
    return data


def _organisation(organisation: Organisation, user: User, evidence_url) -> dict[str, Any]:
    data = _columns(organisation)
    data["municipality"] = organisation.municipality.name
    data["colleagues"] = [
        {"name": other.name, "email": other.email, "active": other.active}
        for other in organisation.users
        if other.id != user.id
    ]
    data["journey"] = _journey(organisation, evidence_url)
    data["identity_changes"] = _identity_changes(organisation)
    data["history"] = _events(AuditEvent.organisation_id == organisation.id)
    data["account_manager"] = _name(organisation.account_manager)
    data["notes"] = _notes(organisation)
    return data


def _notes(organisation: Organisation) -> list[dict[str, Any]]:
    """St MBO's internal notes on the organisation, oldest first (see the module docstring)."""
    notes = db.session.scalars(
        sa.select(Note)
        .where(Note.organisation_id == organisation.id)
        .options(joinedload(Note.author))
        .order_by(Note.happened_on, Note.id)
    )
    return [
        {
            "kind": jsonable(note.kind),
            "happened_on": jsonable(note.happened_on),
            "text": note.text,
            "by": _name(note.author),
            "created_at": jsonable(note.created_at),
        }
        for note in notes
    ]


def _identity_changes(organisation: Organisation) -> list[dict[str, Any]]:
    """Every change of the organisation's KvK number or name (asked for, decided, withdrawn), oldest first."""
    changes = db.session.scalars(
        sa.select(IdentityChange)
        .where(IdentityChange.organisation_id == organisation.id)
        .options(joinedload(IdentityChange.requested_by), joinedload(IdentityChange.decided_by))
        .order_by(IdentityChange.requested_at, IdentityChange.id)
    )
    return [
        {
            **_columns(change, frozenset({"organisation_id", "requested_by_id", "decided_by_id"})),
            "requested_by": _name(change.requested_by),
            "decided_by": _name(change.decided_by),
        }
        for change in changes
    ]


def _name(user: User | None) -> str | None:
    return (user.name or user.email) if user is not None else None


def _journey(organisation: Organisation, evidence_url) -> list[dict[str, Any]]:
    """Every step the organisation has started, in order, with every version handed in."""
    progress_rows = db.session.scalars(
        sa.select(StepProgress)
        .join(JourneyStep, JourneyStep.id == StepProgress.step_id)
        .where(StepProgress.organisation_id == organisation.id)
        .order_by(JourneyStep.position)
        .options(
            joinedload(StepProgress.step),
            selectinload(StepProgress.submissions).selectinload(StepSubmission.evidence),
            selectinload(StepProgress.submissions).selectinload(StepSubmission.actions).joinedload(ImpactAction.goal),
        )
    )
    return [
        {
            "step": progress.step.key,
            "title": progress.step.title,
            "state": jsonable(progress.state),
            "state_changed_at": jsonable(progress.state_changed_at),
            "versions": [_submission(submission, evidence_url) for submission in progress.submissions],
        }
        for progress in progress_rows
    ]


def _submission(submission: StepSubmission, evidence_url) -> dict[str, Any]:
    return {
        "number": submission.number,
        "state": jsonable(submission.state),
        "statement": submission.statement,
        "answers": submission.answers or {},
        "feedback": submission.feedback,
        "created_at": jsonable(submission.created_at),
        "submitted_at": jsonable(submission.submitted_at),
        "decided_at": jsonable(submission.decided_at),
        "evidence": [
            {
                "id": item.id,
                "name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "uploaded_at": jsonable(item.uploaded_at),
                "download_url": evidence_url(item),
            }
            for item in submission.evidence
        ],
        "impact_actions": [
            {
                "goal_number": action.goal.number,
                "goal": action.goal.title,
                "description": action.description,
                "commitment": action.commitment,
                "target_date": jsonable(action.target_date),
            }
            for action in submission.actions
        ],
    }


def _events(*where) -> list[dict[str, Any]]:
    """Audit events, oldest first, with who made them (as the timeline shows them)."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(*where)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return [
        {
            "occurred_at": jsonable(event.occurred_at),
            "action": jsonable(event.action),
            "label": str(AUDIT_LABELS.get(event.action, event.action)),
            "by": (event.actor.name or event.actor.email) if event.actor is not None else None,
            "object": event.object_type,
            "before": event.before,
            "after": event.after,
            "note": event.note,
        }
        for event in events
    ]


def _mails(address: str) -> list[dict[str, Any]]:
    """The mails in the outbox for ``address`` (addresses are stored lower-cased), oldest first."""
    mails = db.session.scalars(
        sa.select(OutboxMail)
        .where(sa.func.lower(OutboxMail.to_address) == address.lower())
        .order_by(OutboxMail.created_at, OutboxMail.id)
    )
    return [
        {
            "kind": mail.kind,
            "subject": mail.subject,
            "status": jsonable(mail.status),
            "created_at": jsonable(mail.created_at),
            "sent_at": jsonable(mail.sent_at),
            "body_text": mail.body_text,
        }
        for mail in mails
    ]
