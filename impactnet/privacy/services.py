"""Erasing an organisation's personal data on request (AVG/GDPR art. 17).

What goes: the contact people (the organisation's user accounts, their sign-ins, API tokens and the mails
to them or about the organisation), the uploaded files, the texts of every step version (statement,
answers, feedback, impact action texts), the organisation's name, KvK number, address, website
and impact statement, its identity history (the former and requested names and numbers of its
identity changes), St MBO's internal notes on it (and the personal values in notes on other
organisations that name it or its contact people), its account manager, and every personal value in its audit trail (the before/after of its
events and those of its users keep only the allow-listed keys below; notes are cleared).

What stays, and why: the organisation row (anonymised), its municipality, sector, size class,
status, registration date and label dates, its step progress (states and dates), the step
versions' states and dates, and its ORGANISATION_STATUS_CHANGED events. The growth history is
rebuilt from exactly those (``impactnet.stats.snapshots``), and the funnel and breakdowns read
them, so every count of the past and of today is the same before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.orm import selectinload

from impactnet.accounts.models import User, UserSession
from impactnet.api.models import ApiToken
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import record
from impactnet.database import rows_changed, utcnow
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.journey.models import Evidence, StepProgress, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.organisations.models import IdentityChange, Note, Organisation

# The before/after keys of audit events that carry no personal data and that the history needs
# (statuses, step states, label dates, the aggregates' dimensions). Everything else is dropped:
# an allow-list, so a key added later is erased until someone decides it may stay.
KEPT_AUDIT_KEYS = frozenset(
    {
        "status",
        "state",
        "step",
        "role",
        "active",
        "reminders_enabled",
        "locale",
        "municipality_id",
        "sector",
        "size_class",
        "public_listing",
        "size",
        "label_awarded_on",
        "label_valid_until",
        "label_revoked_on",
    }
)
REDACTED = "[verwijderd]"
MIN_REDACTED_LENGTH = 3  # shorter values (initials, "" names) would blank out ordinary words


class ErasureError(ValueError):
    """The erasure is refused; the message (Dutch) says why."""


@dataclass(frozen=True)
class ErasureSummary:
    users: int
    files: int
    mails_deleted: int
    mails_redacted: int
    events_scrubbed: int


def anonymous_name(organisation_id: int) -> str:
    return f"Geanonimiseerde organisatie {organisation_id}"


def placeholder_kvk(organisation_id: int) -> str:
    """A unique stand-in for the KvK number that can never be a real one (those are 8 digits):
    "X" and the id in 7 digits, or for ids beyond that "Y" and the id in base 36."""
    digits = f"{organisation_id:07d}"
    if len(digits) == 7:
        return "X" + digits
    base36, n = "", organisation_id
    while n:
        n, rest = divmod(n, 36)
        base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + base36
    return "Y" + base36.rjust(7, "0")


def erase_organisation(actor: User, organisation: Organisation, reason: str) -> ErasureSummary:
    """Erase the personal data of ``organisation`` and its users (see the module docstring) and
    record the erasure with ``reason`` (personal values in it are redacted). Refused when the
    organisation was erased before or the reason is empty. Files go once the caller commits."""
    if organisation.erased_at is not None:
        raise ErasureError(
            _l(
                "De gegevens van deze organisatie zijn al gewist op %(date)s.",
                date=format_date(organisation.erased_at, "long"),
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_l("Geef de reden van het verzoek."))
    users = list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation.id)))
    user_ids = [user.id for user in users]
    changes = list(
        db.session.scalars(sa.select(IdentityChange).where(IdentityChange.organisation_id == organisation.id))
    )
    replacements = _replacements(organisation, users, changes)

    events = _scrub_audit_trail(organisation.id, user_ids)
    _erase_identity_history(changes)
    mails_deleted, mails_redacted = _erase_mails(organisation.id, users, replacements)
    _erase_notes(organisation.id, replacements)
    file_count = _erase_journey(organisation.id)
    _delete_users(user_ids)
    _anonymise(organisation)
    summary = ErasureSummary(len(user_ids), file_count, mails_deleted, mails_redacted, events)
    record(
        actor,
        AuditAction.ORGANISATION_ERASED,
        organisation,
        organisation_id=organisation.id,
        after={"users_deleted": summary.users, "files_deleted": summary.files, "mails_deleted": summary.mails_deleted},
        note=_redact(reason, replacements),
    )
    db.session.flush()
    return summary


def _replacements(organisation: Organisation, users: list[User], changes: list[IdentityChange]) -> dict[str, str]:
    """Each personal value to hunt down in free text, with what replaces it (the names and numbers
    the organisation had, or asked for, too)."""
    values = {organisation.name: anonymous_name(organisation.id), organisation.kvk_number: REDACTED}
    for change in changes:
        values.setdefault(change.old_name, anonymous_name(organisation.id))
        values.setdefault(change.new_name, anonymous_name(organisation.id))
    for value in (
        organisation.street_address,
        organisation.postcode,
        organisation.website,
        *(change.old_kvk_number for change in changes),
        *(change.new_kvk_number for change in changes),
        *(user.name for user in users),
        *(user.email for user in users),
    ):
        values.setdefault(value or "", REDACTED)
    return {value: replacement for value, replacement in values.items() if len(value.strip()) >= MIN_REDACTED_LENGTH}


def _redact(text: str, replacements: dict[str, str]) -> str:
    """``text`` with every personal value (as typed, or HTML-escaped) replaced, ignoring case."""
    for value in sorted(replacements, key=len, reverse=True):  # "Jan Jansen" before "Jan"
        for form in dict.fromkeys((value, str(escape(value)))):
            literal = replacements[value].replace("\\", "\\\\")  # re.sub reads backslashes in a replacement
            text = re.sub(re.escape(form), literal, text, flags=re.IGNORECASE)
    return text


def _scrub_audit_trail(organisation_id: int, user_ids: list[int]) -> int:
    """Keep only the allow-listed keys in the events of the organisation and of its users, and
    clear their notes. Returns how many events were changed."""
    about = [AuditEvent.organisation_id == organisation_id]
    if user_ids:
        about += [
            sa.and_(AuditEvent.object_type == User.__tablename__, AuditEvent.object_id.in_(user_ids)),
            AuditEvent.actor_id.in_(user_ids),
        ]
    changed = 0
    for event in db.session.scalars(sa.select(AuditEvent).where(sa.or_(*about))):
        before, after = _kept(event.before), _kept(event.after)
        if (before, after, None) != (event.before, event.after, event.note):
            event.before, event.after, event.note = before, after, None
            changed += 1
    return changed


def _erase_identity_history(changes: list[IdentityChange]) -> None:
    """Delete the organisation's identity changes: former and requested names and numbers are what
    identifies it, and nothing counts them (verification never answers for an erased organisation)."""
    for change in changes:
        db.session.delete(change)
    db.session.flush()


def _kept(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if not values:
        return None
    kept = {key: value for key, value in values.items() if key in KEPT_AUDIT_KEYS}
    return kept or None


def _erase_mails(organisation_id: int, users: list[User], replacements: dict[str, str]) -> tuple[int, int]:
    """Delete the mails to the organisation's users or about the organisation; redact the
    personal values in any other mail that names them (a staff digest lists many organisations).
    Returns (deleted, redacted)."""
    addresses = [user.email.lower() for user in users]
    deleted = rows_changed(
        db.session,
        sa.delete(OutboxMail)
        .where(
            sa.or_(OutboxMail.organisation_id == organisation_id, sa.func.lower(OutboxMail.to_address).in_(addresses))
        )
        .execution_options(synchronize_session="fetch"),
    )
    forms = {form for value in replacements for form in (value, str(escape(value)))}
    mentions = [
        column.icontains(form, autoescape=True)
        for form in forms
        for column in (OutboxMail.subject, OutboxMail.body_text, OutboxMail.body_html)
    ]
    redacted = 0
    for mail in db.session.scalars(sa.select(OutboxMail).where(sa.or_(*mentions))) if mentions else ():
        new = [_redact(text, replacements) for text in (mail.subject, mail.body_text, mail.body_html)]
        if new != [mail.subject, mail.body_text, mail.body_html]:
            mail.subject, mail.body_text, mail.body_html = new
            redacted += 1
    return deleted, redacted


def _erase_notes(organisation_id: int, replacements: dict[str, str]) -> None:
    """Delete St MBO's notes on the organisation (about it and its contact people, and nothing
    counts them); redact the personal values in notes on other organisations that name them."""
    db.session.execute(
        sa.delete(Note).where(Note.organisation_id == organisation_id).execution_options(synchronize_session="fetch")
    )
    forms = {form for value in replacements for form in (value, str(escape(value)))}
    mentions = [Note.text.icontains(form, autoescape=True) for form in forms]
    for note in db.session.scalars(sa.select(Note).where(sa.or_(*mentions))) if mentions else ():
        note.text = _redact(note.text, replacements)


def _erase_journey(organisation_id: int) -> int:
    """Clear the texts of every step version (the rows, states and dates stay for the funnel and
    the reminders), delete the evidence rows, and every file in the organisation's upload folder
    once the transaction commits. Returns how many files go."""
    submissions = db.session.scalars(
        sa.select(StepSubmission)
        .join(StepProgress, StepProgress.id == StepSubmission.progress_id)
        .where(StepProgress.organisation_id == organisation_id)
        .options(selectinload(StepSubmission.evidence), selectinload(StepSubmission.actions))
    )
    stored: set[str] = set()
    for submission in submissions:
        submission.statement, submission.answers, submission.feedback = "", {}, None
        for action in submission.actions:
            action.description, action.commitment = "", ""
        stored.update(item.stored_name for item in submission.evidence)
        submission.evidence.clear()  # delete-orphan: the rows go
    db.session.flush()
    db.session.execute(
        sa.delete(Evidence)
        .where(Evidence.organisation_id == organisation_id)
        .execution_options(synchronize_session="fetch")
    )
    folder = files.upload_dir() / str(organisation_id)
    stored |= {path.name for path in folder.iterdir() if path.is_file()} if folder.is_dir() else set()
    for name in stored:
        files.delete_after_commit(organisation_id, name)
    return len(stored)


def _delete_users(user_ids: list[int]) -> None:
    """Delete the accounts, first letting go of what refers to them (explicitly, not through the
    foreign keys' ON DELETE, so that it works the same whatever the database enforces)."""
    if not user_ids:
        return
    fetch = {"synchronize_session": "fetch"}
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.actor_id.in_(user_ids)).values(actor_id=None).execution_options(**fetch)
    )
    for column in (StepSubmission.created_by_id, StepSubmission.decided_by_id):
        db.session.execute(
            sa.update(StepSubmission).where(column.in_(user_ids)).values({column.key: None}).execution_options(**fetch)
        )
    db.session.execute(
        sa.update(Evidence)
        .where(Evidence.uploaded_by_id.in_(user_ids))
        .values(uploaded_by_id=None)
        .execution_options(**fetch)
    )
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(user_ids)).execution_options(**fetch))
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id.in_(user_ids)).execution_options(**fetch))
    db.session.execute(sa.delete(User).where(User.id.in_(user_ids)).execution_options(**fetch))


def _anonymise(organisation: Organisation) -> None:
    """Replace what identifies the organisation; keep what the aggregates count by."""
    organisation.name = anonymous_name(organisation.id)
    organisation.kvk_number = placeholder_kvk(organisation.id)
    organisation.street_address = organisation.postcode = organisation.city = ""
    organisation.website = organisation.impact_statement = organisation.label_revoked_reason = None
    organisation.public_listing = False
    organisation.account_manager_id = None  # nobody manages a relation that is gone
    organisation.erased_at = utcnow()
    db.session.expire(organisation, ["users"])
