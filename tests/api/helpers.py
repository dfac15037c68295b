"""Helpers for the API tests."""

from __future__ import annotations

from impactnet.api.services import create_token
from impactnet.extensions import db


def bearer(user, name: str = "dashboard") -> dict:
    """An Authorization header with a new token of ``user``."""
    _, plain = create_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}
