"""Who an organisation is (its KvK number and name), and how that changes once it is locked.

Verification, the badge and the directory answer by KvK number, so a partner's own users must not
move the organisation's partnership or label to another company by editing the number. Once
:attr:`Organisation.identity_locked` holds, a partner user's edit of the number or name becomes a
pending :class:`IdentityChange` (at most one per organisation; a new edit replaces its values) and
the organisation keeps its identity until St MBO approves; staff's own edits apply at once and are
recorded the same way. Approved changes are the identity history: verification keeps answering
for a former number with the organisation's current identity.

A decision is a conditional update ("only while it is still pending"), so of two staff members
deciding at once exactly one wins and the other gets :class:`IdentityConflict`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import local_day, rows_changed, utcnow
from impactnet.extensions import db
from impactnet.organisations.identity_mails import queue_decision_mails
from impactnet.organisations.models import IdentityChange, Organisation
from impactnet.organisations.models import IdentityChangeState as State
from impactnet.organisations.services import (
    KVK_TAKEN,
    OrganisationDetails,
    RegistrationError,
    check_details_editable,
    kvk_taken,
    update_organisation,
)

NOTE_MAX = 2000  # as the forms allow (impactnet.organisations.forms.IDENTITY_NOTE_MAX)


class IdentityError(ValueError):
    """The identity change is refused; the message (Dutch) says why."""


class IdentityConflict(IdentityError):
    """Someone decided on this request first (a colleague, or the partner withdrew it)."""

    @classmethod
    def already_decided(cls) -> IdentityConflict:
        return cls(_l("Over deze wijziging van naam of KvK-nummer is intussen al beslist. Bekijk de actuele stand."))


class IdentityOutcome(enum.StrEnum):
    """What saving the details form did to the organisation's identity."""

    UNCHANGED = "unchanged"
    REQUESTED = "requested"  # a new request, or new values for the waiting one
    STILL_PENDING = "still_pending"  # the waiting request asks the same again
    WITHDRAWN = "withdrawn"  # the form was set back to the current identity
    APPLIED = "applied"  # staff changed it directly


@dataclass(frozen=True)
class Saved:
    changed: bool  # any of the other details changed
    identity: IdentityOutcome


@dataclass(frozen=True)
class FormerIdentity:
    kvk: str
    name: str
    until: date  # the day it stopped being the organisation's (local date)


def _identity(kvk_number: str, name: str) -> dict[str, str]:
    return {"kvk_number": kvk_number, "name": name}


def pending_change(organisation: Organisation) -> IdentityChange | None:
    """The organisation's request that waits for St MBO, if any."""
    return db.session.scalar(
        sa.select(IdentityChange).where(
            IdentityChange.organisation_id == organisation.id, IdentityChange.state == State.PENDING
        )
    )


def _pending_query():
    return (
        sa.select(IdentityChange)
        .join(Organisation, Organisation.id == IdentityChange.organisation_id)
        .where(IdentityChange.state == State.PENDING, Organisation.erased_at.is_(None))
    )


def pending_identity_changes(municipality_id: int | None = None) -> list[IdentityChange]:
    """The requests waiting for St MBO, oldest first, with their organisation and who asked."""
    query = (
        _pending_query()
        .options(
            joinedload(IdentityChange.organisation).joinedload(Organisation.municipality),
            joinedload(IdentityChange.requested_by),
        )
        .order_by(IdentityChange.requested_at, IdentityChange.id)
    )
    if municipality_id is not None:
        query = query.where(Organisation.municipality_id == municipality_id)
    return list(db.session.scalars(query))


def pending_identity_count_query():
    """The ids of the requests waiting for St MBO (counted on the staff's to-do list)."""
    return _pending_query().with_only_columns(IdentityChange.id)


