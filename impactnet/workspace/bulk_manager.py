"""One account manager (or none) for a selection of organisations, through the same service as the
organisation's page (:func:`impactnet.organisations.notes.set_account_manager`), so each
organisation's change is audited as there; one more event records the action as a whole."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.extensions import db
from impactnet.organisations.notes import set_account_manager
from impactnet.workspace.bulk import BulkError, Resolved, digest
from impactnet.workspace.search import Row

KIND = "bulk_account_manager"


def chosen_manager(manager_id: int | None) -> User | None:
    """The chosen account manager (None: nobody). Anyone but active staff is refused, whatever was sent."""
    if manager_id is None:
        return None
    manager = db.session.get(User, manager_id)
    if manager is None or not manager.is_staff or not manager.active:
        raise BulkError(_l("Kies een medewerker van St MBO uit de lijst."))
    return manager


@dataclass(frozen=True)
class Plan:
    manager: User | None
    changes: list[Row]  # organisations that get the new account manager (each with its current one)
    unchanged: list[Row]  # those that have it already


def plan(resolved: Resolved, manager: User | None) -> Plan:
    """Which organisations change from whom to ``manager``, and which have that one already."""
    manager_id = manager.id if manager is not None else None
    changes = [row for row in resolved.rows if row.organisation.account_manager_id != manager_id]
    unchanged = [row for row in resolved.rows if row.organisation.account_manager_id == manager_id]
    return Plan(manager, changes, unchanged)


def preview_digest(resolved: Resolved, manager: User | None) -> str:
    return digest(KIND, manager.id if manager is not None else None, resolved)


def assign(actor: User, resolved: Resolved, manager: User | None, action_id: str) -> int:
    """Make ``manager`` the account manager of every selected organisation; returns how many changed
    (flushes; the caller commits). Run twice, the second run changes and records nothing."""
    manager_id = manager.id if manager is not None else None
    changed = sum(set_account_manager(actor, organisation, manager_id) for organisation in resolved.organisations)
    if changed:
        record(
            actor,
            AuditAction.BULK_ACCOUNT_MANAGER_SET,
            actor,
            after={
                "action_id": action_id,
                "account_manager_id": manager_id,
                "organisations": len(resolved.rows),
                "changed": changed,
                "left_out": resolved.left_out,
                "selection": resolved.selection.describe(),
            },
        )
    return changed
