"""Named key spaces in the shared cache, each with a generation read before the data.

Hold this in your head:

- A :class:`KeySpace` is one purpose (``figures``, ``kept``): its keys are ``<name>:<generation>:<key>``
  in the shared cache (Flask-Caching: Redis in production, a folder under ``instance/`` on the embedded
  default, shared by the web processes and the worker). Nothing else is ever written under its name.
- Its generation is a random token stored as ``<name>:generation``. :meth:`KeySpace.cached` reads the
  generation *before* it computes, and stores the value under that generation. A commit that changes
  what the key space holds sets a new token after the commit, so a value computed from rows read before
  that commit was stored under the old token and is never found again: no stale entry outlives a commit,
  whatever the order of the writes. Old entries are never deleted, they fall out of use and expire.
  Nothing scans or clears the keyspace (Celery's queues and the throttle live in the same Redis).
- Random tokens, not counters: a lost generation key (evicted, pruned, Redis restarted) becomes a new
  token, never an old one, so losing it costs misses, never stale values.
- Which writes count is the key space's decision (``counts``: table, kind of write, columns), checked on
  every flush and every bulk statement of a session; a sign-in, a sent mail or a token use does not renew
  the generation of what they do not change.
- In front of the shared cache each process keeps copies under the same versioned key
  (:class:`LocalCopies`): the generation is still read on every use, the copy saves fetching and
  unpickling the value. In a request, all key spaces' generations are read in one round trip at the
  first use of any and kept for that request (still before its data).
- The busiest pages keep their whole answer under these generations, in front of Flask
  (:mod:`impactnet.core.response_cache`).
- The shared cache unreachable (Redis away): logged, the value computed from the database, never a 500.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from cachetools import TTLCache
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from impactnet.database import whole_transaction_committed, whole_transaction_rolled_back
from impactnet.extensions import cache

log = logging.getLogger(__name__)

T = TypeVar("T")
CHANGED = "key_spaces_changed"  # session.info: the names of the key spaces this transaction changed


class LocalCopies:
    """One process's copies, each kept at most ``seconds``; safe across threads."""

    def __init__(self, entries: int, seconds: float) -> None:
        self.seconds = seconds
        self._copies = TTLCache(maxsize=entries, ttl=seconds)
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            return self._copies.get(key)

    def put(self, key: str, value) -> None:
        with self._lock:
            self._copies[key] = value

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()


@dataclass
class KeySpace:
    """One purpose's keys. A write counts when its table is in ``tables`` (None: every table) and
    not in ``ignored``; ``ignored_kinds`` ignores only some kinds of write to a table ("insert",
    "update", "delete") and ``ignored_columns`` updates that change only those columns."""

    name: str
    tables: Collection[str] | None = None
    ignored: Collection[str] = ()
    ignored_kinds: Mapping[str, Collection[str]] = field(default_factory=dict)
    ignored_columns: Mapping[str, Collection[str]] = field(default_factory=dict)
    local_entries: int = 512

    def __post_init__(self) -> None:
        KEY_SPACES[self.name] = self

    @property
    def generation_key(self) -> str:
        return f"{self.name}:generation"

    def counts(self, table: str, kind: str, columns: Collection[str] | None = None) -> bool:
        """Whether a write of ``kind`` to ``table`` (changing ``columns``; None: unknown) changes this key space."""
        if (self.tables is not None and table not in self.tables) or table in self.ignored:
            return False
        if kind in self.ignored_kinds.get(table, ()):
            return False
        ignored_columns = self.ignored_columns.get(table)
        return not (
            kind == "update" and ignored_columns and columns is not None and set(columns) <= set(ignored_columns)
        )

    def generation(self) -> str | None:
        """The current generation (a new one if none is set); None when the shared cache is away.

        In a request all key spaces' generations are read at once, at the first use of any (one
        round trip instead of one per use: each cost about a tenth of a signed-in page's CPU), and kept for
        the rest of the request: still before the data the request reads, and a renewal in the
        request itself replaces its copy. Outside a request (a task, the CLI) it is read every time."""
        if not has_request_context():
            return _read_generations((self,))[self.name]
        if (generations := g.get(_GENERATIONS)) is None:
            generations = _read_generations(KEY_SPACES.values())
            setattr(g, _GENERATIONS, generations)
        return generations[self.name]

    def renew(self) -> None:
        """From now on no process finds what was stored under the old generation."""
        held = current_app.extensions.get("impactnet.key_spaces", {}).get(self.name)
        if held is not None:  # memory only: other processes' copies carry the old generation in their keys
            held.clear()
        generation = secrets.token_hex(8)
        if has_request_context() and (generations := g.get(_GENERATIONS)) is not None:
            generations[self.name] = generation  # this request reads on under the new one
        try:
            cache.set(self.generation_key, generation, timeout=0)
        except Exception:
            log.error("cache generation of %s not renewed; its entries expire on their own", self.name, exc_info=True)

    def local_copies(self, seconds: float | None = None) -> LocalCopies:
        """This app's copies (each app its own: in tests several apps share a process)."""
        copies = current_app.extensions.setdefault("impactnet.key_spaces", {})
        with _lock:
            found = copies.get(self.name)
            if found is None or (seconds is not None and found.seconds != seconds):
                found = copies[self.name] = LocalCopies(self.local_entries, seconds or 60)
            return found

    def key(self, generation: str, *parts: object) -> str:
        return ":".join(str(part) for part in (self.name, generation, *parts))

    def cached(self, compute: Callable[[], T], *key: object, timeout: int, local_seconds: float = 0) -> T:
        """``compute()``'s value for ``key`` as of the current generation: this process's copy (kept
        ``local_seconds``; 0: none), else the shared cache's, else computed and stored in both (a None
        is not stored: nothing to show, e.g. an unknown address)."""
        generation = self.generation()  # before the data: a commit from now on renews it
        if generation is None:
            return compute()
        name = self.key(generation, *key)
        local = self.local_copies(local_seconds) if local_seconds > 0 else None
        value = local.get(name) if local is not None else None
        if value is not None:
            return value
        try:
            value = cache.get(name)
        except Exception:  # Redis away: the database still answers
            log.warning("shared cache unreadable; computing %s", name, exc_info=True)
            return compute()
        if value is None:
            value = compute()
            if value is None:
                return value
            try:
                cache.set(name, value, timeout=timeout)
            except Exception:
                log.warning("shared cache not written: %s", name, exc_info=True)
        if local is not None:
            local.put(name, value)
        return value


