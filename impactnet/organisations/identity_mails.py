"""The mail that tells an organisation's users what St MBO decided on a change of its KvK number
or name, each in their own language (whoever decided, whatever their browser says)."""
from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from impactnet.accounts.mails import public_url
from impactnet.core.locale import recipient_locale
from impactnet.notifications.mail import build_message
from impactnet.notifications.outbox import enqueue
from impactnet.organisations.models import IdentityChange, IdentityChangeState

KIND = "identity_change_decided"
SUBJECTS = {
    IdentityChangeState.APPROVED: _l("St MBO heeft de wijziging van naam of KvK-nummer goedgekeurd"),
    IdentityChangeState.REJECTED: _l("St MBO heeft de wijziging van naam of KvK-nummer afgewezen"),
}


def queue_decision_mails(change: IdentityChange) -> int:
    """Put a mail about the decision on ``change`` in the outbox for each active user of its
    organisation, with St MBO's note and a link to the organisation's page. Returns how many."""
    recipients = [user for user in change.organisation.users if user.active]
    # Links are built with url_for, which needs a request context; a task or command has none.
    with nullcontext() if has_request_context() else current_app.test_request_context():
        link = public_url("organisations.show", organisation_id=change.organisation_id)
        queued = 0
        for user in recipients:
            with force_locale(recipient_locale(user)):
                message = build_message(user.email, str(SUBJECTS[change.state]), "identity_change_decided",
                                        user=user, change=change,
                                        approved=change.state is IdentityChangeState.APPROVED, link=link)
            queued += enqueue(message, dedupe_key=f"{KIND}:{change.id}:{user.id}", kind=KIND,
                              organisation_id=change.organisation_id)
    return queued
