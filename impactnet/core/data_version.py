"""A stamp of the database's content, renewed after every commit that wrote anything, and what
is kept under it.

Some things are read on almost every request but written rarely: the signed-in user
(:mod:`impactnet.accounts.signed_in`) and an organisation's own dashboard. They are kept
(in this process, or in the shared cache) under the stamp that was current when they were read,
and used only while the stamp has not changed. Every commit that flushed a change or ran an
INSERT, UPDATE or DELETE through a session sets a new stamp in the shared cache (Redis in
production, a folder under ``instance/`` on the embedded default, which the web process and the
demo's Celery worker share), so a write in any process counts from the next request on, in every
process. There is no list of tables to keep up to date: any write renews the stamp.

The stamp is read before the data: a write that commits in between renews it, and the copy read
under the old stamp is not used again. When the shared cache cannot be read (Redis away) nothing
is served from a copy. When a new stamp cannot be written, the copies held elsewhere (in other
processes and in the shared cache) last at most ``MAX_AGE_SECONDS``.
"""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from impactnet.core.caching import LocalCopies, read_through
from impactnet.database import whole_transaction_committed, whole_transaction_rolled_back
from impactnet.extensions import cache

log = logging.getLogger(__name__)

KEY = "data:version"
WROTE = "data_written"
MAX_AGE_SECONDS = 60
LOCAL_ENTRIES = 2_000

T = TypeVar("T")

_lock = threading.Lock()


def current() -> str | None:
    """The stamp now (a new one if none is set), or None when the shared cache cannot be read."""
    try:
        version = cache.get(KEY)
        if version is None:
            cache.add(KEY, secrets.token_hex(8), timeout=0)
            version = cache.get(KEY)
        return version
    except Exception:  # Redis away: read the database, never an unchecked copy
        log.warning("data version unreadable; reading from the database", exc_info=True)
        return None


def local_copies(name: str) -> LocalCopies:
    """The app's copies for ``name`` (each app its own: in tests, several apps share a process)."""
    copies = current_app.extensions.setdefault("impactnet.data_version", {})
    with _lock:
        return copies.setdefault(name, LocalCopies(LOCAL_ENTRIES, MAX_AGE_SECONDS))


def cached(compute: Callable[[], T], *key: object) -> T:
    """``compute()``'s value for ``key`` in the current language, as of the current stamp: from this
    process's copy, else the shared cache, else computed and kept in both."""
    version = current()
    if version is None:
        return compute()
    name = ":".join(str(part) for part in ("data", version, get_locale(), *key))
    return read_through(name, compute, local=local_copies("values"), timeout=MAX_AGE_SECONDS)


def renew() -> None:
    """Something was written: no process uses what it holds under the old stamp from now on."""
    if not has_app_context():
        return
    for copies in list(current_app.extensions.get("impactnet.data_version", {}).values()):
        copies.clear()
    try:
        cache.set(KEY, secrets.token_hex(8), timeout=0)
    except Exception:
        log.error("data version not renewed; other processes may use copies for up to %d s",
                  MAX_AGE_SECONDS, exc_info=True)


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
def _renew_after_commit(session) -> None:
    if whole_transaction_committed(session) and session.info.pop(WROTE, False):
        renew()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    # A savepoint rolled back leaves what the transaction wrote before it: still renew at the commit.
    if whole_transaction_rolled_back(previous_transaction):
        session.info.pop(WROTE, None)