KEY_SPACES: dict[str, KeySpace] = {}
_GENERATIONS = "impactnet_key_space_generations"  # g: this request's generations, by key space name
_lock = threading.Lock()


def _read_generations(spaces: Collection[KeySpace]) -> dict[str, str | None]:
    """The generations of ``spaces`` in one read (a new one set for each that has none; None for each
    when the shared cache is away)."""
    spaces = list(spaces)
    try:
        found = dict(
            zip((space.name for space in spaces), cache.get_many(*(s.generation_key for s in spaces)), strict=True)
        )
        for space in spaces:
            if found[space.name] is None:
                cache.add(space.generation_key, secrets.token_hex(8), timeout=0)
                found[space.name] = cache.get(space.generation_key)
        return found
    except Exception:  # Redis away: read the database, never an unchecked copy
        log.warning("cache generations unreadable; reading from the database", exc_info=True)
        return dict.fromkeys((space.name for space in spaces), None)


def mark_changed(session: Session, table: str, kind: str, columns: Collection[str] | None = None) -> None:
    changed = session.info.setdefault(CHANGED, set())
    changed.update(name for name, space in KEY_SPACES.items() if space.counts(table, kind, columns))


def changed_columns(obj) -> list[str]:
    state = inspect(obj)
    return [
        attribute.key for attribute in state.mapper.column_attrs if state.attrs[attribute.key].history.has_changes()
    ]


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    for kind, objects in (("insert", session.new), ("delete", session.deleted)):
        for obj in objects:
            mark_changed(session, inspect(obj).mapper.local_table.name, kind)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            mark_changed(session, inspect(obj).mapper.local_table.name, "update", changed_columns(obj))


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    kind = "insert" if state.is_insert else "update" if state.is_update else "delete" if state.is_delete else None
    if kind is not None:
        table = getattr(state.statement, "table", None)
        mark_changed(state.session, getattr(table, "name", "?"), kind)  # "?": unknown, counts where all tables do


@event.listens_for(Session, "after_commit")
def _renew_after_commit(session) -> None:
    if whole_transaction_committed(session) and has_app_context():
        for name in sorted(session.info.pop(CHANGED, ())):
            KEY_SPACES[name].renew()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    # A savepoint rolled back leaves what the transaction wrote before it: still renew at the commit.
    if whole_transaction_rolled_back(previous_transaction):
        session.info.pop(CHANGED, None)


def renew_all() -> None:
    """Every key space starts afresh (tests between tests; never a delete in the shared cache)."""
    for space in KEY_SPACES.values():
        space.renew()
