"""Reminders: a periodic scan of what is due (never far-future ETA tasks).

The task ``workers.tasks.scan_reminders`` calls :func:`scan_reminders` every
hour; ``expire_labels`` calls :func:`expire_labels_and_notify` nightly. Both
flush and leave the commit to the task.

Every mail has a dedupe key, unique in the outbox, so whatever runs twice (a
scan, two beats, a redelivered task) a reminder goes out at most once:

- ``stalled:{organisation}:{step}:{period}:{first|second|staff}:{user}``,
  the period being when the step (or, not yet started, its predecessor or the
  registration) last moved; a move starts a new cycle;
- ``review-digest:{staff user}:{ISO year}-W{week}``;
- ``label-expiring:{organisation}:{label_valid_until}:{lead days}:{user}``;
- ``label-expired:{organisation}:{label_valid_until}:{user}`` and
  ``label-expired-staff:{staff user}:{hash of the expired labels}``;
- ``unverified:{user}``;
- ``session-reminder:{booking}:{session start}:{user}``, a day before an inspiration session.

A scan runs a fixed number of queries however many organisations there are:
what is due is loaded with a few set-based queries (joins), the known keys
are looked up in one query per thousand, and the new mails are written in
one INSERT per thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from impactnet.mail.messages import links
from impactnet.notifications.reminders import accounts, labels, review, sessions, steps
from impactnet.notifications.reminders.common import ordered_steps, queue, staff_members
from impactnet.review.services import expire_due_labels

__all__ = ["expire_labels_and_notify", "notify_label_expired", "scan_reminders"]


def scan_reminders(now: datetime) -> int:
    """Queue every reminder due at ``now`` (aware UTC); returns how many mails were queued."""
    with links():
        path = ordered_steps()
        staff = [member for member in staff_members() if member.reminders_enabled]
        due = [
            *steps.due_mails(now, path, staff),
            *review.due_mails(now, staff),
            *labels.expiring_mails(now, path),
            *accounts.due_mails(now),
            *sessions.due_mails(now),
        ]
        return queue(due)


def notify_label_expired(organisation_ids: Iterable[int]) -> int:
    """Tell these organisations' users and St MBO staff that the label expired;
    returns how many mails were queued."""
    with links():
        return queue(labels.expired_mails(sorted(set(organisation_ids)), ordered_steps(), staff_members()))


def expire_labels_and_notify(today: date) -> int:
    """Mark labels past their end date as expired and queue the notices;
    returns how many labels expired. Safe to run twice."""
    expired = expire_due_labels(today)
    if expired:
        notify_label_expired(expired)
    return len(expired)
