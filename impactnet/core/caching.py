"""Values kept in the shared cache (Flask-Caching: Redis in production, a folder under
``instance/`` otherwise) with a copy in each process in front of it: the figures pages
(:mod:`impactnet.stats.cache`) and what is kept under the data version
(:mod:`impactnet.core.data_version`).

A shared cache that cannot be reached (Redis away) is logged and the value computed: a page
never fails for it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from cachetools import TTLCache

from impactnet.extensions import cache

log = logging.getLogger(__name__)

T = TypeVar("T")


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


def read_through(name: str, compute: Callable[[], T], *, local: LocalCopies | None, timeout: int) -> T:
    """The value kept as ``name``: this process's copy, else the shared cache's, else ``compute()``'s,
    kept in both (a None is not kept: nothing to show, e.g. an unknown address)."""
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
