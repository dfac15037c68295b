"""Fresh figures: a commit that changes what a figure counts sets off a refresh of today's figures.

Hold this in your head:

- What counts (:func:`_counts`): an organisation registered, erased or removed, or its status,
  municipality, sector or size class changed (a label's award, renewal, expiry and revocation, a
  withdrawal are status changes; a move is a change of municipality); a step's progress (approvals:
  the funnel); the steps, municipalities and targets; and any bulk statement on those tables (bulk
  actions, the import). A sign-in, a note or a mail sets off nothing.
- After the commit (never before: the worker must find the rows) the worker is asked, by task name,
  on the broker it listens to (Redis, or the embedded default's folder: as the outbox does), to run
  ``workers.tasks.refresh_figures`` in ``FIGURES_REFRESH_DELAY_SECONDS``.
- Bursts coalesce: the kick first sets a "refresh pending" marker in the shared cache with ``add``
  (SET NX); while it stands, another commit asks for nothing. The task removes the marker *before*
  it reads, so a commit after that asks again and none is missed. 1,000 commits within a second
  run one or two refreshes. A marker whose task was lost expires after ``PENDING_SECONDS``.
- The task refreshes all of today's figures (:func:`refresh_today`: snapshots, counters,
  projections), not only the municipalities concerned: the region is the sum of every municipality's
  row and the whole run is a fixed handful of statements. Its commit writes snapshot rows, which
  renew the figures' cache generation (:mod:`impactnet.stats.cache`): every process shows the new
  figures on its next request.
- Beat's hourly run stays the safety net (a kick lost while the broker was away).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from impactnet.core.broker import send_by_name
from impactnet.core.caching import changed_columns
from impactnet.database import whole_transaction_committed, whole_transaction_rolled_back
from impactnet.extensions import cache
from impactnet.stats.projections import compute_projections
from impactnet.stats.snapshots import take_snapshots

log = logging.getLogger(__name__)

REFRESH_TASK = "workers.tasks.refresh_figures"
PENDING_KEY = "figures-refresh:pending"  # a key space of its own in the shared cache
PENDING_SECONDS = 30
CHANGED = "figures_sources_changed"

# Per table, the columns whose change changes a figure (None: any change of the row).
SOURCES: dict[str, frozenset[str] | None] = {
    "organisations": frozenset({"status", "municipality_id", "sector", "size_class", "erased_at", "created_at"}),
    "step_progress": None,
    "journey_steps": None,
    "municipalities": frozenset({"joined_on", "active"}),
    "targets": None,
}


def _counts(table: str, kind: str, columns=None) -> bool:
    if table not in SOURCES:
        return False
    watched = SOURCES[table]
    return kind != "update" or watched is None or columns is None or bool(watched & set(columns))


def refresh_today(today: date) -> int:
    """Today's snapshots, counters and projections, computed again (flush only); the rows written."""
    written = take_snapshots(today)
    compute_projections(today)
    return written


def pending_done() -> None:
    """The task begins: a commit from now on asks for another run."""
    try:
        cache.delete(PENDING_KEY)
    except Exception:  # the marker expires on its own
        log.warning("figures refresh marker not removed", exc_info=True)


def kick_refresh() -> bool:
    """Ask the worker for a refresh unless one is pending already; True when asked."""
    try:
        first = cache.add(PENDING_KEY, 1, timeout=PENDING_SECONDS)
    except Exception:  # shared cache away: ask anyway (the refresh is safe to run twice)
        log.warning("figures refresh marker unreadable", exc_info=True)
        first = True
    if not first:
        return False
    try:
        send_by_name(REFRESH_TASK, countdown=current_app.config["FIGURES_REFRESH_DELAY_SECONDS"])
    except Exception as error:  # the hourly run refreshes later; the next commit asks again
        log.warning("could not reach the worker queue (%s); figures refresh at the next run", error)
        with contextlib.suppress(Exception):  # the shared cache away too: the mark expires by itself
            cache.delete(PENDING_KEY)
        return False
    return True


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    if session.info.get(CHANGED):
        return
    for kind, objects in (("insert", session.new), ("delete", session.deleted), ("update", session.dirty)):
        for obj in objects:
            table = inspect(obj).mapper.local_table.name
            if table in SOURCES and _counts(table, kind, changed_columns(obj) if kind == "update" else None):
                session.info[CHANGED] = True
                return


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    kind = "insert" if state.is_insert else "update" if state.is_update else "delete" if state.is_delete else None
    if kind is not None and _counts(getattr(getattr(state.statement, "table", None), "name", ""), kind):
        state.session.info[CHANGED] = True


@event.listens_for(Session, "after_commit")
def _kick_after_commit(session) -> None:
    if whole_transaction_committed(session) and session.info.pop(CHANGED, False) and has_app_context():
        kick_refresh()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    if whole_transaction_rolled_back(previous_transaction):
        session.info.pop(CHANGED, None)
