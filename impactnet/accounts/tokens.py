"""Signed, expiring tokens for the links in mails.

Built on itsdangerous (what Flask signs its session with). A password token
carries a fingerprint of the current password hash and login token, so it
works once: after the password is set the fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify-email"
    RESET_PASSWORD = "reset-password"
    INVITATION = "invitation"


_MAX_AGE_SETTING = {
    TokenPurpose.VERIFY_EMAIL: "EMAIL_VERIFY_MAX_AGE",
    TokenPurpose.RESET_PASSWORD: "PASSWORD_RESET_MAX_AGE",
    TokenPurpose.INVITATION: "INVITATION_MAX_AGE",
}


class TokenError(Exception):
    """The link is invalid, expired or already used."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"impactnet.{purpose}")


def fingerprint(user) -> str:
    """Changes whenever the user's password or login token changes."""
    material = f"{user.password_hash or ''}|{user.auth_token}|{user.email}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(purpose: TokenPurpose, user) -> str:
    payload = {"uid": user.id, "fp": fingerprint(user)}
    if purpose is TokenPurpose.VERIFY_EMAIL:
        payload = {"uid": user.id, "email": user.email}
    return _serializer(purpose).dumps(payload)


def max_age(purpose: TokenPurpose) -> int:
    """How long a link of this kind works, in seconds (configurable)."""
    return current_app.config[_MAX_AGE_SETTING[purpose]]


def read_token(purpose: TokenPurpose, token: str) -> dict:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenError()
    return payload


def matches_user(payload: dict, user) -> bool:
    """Whether a password/invitation token still fits the user's current state."""
    return hmac.compare_digest(str(payload.get("fp", "")), fingerprint(user))
