"""Rule 2: submissions waiting for review too long, in one weekly digest per staff member."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from flask_babel import ngettext

from impactnet.core.locale import localized
from impactnet.database import local_day
from impactnet.mail.messages import public_url
from impactnet.notifications.reminders.common import Due, Recipient, reminder_message
from impactnet.review.services import review_queue

# A digest lists the oldest ones; the rest are one click away in the queue.
MAX_LISTED = 50


def due_mails(now: datetime, staff: list[Recipient]) -> list[Due]:
    """One digest per staff member per ISO week, listing every submission that
    has waited longer than REVIEW_REMINDER_DAYS (one query)."""
    days = current_app.config.get("REVIEW_REMINDER_DAYS", 5)
    waiting = [item for item in review_queue(now) if item.waiting >= timedelta(days=days)]
    if not waiting:
        return []
    year, week, _weekday = local_day(now).isocalendar()
    listed = [
        {
            "organisation_name": item.organisation.name,
            "step_title": localized(item.step, "title"),
            "number": item.submission.number,
            "submitted_on": local_day(item.submission.submitted_at),
            "days": item.waiting.days,
            "link": public_url("review.submission", submission_id=item.submission.id),
        }
        for item in waiting[:MAX_LISTED]
    ]
    return [
        Due(
            f"review-digest:{member.id}:{year}-W{week:02d}",
            "review_digest",
            None,
            partial(_digest, member, listed, len(waiting), days),
            member.locale,
        )
        for member in staff
    ]


def _digest(member: Recipient, listed: list[dict], total: int, days: int):
    subject = ngettext(
        "%(num)d inzending wacht langer dan %(days)d dagen op beoordeling",
        "%(num)d inzendingen wachten langer dan %(days)d dagen op beoordeling",
        total,
        days=days,
    )
    return reminder_message(
        member,
        subject,
        "review_digest",
        items=listed,
        total=total,
        days=days,
        more=total - len(listed),
        link=public_url("review.queue"),
    )
