"""Requests that must take the same time whatever the address (password resets).

The reset page only stores the address (:class:`~impactnet.accounts.models.AccountRequest`) and
answers; whether an account belongs to it is looked up here, by the worker that delivers the
outbox (``workers.tasks.send_outbox``), which then queues the reset mail. A request is handled
once and deleted, address and all, in the same transaction as the mail it queues.
"""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.accounts.mails import password_reset_mail, queue
from impactnet.accounts.models import AccountRequest
from impactnet.accounts.services import find_user_by_email, normalise_email
from impactnet.extensions import db
from impactnet.mail.messages import links
from impactnet.mail.outbox import deliver_soon

PASSWORD_RESET = "password_reset"
BATCH = 500


def request_password_reset(email: str) -> None:
    """Note that someone asked for a reset link for ``email`` (flush; the worker is woken after the
    commit). The same statements whether or not the address has an account."""
    db.session.add(AccountRequest(kind=PASSWORD_RESET, email=normalise_email(email)[:254]))
    db.session.flush()
    deliver_soon()


def handle_account_requests() -> int:
    """Turn the waiting requests into mails (a reset link for an active account, nothing for an
    unknown or deactivated address) and delete them; returns how many mails were queued. Flushes:
    the caller commits. Two workers never handle the same request (PostgreSQL: SKIP LOCKED)."""
    query = sa.select(AccountRequest).order_by(AccountRequest.id).limit(BATCH)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    requests = list(db.session.scalars(query))
    queued = 0
    with links():
        for request in requests:
            user = find_user_by_email(request.email) if request.kind == PASSWORD_RESET else None
            if user is not None and user.active:
                queue(password_reset_mail(user), "reset_password", user)
                queued += 1
            db.session.delete(request)
    db.session.flush()
    return queued
