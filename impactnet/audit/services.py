"""Writing audit events. Every service that changes state calls :func:`record`."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db

if TYPE_CHECKING:
    from impactnet.accounts.models import User


def jsonable(value: Any) -> Any:
    """A column value as JSON: enums by value, dates and times in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a JSON-ready dict (for before/after)."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def record(
    actor: User | None,
    action: AuditAction,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    note: str | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Record that ``actor`` (a User, or None for the system) did ``action`` to ``obj``.

    ``obj`` must have been flushed so that it has an id.
    """
    if obj.id is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        organisation_id=organisation_id,
        before=before,
        after=after,
        note=str(note) if note else None,  # lazy (translated) texts are stored as text; "" as no note
    )
    if occurred_at is not None:
        event.occurred_at = occurred_at
    db.session.add(event)
    return event


def apply_changes(
    actor: User | None, obj: Any, values: dict[str, Any], action: AuditAction, *, organisation_id: int | None = None
) -> bool:
    """Set ``values`` on ``obj`` and record the fields that really changed
    (before and after) as one event. Returns whether anything changed."""
    fields = tuple(values)
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    after = snapshot(obj, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if changed:
        record(
            actor,
            action,
            obj,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            organisation_id=organisation_id,
        )
    db.session.flush()
    return bool(changed)
