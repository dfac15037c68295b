"""A cache of the figures pages: what the region overview, the municipality dashboards, the
growth charts and ``/api/v1/regions`` show, so that a page view reads no figures from the
database and renders no tables.

Those figures change only when the snapshot job writes (hourly) or staff change a municipality
or a target. Every such write marks its transaction (:func:`figures_changed`: the stored
snapshots' upsert calls it, and any flushed municipality, target or snapshot row counts); once
that transaction commits, the whole figures cache is emptied, in every process that shares it
(Redis in production, a folder under ``instance/`` on the embedded default, which the web
process and the demo's Celery worker share). An entry also expires after
``FIGURES_CACHE_SECONDS`` and keys carry the day and the language, so nothing outlives a day.

In front of the shared cache each process keeps what it read for ``FIGURES_LOCAL_CACHE_SECONDS``
(a few seconds), which saves the round trip to Redis on a busy page. The committing process
empties its own copy at once; other processes show a change within those seconds.

Only aggregates are cached, never anything of one user: the access checks run before the cache
is read, on every request. When the shared cache cannot be reached (Redis away) the figures are
read from the database and the failure is logged; a page never fails for it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from impactnet.core.caching import LocalCopies, read_through
from impactnet.database import whole_transaction_committed, whole_transaction_rolled_back
from impactnet.extensions import cache, db
from impactnet.regions.models import Municipality, Target
from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot, Projection

FIGURE_MODELS = (Municipality, Target, GrowthSnapshot, Projection, FunnelSnapshot, BreakdownSnapshot)
CHANGED = "figures_changed"
LOCAL_ENTRIES = 512  # per process: a few pages per municipality, language and day

T = TypeVar("T")
log = logging.getLogger(__name__)

_local_lock = threading.Lock()
_local: LocalCopies | None = None


def _local_copies() -> LocalCopies | None:
    global _local
    seconds = current_app.config["FIGURES_LOCAL_CACHE_SECONDS"]
    if seconds <= 0:
        return None
    with _local_lock:
        if _local is None or _local.seconds != seconds:
            _local = LocalCopies(LOCAL_ENTRIES, seconds)
        return _local


def cached(compute: Callable[[], T], *key: object) -> T:
    """The cached value for ``key`` in the current language, or ``compute()``'s, stored."""
    name = ":".join(str(part) for part in (get_locale(), *key))
    return read_through(name, compute, local=_local_copies(),
                        timeout=current_app.config["FIGURES_CACHE_SECONDS"])


def figures_changed(session: Session | None = None) -> None:
    """Mark the transaction as changing the figures: the cache is emptied after its commit."""
    (session or db.session()).info[CHANGED] = True


def clear() -> None:
    if _local is not None:
        _local.clear()
    cache.clear()


@event.listens_for(Session, "after_flush")
def _note_flushed_figures(session, _context) -> None:
    if any(isinstance(obj, FIGURE_MODELS) for obj in (*session.new, *session.dirty, *session.deleted)):
        figures_changed(session)


@event.listens_for(Session, "after_commit")
def _clear_after_commit(session) -> None:
    if whole_transaction_committed(session) and session.info.pop(CHANGED, False):
        try:
            clear()
        except Exception:  # the commit stands; entries elsewhere expire after FIGURES_CACHE_SECONDS
            log.error("figures cache not emptied after a change", exc_info=True)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    if whole_transaction_rolled_back(previous_transaction):
        session.info.pop(CHANGED, None)
