"""Template fragments rendered once per value and kept, per process.

A fragment whose text follows from a few values alone (a target year's result in the reader's
language) is rendered once per key and then taken from a small per-process dictionary. The key
is the template, the language and *every value the fragment is rendered from*, so a kept text can
never be stale: other values are another key. Templates and catalogues do not change while a process
runs; the dictionary is bounded (the oldest half is dropped when it is full).

Why: a figures change renders the region overview again, and its "Doelen per jaar" part (every
target year of every municipality, with progress bars and verdicts) was about a third of that
request's CPU; a change touches one municipality's results at most (issue #14: the first request
after a change at most 15 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 2048
EXTENSION = "impactnet.fragments"

T = TypeVar("T")
_lock = threading.Lock()


def kept(extension: str, key: Hashable, make: Callable[[], T], limit: int) -> T:
    """The value kept under ``key`` in this app's per-process dictionary ``extension``, made (and
    kept) on first use; at ``limit`` entries the oldest half is dropped. Also the layout's store
    (:mod:`impactnet.core.layout`)."""
    store: dict = current_app.extensions.setdefault(extension, {})
    value = store.get(key)
    if value is None:
        value = make()
        with _lock:
            if len(store) >= limit:
                for old in list(store)[: limit // 2]:
                    store.pop(old, None)
            store[key] = value
    return value


def kept_fragment(template: str, key: Hashable, **context) -> Markup:
    """``template`` rendered with ``context``, of which ``key`` holds every value (by value, hashable)."""
    return kept(
        EXTENSION,
        (template, str(get_locale()), key),
        lambda: Markup(render_template(template, **context)),
        MAX_FRAGMENTS,
    )
