"""St MBO's own bookkeeping on an organisation: its account manager (relatiebeheerder) and
internal notes. Staff only: nothing here reaches a partner, a municipality, the public pages or the
API. The audit trail records who set the account manager and who added or deleted a note, with the
note's kind and date but never its text: deleting a note, or an erasure, must take the text away,
and an audit trail is kept longer than any note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from impactnet.accounts.access import STAFF_ROLES
from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import apply_changes, record
from impactnet.extensions import db
from impactnet.organisations.models import Note, NoteKind, Organisation

NOTE_KIND_LABELS = {
    NoteKind.CONVERSATION: _l("Gesprek"),
    NoteKind.PHONE_CALL: _l("Telefoongesprek"),
    NoteKind.AGREEMENT: _l("Afspraak"),
    NoteKind.OTHER: _l("Overig"),
}
MAX_NOTE_LENGTH = 5000


class NoteError(ValueError):
    """Refused; ``field`` names the form field to show the (Dutch) message at."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NoteInput:
    kind: NoteKind
    happened_on: date
    text: str


def account_manager_choices() -> list[User]:
    """The users who may be an account manager: active staff and admins, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.name, User.email)
        )
    )


def set_account_manager(actor: User, organisation: Organisation, manager_id: int | None) -> bool:
    """Make the user ``manager_id`` (active staff or admin) the organisation's account manager, or
    none; returns whether it changed. Anyone else is refused, whatever the form sent."""
    if manager_id is not None:
        manager = db.session.get(User, manager_id)
        if manager is None or not manager.is_staff or not manager.active:
            raise NoteError("account_manager", _l("Kies een medewerker van St MBO uit de lijst."))
    if organisation.erased_at is not None:
        raise NoteError("account_manager", _l("De gegevens van deze organisatie zijn gewist."))
    return apply_changes(
        actor,
        organisation,
        {"account_manager_id": manager_id},
        AuditAction.ACCOUNT_MANAGER_SET,
        organisation_id=organisation.id,
    )


def add_note(actor: User, organisation: Organisation, note: NoteInput, today: date) -> Note:
    """Add a note by ``actor``. Refused on an erased organisation, for an empty or overlong text,
    and for a day after ``today`` (a note says what happened)."""
    if organisation.erased_at is not None:
        raise NoteError("text", _l("De gegevens van deze organisatie zijn gewist; er kunnen geen notities meer bij."))
    if not note.text.strip():
        raise NoteError("text", _l("Schrijf de notitie."))
    if len(note.text) > MAX_NOTE_LENGTH:
        raise NoteError("text", _l("De notitie mag hoogstens %(max)d tekens lang zijn.", max=MAX_NOTE_LENGTH))
    if note.happened_on > today:
        raise NoteError("happened_on", _l("Deze datum ligt in de toekomst. Een notitie legt vast wat er is gebeurd."))
    row = Note(
        organisation_id=organisation.id,
        kind=note.kind,
        happened_on=note.happened_on,
        text=note.text,
        author_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record(
        actor,
        AuditAction.NOTE_ADDED,
        row,
        organisation_id=organisation.id,
        after={"kind": row.kind.value, "happened_on": row.happened_on.isoformat()},
    )
    return row


def note_of(organisation: Organisation, note_id: int) -> Note | None:
    note = db.session.get(Note, note_id)
    return note if note is not None and note.organisation_id == organisation.id else None


def delete_note(actor: User, note: Note) -> None:
    """Delete the note (its text goes; the audit trail keeps who deleted what kind of note of when)."""
    record(
        actor,
        AuditAction.NOTE_DELETED,
        note,
        organisation_id=note.organisation_id,
        before={"kind": note.kind.value, "happened_on": note.happened_on.isoformat()},
    )
    db.session.delete(note)
    db.session.flush()


def notes_of(organisation: Organisation) -> list[Note]:
    """The organisation's notes, latest first (with their authors)."""
    return list(
        db.session.scalars(
            sa.select(Note)
            .where(Note.organisation_id == organisation.id)
            .options(joinedload(Note.author))
            .order_by(Note.happened_on.desc(), Note.id.desc())
        )
    )


def timeline_moment(note: Note) -> datetime:
    """Where a note stands among the audit events: on the day it happened (the end of that day),
    but never after it was written."""
    return min(note.created_at, datetime.combine(note.happened_on, time.max, tzinfo=UTC))


def managed_by(user: User) -> list[Organisation]:
    """The organisations ``user`` is the account manager of, by name (erased ones are gone)."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.account_manager_id == user.id, Organisation.erased_at.is_(None))
            .options(joinedload(Organisation.municipality))
            .order_by(Organisation.name, Organisation.id)
        )
    )
