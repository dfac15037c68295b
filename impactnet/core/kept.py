"""What is read on almost every request but written rarely, kept under the ``kept`` key space
(:mod:`impactnet.core.caching`): the signed-in user (:mod:`impactnet.accounts.signed_in`) and an
organisation's own dashboard (:mod:`impactnet.home.views`).

Both read many tables (the user, their sign-in, organisation and municipality; the journey, the
label, the history), so every table counts except the bookkeeping that changes none of it: a sent
mail (the outbox), an API token's use, a new sign-in (its own token has no copy yet; clearing
ended sign-ins away ends nothing live), the time of the last sign-in, and the municipalities'
targets, which neither shows. A sign-out (an UPDATE of
its sign-in), a changed role or a deactivated account renews the generation, in every process, from
the next request on. Neither reads the stored figures (snapshots, counters, projections), so the
hourly job and the refresh after a change renew nothing here. Copies live at most ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import get_locale

from impactnet.core.caching import KeySpace

MAX_AGE_SECONDS = 60
T = TypeVar("T")

KEPT = KeySpace(
    "kept",
    ignored=(
        "outbox_mails",
        "api_tokens",
        "targets",
        "growth_snapshots",
        "projections",
        "funnel_snapshots",
        "breakdown_snapshots",
    ),
    ignored_kinds={"user_sessions": ("insert", "delete")},
    ignored_columns={"users": ("last_login_at", "updated_at")},
    local_entries=2_000,
)


def cached(compute: Callable[[], T], *key: object) -> T:
    """``compute()``'s value for ``key`` in the current language, as of the kept generation."""
    return KEPT.cached(compute, get_locale(), *key, timeout=MAX_AGE_SECONDS, local_seconds=MAX_AGE_SECONDS)
