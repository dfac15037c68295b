"""The figures pages, kept in the ``figures`` key space (:mod:`impactnet.core.caching`): what the
region overview, the municipality dashboards, the growth charts and ``/api/v1/regions`` show, so
that a page view reads no figures from the database and renders no tables.

Those pages read only the stored figures (the snapshot, counter and projection rows), the
municipalities, their targets and the journey's steps, so only a write to one of those tables
renews the figures' generation (:data:`FIGURE_TABLES`); a change to an organisation reaches the
pages through the refresh it sets off (:mod:`impactnet.stats.refresh`), whose new snapshot rows
renew the generation after the refresh commits. Keys carry the language and the day. An entry
lasts at most ``FIGURES_CACHE_SECONDS``; each process keeps a copy for
``FIGURES_LOCAL_CACHE_SECONDS``, still checked against the generation on every request.

Only aggregates are kept, never anything of one user: the access checks run before the cache is
read, on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask_babel import get_locale

from impactnet.core.caching import KeySpace

FIGURE_TABLES = (
    "municipalities",
    "targets",
    "journey_steps",
    "growth_snapshots",
    "projections",
    "funnel_snapshots",
    "breakdown_snapshots",
)
FIGURES = KeySpace("figures", tables=FIGURE_TABLES)

T = TypeVar("T")


def cached(compute: Callable[[], T], *key: object) -> T:
    """The cached value for ``key`` in the current language, or ``compute()``'s, stored."""
    config = current_app.config
    return FIGURES.cached(
        compute,
        get_locale(),
        *key,
        timeout=config["FIGURES_CACHE_SECONDS"],
        local_seconds=config["FIGURES_LOCAL_CACHE_SECONDS"],
    )
