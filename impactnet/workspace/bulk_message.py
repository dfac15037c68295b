"""A message from St MBO to the users of a selection of organisations, through the outbox.

Who receives it: every user of a selected organisation who can read it for sure, i.e. active,
joined (an invitation not yet accepted has no account to speak of) and with a confirmed e-mail
address (an unconfirmed one may be a typo, someone else's mailbox). The preview counts the others
by reason, so St MBO can follow them up. One mail per user, keyed by the action's id.

It is a service message, like St MBO's decisions (:mod:`impactnet.organisations.mails`): it goes
whatever the user chose for *reminders* (the only mail preference the portal has), and it carries
no reminder footer; it says instead why the user receives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.locale import recipient_locale
from impactnet.mail.messages import build_message, public_url
from impactnet.mail.outbox import QueuedMail, enqueue_many, queued_keys
from impactnet.organisations.models import Organisation
from impactnet.workspace.bulk import Resolved, digest
from impactnet.workspace.search import contacts

KIND = "bulk_message"
MAX_SUBJECT = 150
MAX_BODY = 5000

EXCLUDED_LABELS = {
    "deactivated": _l("account gedeactiveerd"),
    "invited": _l("uitgenodigd, nog niet aangemeld"),
    "unverified": _l("e-mailadres nog niet bevestigd"),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True)
class Audience:
    recipients: list[tuple[User, Organisation]]
    excluded: dict[str, int] = field(default_factory=dict)  # reason (EXCLUDED_LABELS) -> users

    @property
    def organisations_reached(self) -> int:
        return len({organisation.id for _user, organisation in self.recipients})


def _reason(user: User) -> str | None:
    if not user.active:
        return "deactivated"
    if user.password_hash is None:
        return "invited"
    if not user.email_verified:
        return "unverified"
    return None


def audience(resolved: Resolved) -> Audience:
    """The recipients among the selected organisations' users, and the others counted by reason (one query)."""
    by_id = {organisation.id: organisation for organisation in resolved.organisations}
    recipients, excluded = [], dict.fromkeys(EXCLUDED_LABELS, 0)
    for organisation_id, users in contacts(list(by_id)).items():
        for user in users:
            reason = _reason(user)
            if reason is None:
                recipients.append((user, by_id[organisation_id]))
            else:
                excluded[reason] += 1
    return Audience(recipients, {reason: n for reason, n in excluded.items() if n})


def build(user: User, organisation: Organisation, message: Message) -> EmailMessage:
    """The mail to ``user``: St MBO's text as written, the frame in the user's language."""
    with force_locale(recipient_locale(user)):
        return build_message(
            user.email,
            message.subject,
            "bulk_message",
            user=user,
            organisation=organisation,
            paragraphs=[p.strip() for p in message.body.split("\n\n") if p.strip()],
            link=public_url("home.dashboard"),
        )


def preview_digest(resolved: Resolved, message: Message) -> str:
    return digest(KIND, [message.subject, message.body], resolved)


@dataclass(frozen=True)
class Sent:
    queued: int  # mails new in the outbox now
    recipients: int
    organisations: int


def _key(action_id: str, user: User) -> str:
    return f"{KIND}:{action_id}:{user.id}"


def send(actor: User, resolved: Resolved, message: Message, action_id: str) -> Sent:
    """Queue the message once per recipient under ``action_id`` (a second call queues nothing) and,
    when anything was queued, record the action (flushes; the caller commits)."""
    found = audience(resolved)
    already = queued_keys(_key(action_id, user) for user, _organisation in found.recipients)
    queued = enqueue_many(
        QueuedMail(build(user, organisation, message), _key(action_id, user), KIND, organisation.id)
        for user, organisation in found.recipients
        if _key(action_id, user) not in already
    )
    if queued:
        record(
            actor,
            AuditAction.BULK_MESSAGE_SENT,
            actor,
            after={
                "action_id": action_id,
                "subject": message.subject,
                "organisations": len(resolved.rows),
                "organisations_reached": found.organisations_reached,
                "recipients": len(found.recipients),
                "queued": queued,
                "excluded": found.excluded,
                "left_out": resolved.left_out,
                "selection": resolved.selection.describe(),
            },
        )
    return Sent(queued, len(found.recipients), found.organisations_reached)
