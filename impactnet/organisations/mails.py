"""Mails to every active user of an organisation about what happened to it (St MBO's decisions),
each in the user's own language whoever caused it, and whatever the user's reminder choice: a
decision is news, not a reminder."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from email.message import EmailMessage

from flask import current_app, has_request_context
from flask_babel import force_locale

from impactnet.accounts.models import User
from impactnet.core.locale import recipient_locale
from impactnet.mail.outbox import enqueue
from impactnet.organisations.models import Organisation


def mail_organisation(organisation: Organisation, *, kind: str, key: str, build: Callable[[User], EmailMessage]) -> int:
    """Queue ``build(user)`` for each active user of ``organisation`` who has joined (in the caller's transaction),
    rendered in that user's language, once per ``key`` and user. Links may be built with url_for:
    a request context is made when there is none (a task, a command). Returns how many were queued."""
    queued = 0
    with nullcontext() if has_request_context() else current_app.test_request_context():
        for user in organisation.users:
            if not user.active or user.password_hash is None:
                continue  # deactivated, or invited and not yet joined (impactnet.organisations.colleagues)
            with force_locale(recipient_locale(user)):
                message = build(user)
            queued += enqueue(message, dedupe_key=f"{kind}:{key}:{user.id}", kind=kind, organisation_id=organisation.id)
    return queued
