"""Inspiration sessions to come in the demo: one in Dordrecht, one online, one in English in
Zwijndrecht, so partners waiting for the session see them (added again when all have passed)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from impactnet.accounts.models import User
from impactnet.database import LOCAL_TIMEZONE, local_today, utcnow
from impactnet.extensions import db
from impactnet.regions.models import Municipality
from impactnet.sessions.models import InspirationSession

# (days from today, local start, hours, place, online link, places, language, municipality slug)
SESSIONS = (
    (7, time(15, 30), 2, "Stadskantoor, Spuiboulevard 300, Dordrecht", None, 15, "nl", "dordrecht"),
    (14, time(10, 0), 1.5, "", "https://meet.stmbo.example/inspiratiesessie", 25, "nl", None),
    (21, time(16, 0), 2, "Raadhuis, Burgemeester Jansenlaan 1, Zwijndrecht", None, 12, "en", "zwijndrecht"),
)


def ensure_sessions(staff: User) -> None:
    """Plan the demo's sessions unless one is still to come (flush only)."""
    upcoming = db.session.scalar(
        sa.select(InspirationSession.id)
        .where(InspirationSession.starts_at > utcnow(), InspirationSession.cancelled_at.is_(None))
        .limit(1)
    )
    if upcoming is not None:
        return
    slugs = {m.slug: m.id for m in db.session.scalars(sa.select(Municipality))}
    for days, start, hours, location, url, capacity, language, slug in SESSIONS:
        starts = datetime.combine(local_today() + timedelta(days=days), start, tzinfo=LOCAL_TIMEZONE)
        db.session.add(
            InspirationSession(
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                location=location,
                online_url=url,
                capacity=capacity,
                language=language,
                municipality_id=slugs.get(slug) if slug else None,
                created_by_id=staff.id,
            )
        )
    db.session.flush()
