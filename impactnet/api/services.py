"""API tokens and the figures the API hands out.

The payloads read the precomputed growth snapshots and projections (the daily job
writes them), never the organisations themselves: a fixed handful of queries
whatever the size of the network. Like every service these flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import Role, User
from impactnet.api.models import ApiToken
from impactnet.core.locale import Message
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.regions.models import Municipality, Target
from impactnet.regions.services import list_municipalities
from impactnet.stats.definitions import PARTS
from impactnet.stats.models import REGION, GrowthSnapshot, Projection
from impactnet.stats.services import latest_snapshots, series, targets_with_projections

if TYPE_CHECKING:
    from impactnet.directory.services import Verified
    from impactnet.organisations.identity import FormerIdentity

MAX_TOKEN_LENGTH = 200
# last_used_at is a hint for the viewer, not an audit trail: write it at most
# once a minute, so a busy client does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Partners and its parts, which add up to it (impactnet.stats.definitions).
FIGURES = ("partners", *PARTS)


class TokenError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for a municipality viewer; the plain token is returned once and never stored."""
    if user.role is not Role.MUNICIPALITY or not user.active:
        raise TokenError(_l("Alleen gemeenteaccounts kunnen API-sleutels aanmaken."))
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:80], token_hash=hash_token(plain), prefix=plain[:8])
    db.session.add(token)
    db.session.flush()
    return token, plain


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens (again: no change); None when it is not theirs."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def authenticate(header: str | None, now: datetime | None = None) -> User | None:
    """The active user whose unrevoked token an ``Authorization: Bearer <token>`` header carries."""
    scheme, _, plain = (header or "").strip().partition(" ")
    plain = plain.strip()
    if scheme.lower() != "bearer" or not plain or len(plain) > MAX_TOKEN_LENGTH:
        return None
    found = db.session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if found is None:
        return None
    token, user = found
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return user


def _figures(snapshot: GrowthSnapshot | None) -> dict[str, Any]:
    """The figures and ``as_of``, when they were computed (None: never yet)."""
    return {
        **{field: getattr(snapshot, field) if snapshot else 0 for field in FIGURES},
        "as_of": snapshot.computed_at.isoformat() if snapshot else None,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _target(target: Target, projection: Projection | None) -> dict[str, Any]:
    return {
        "year": target.year,
        "partners": target.partners_wanted,
        "labelled": target.labelled_wanted,
        # No projection yet (no snapshots, or a past year's target): not shown as on track.
        "on_track": bool(projection and projection.on_track),
        "projected_partners_date": _iso(projection.projected_partners_date) if projection else None,
        "projected_labelled_date": _iso(projection.projected_labelled_date) if projection else None,
    }


def regions_payload(now: datetime) -> dict[str, Any]:
    """The region's and every active municipality's latest figures, when each was computed, and
    the targets (three queries). The region's figures are the sum of its municipalities'."""
    snapshots = latest_snapshots()
    municipalities = list_municipalities(active_only=True)
    targets = targets_with_projections()
    return {
        "generated_at": now.isoformat(),
        "region": _figures(snapshots.get(REGION)),
        "municipalities": [
            {
                "slug": m.slug,
                "name": m.name,
                **_figures(snapshots.get(m.id)),
                "targets": [_target(t, p) for t, p in targets.get(m.id, [])],
            }
            for m in municipalities
        ],
    }


def may_read_series(user: User, municipality: Municipality) -> bool:
    """Staff read every municipality's series, a municipality viewer only their own."""
    return user.is_staff or (user.role is Role.MUNICIPALITY and user.municipality_id == municipality.id)


def series_payload(municipality: Municipality, start: date, end: date, now: datetime) -> dict[str, Any]:
    """The municipality's monthly series from ``start`` to ``end`` (one query)."""
    return {
        "generated_at": now.isoformat(),
        "municipality": {"slug": municipality.slug, "name": municipality.name},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "months": [
            {
                "month": s.day.strftime("%Y-%m"),
                "day": s.day.isoformat(),
                **_figures(s),
                "applicants": s.applicants,
                "new_this_month": s.new_this_month,
                "labels_expired": s.label_expired,
            }  # the name label_expired had before 0018, kept for clients
            for s in series(municipality.id, start, end)
        ],
    }


def verification_payload(
    found: Verified, asked_kvk: str, former_identities: Iterable[FormerIdentity], now: datetime
) -> dict[str, Any]:
    """What ``GET /api/v1/verify/<kvk>`` answers for an organisation that may be verified
    (``found``: impactnet.directory.services.Verified), asked by ``asked_kvk``: its current
    number and name, and the identities it had before."""
    organisation = found.organisation
    return {
        "kvk": organisation.kvk_number,
        "name": organisation.name,
        "asked_kvk": asked_kvk,
        "asked_kvk_until": _iso(found.former_until),
        "municipality": organisation.municipality.slug,
        "status": found.status.value,
        "label_awarded_on": _iso(organisation.label_awarded_on),
        "label_valid_until": _iso(organisation.label_valid_until),
        "former_identities": [
            {"kvk": former.kvk, "name": former.name, "until": former.until.isoformat()} for former in former_identities
        ],
        "checked_at": now.isoformat(),
    }
