"""The mail that tells an organisation's users what St MBO decided on a change of its KvK number
or name, each in their own language (whoever decided, whatever their browser says)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from impactnet.mail.messages import build_message, public_url
from impactnet.organisations.mails import mail_organisation
from impactnet.organisations.models import IdentityChange, IdentityChangeState

KIND = "identity_change_decided"
SUBJECTS = {
    IdentityChangeState.APPROVED: _l("St MBO heeft de wijziging van naam of KvK-nummer goedgekeurd"),
    IdentityChangeState.REJECTED: _l("St MBO heeft de wijziging van naam of KvK-nummer afgewezen"),
}


def queue_decision_mails(change: IdentityChange) -> int:
    """Put a mail about the decision on ``change`` in the outbox for each active user of its
    organisation, with St MBO's note and a link to the organisation's page. Returns how many."""

    def build(user):
        return build_message(
            user.email,
            str(SUBJECTS[change.state]),
            "identity_change_decided",
            user=user,
            change=change,
            approved=change.state is IdentityChangeState.APPROVED,
            link=public_url("organisations.show", organisation_id=change.organisation_id),
        )

    return mail_organisation(change.organisation, kind=KIND, key=str(change.id), build=build)