def pending_identity_change_count() -> int:
    """How many requests wait for St MBO (for a staff to-do list)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_pending_query().subquery()))


def identity_history(organisation: Organisation) -> list[FormerIdentity]:
    """The identities the organisation had before, oldest first (from the approved changes)."""
    changes = db.session.scalars(
        sa.select(IdentityChange)
        .where(IdentityChange.organisation_id == organisation.id, IdentityChange.state == State.APPROVED)
        .order_by(IdentityChange.decided_at, IdentityChange.id)
    )
    return [
        FormerIdentity(change.old_kvk_number, change.old_name, local_day(change.decided_at))
        for change in changes
        if change.changes_kvk or change.changes_name
    ]  # approved when staff had made it so already: no change


def former_holder(kvk: str) -> tuple[int, date] | None:
    """(organisation id, last day) of the organisation that had ``kvk`` until an approved change
    took it to another number (the latest, should several have had it); None if none did."""
    row = db.session.execute(
        sa.select(IdentityChange.organisation_id, IdentityChange.decided_at)
        .where(
            IdentityChange.old_kvk_number == kvk,
            IdentityChange.new_kvk_number != kvk,
            IdentityChange.state == State.APPROVED,
        )
        .order_by(IdentityChange.decided_at.desc(), IdentityChange.id.desc())
        .limit(1)
    ).first()
    return (row.organisation_id, local_day(row.decided_at)) if row else None


def form_identity(actor: User, organisation: Organisation) -> dict[str, str]:
    """What the details form shows as number and name: for a partner user, the values a waiting
    request asks for (saving the form again keeps the request); else the current ones."""
    pending = pending_change(organisation) if not actor.is_staff else None
    if pending is None:
        return _identity(organisation.kvk_number, organisation.name)
    return _identity(pending.new_kvk_number, pending.new_name)


def save_details(actor: User, organisation: Organisation, details: OrganisationDetails) -> Saved:
    """Save the details form. An applicant's number and name change at once, as every other field;
    a locked organisation's (:attr:`Organisation.identity_locked`) go to St MBO as a request when
    a partner user changes them, and apply at once (recorded as an approved change) when staff
    do. A number that belongs to another organisation is refused before anything is saved."""
    if not organisation.identity_locked:
        return Saved(update_organisation(actor, organisation, details), IdentityOutcome.UNCHANGED)
    check_details_editable(organisation, details)
    if details.kvk_number != organisation.kvk_number and kvk_taken(details.kvk_number, except_id=organisation.id):
        raise RegistrationError("kvk_number", KVK_TAKEN)
    kvk_number, name = details.kvk_number, details.name
    changed = update_organisation(
        actor, organisation, replace(details, kvk_number=organisation.kvk_number, name=organisation.name)
    )
    if actor.is_staff:
        return Saved(changed, _apply_directly(actor, organisation, kvk_number, name))
    return Saved(changed, _request(actor, organisation, kvk_number, name))


def _request(actor: User, organisation: Organisation, kvk_number: str, name: str) -> IdentityOutcome:
    current = _identity(organisation.kvk_number, organisation.name)
    wanted = _identity(kvk_number, name)
    pending = pending_change(organisation)
    if wanted == current:
        if pending is None:
            return IdentityOutcome.UNCHANGED
        withdraw(actor, pending)
        return IdentityOutcome.WITHDRAWN
    if pending is not None and _identity(pending.new_kvk_number, pending.new_name) == wanted:
        return IdentityOutcome.STILL_PENDING
    values = {
        "old_kvk_number": organisation.kvk_number,
        "old_name": organisation.name,
        "new_kvk_number": kvk_number,
        "new_name": name,
        "requested_by_id": actor.id,
        "requested_at": utcnow(),
    }
    if pending is None:
        change = IdentityChange(organisation_id=organisation.id, state=State.PENDING, **values)
        try:
            with db.session.begin_nested():
                db.session.add(change)
                db.session.flush()
        except IntegrityError:  # a colleague's request for the same organisation, a moment earlier
            raise IdentityConflict(
                _l("Een collega heeft zojuist al een wijziging aangevraagd. Bekijk de actuele stand.")
            ) from None
    else:
        updated = rows_changed(
            db.session,
            sa.update(IdentityChange)
            .where(IdentityChange.id == pending.id, IdentityChange.state == State.PENDING)
            .values(**values)
            .execution_options(synchronize_session=False),
        )
        if updated != 1:
            raise IdentityConflict.already_decided()
        db.session.refresh(pending)
        change = pending
    record(
        actor,
        AuditAction.IDENTITY_CHANGE_REQUESTED,
        change,
        before=current,
        after=wanted,
        organisation_id=organisation.id,
    )
    return IdentityOutcome.REQUESTED


def _set_identity(organisation: Organisation, kvk_number: str, name: str) -> None:
    """Give the organisation its new identity; the unique KvK number decides a race with another
    organisation taking the same number at the same moment."""
    try:
        with db.session.begin_nested():
            organisation.kvk_number, organisation.name = kvk_number, name
            db.session.flush()
    except IntegrityError:
        raise IdentityError(KVK_TAKEN) from None


def _apply_directly(actor: User, organisation: Organisation, kvk_number: str, name: str) -> IdentityOutcome:
    before = _identity(organisation.kvk_number, organisation.name)
    if _identity(kvk_number, name) == before:
        return IdentityOutcome.UNCHANGED
    try:
        _set_identity(organisation, kvk_number, name)
    except IdentityError as error:
        raise RegistrationError("kvk_number", KVK_TAKEN) from error
    now = utcnow()
    db.session.add(
        IdentityChange(
            organisation_id=organisation.id,
            old_kvk_number=before["kvk_number"],
            old_name=before["name"],
            new_kvk_number=kvk_number,
            new_name=name,
            state=State.APPROVED,
            requested_by_id=actor.id,
            requested_at=now,
            decided_by_id=actor.id,
            decided_at=now,
        )
    )
    record(
        actor,
        AuditAction.ORGANISATION_IDENTITY_CHANGED,
        organisation,
        before=before,
        after=_identity(kvk_number, name),
        organisation_id=organisation.id,
    )
    db.session.flush()
    return IdentityOutcome.APPLIED


def _decide(actor: User, change: IdentityChange, outcome: State, note: str | None) -> None:
    if change.state is not State.PENDING:
        raise IdentityConflict.already_decided()
    changed = rows_changed(
        db.session,
        sa.update(IdentityChange)
        .where(IdentityChange.id == change.id, IdentityChange.state == State.PENDING)
        .values(state=outcome, decided_at=utcnow(), decided_by_id=actor.id, note=note or None)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise IdentityConflict.already_decided()
    db.session.refresh(change)
    record(
        actor,
        {
            State.APPROVED: AuditAction.IDENTITY_CHANGE_APPROVED,
            State.REJECTED: AuditAction.IDENTITY_CHANGE_REJECTED,
            State.WITHDRAWN: AuditAction.IDENTITY_CHANGE_WITHDRAWN,
        }[outcome],
        change,
        before={"state": State.PENDING.value},
        after={"state": outcome.value},
        organisation_id=change.organisation_id,
        note=note,
    )


def _check_staff(actor: User, change: IdentityChange) -> Organisation:
    if not actor.is_staff:
        raise IdentityError(_l("Alleen St MBO beslist over een wijziging van naam of KvK-nummer."))
    organisation = change.organisation
    if organisation.erased_at is not None:
        raise IdentityError(_l("De gegevens van deze organisatie zijn gewist; ze kunnen niet meer worden gewijzigd."))
    return organisation


def approve(actor: User, change: IdentityChange, note: str = "") -> None:
    """St MBO approves: the organisation takes the new number and name (checked again: another
    organisation may have taken the number meanwhile), and its users are told by mail."""
    organisation = _check_staff(actor, change)
    note = (note or "").strip()[:NOTE_MAX]
    if (
        change.state is State.PENDING
        and change.new_kvk_number != organisation.kvk_number
        and kvk_taken(change.new_kvk_number, except_id=organisation.id)
    ):
        raise IdentityError(KVK_TAKEN)
    _decide(actor, change, State.APPROVED, note)
    before = _identity(organisation.kvk_number, organisation.name)
    _set_identity(organisation, change.new_kvk_number, change.new_name)
    # The identity it had until now (staff may have changed it directly since the request).
    change.old_kvk_number, change.old_name = before["kvk_number"], before["name"]
    after = _identity(organisation.kvk_number, organisation.name)
    if after != before:
        record(
            actor,
            AuditAction.ORGANISATION_IDENTITY_CHANGED,
            organisation,
            before=before,
            after=after,
            organisation_id=organisation.id,
            note=note,
        )
    db.session.flush()
    queue_decision_mails(change)


def reject(actor: User, change: IdentityChange, reason: str) -> None:
    """St MBO rejects, with a reason the organisation's users read in the mail."""
    _check_staff(actor, change)
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError(_l("Geef de reden van de afwijzing."))
    _decide(actor, change, State.REJECTED, reason[:NOTE_MAX])
    db.session.flush()
    queue_decision_mails(change)


def withdraw(actor: User, change: IdentityChange) -> None:
    """The organisation's own partner user takes the waiting request back."""
    if actor.role is not Role.PARTNER or actor.organisation_id != change.organisation_id:
        raise IdentityError(_l("Alleen de organisatie zelf kan haar verzoek intrekken."))
    _decide(actor, change, State.WITHDRAWN, None)
    db.session.flush()
