"""Celery tasks. Each takes ids or dates (never objects), commits its own
work and is safe to run twice: the outbox's unique keys, the snapshots'
unique (scope, day) and the state checks make a second run change nothing."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from impactnet.accounts.requests import handle_account_requests
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.mail.outbox import deliver_due
from impactnet.notifications.reminders import expire_labels_and_notify
from impactnet.notifications.reminders import scan_reminders as scan
from impactnet.stats.refresh import pending_done, refresh_today
from impactnet.stats.services import compute_projections
from impactnet.stats.services import take_snapshots as snapshot


@shared_task(name="workers.tasks.send_outbox")
def send_outbox() -> tuple[int, int]:
    """Look up the waiting account requests (their mails join the outbox), then deliver the due mails."""
    handle_account_requests()
    db.session.commit()
    return deliver_due()


@shared_task(name="workers.tasks.expire_labels")
def expire_labels(day: str | None = None) -> int:
    """Labels past their end date become expired; organisation and staff are told."""
    expired = expire_labels_and_notify(date.fromisoformat(day) if day else local_today())
    db.session.commit()
    return expired


@shared_task(name="workers.tasks.scan_reminders")
def scan_reminders() -> int:
    queued = scan(utcnow())
    db.session.commit()
    return queued


@shared_task(name="workers.tasks.take_snapshots")
def take_snapshots(day: str | None = None) -> int:
    """A snapshot holds the figures at the end of its day: each run completes
    yesterday's and refreshes today's, then the projections."""
    days = [date.fromisoformat(day)] if day else [local_today() - timedelta(days=1), local_today()]
    written = sum(snapshot(on) for on in days)
    compute_projections(days[-1])
    db.session.commit()
    return written


@shared_task(name="workers.tasks.refresh_figures")
def refresh_figures() -> int:
    """Today's figures again, asked for after a commit that changed what they count (coalesced:
    see impactnet.stats.refresh). The marker goes first, so a commit during the run asks again."""
    pending_done()
    written = refresh_today(local_today())
    db.session.commit()
    return written
