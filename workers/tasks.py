"""Celery tasks. Each takes ids or dates (never objects), commits its own
work and is safe to run twice: the outbox's unique keys, the snapshots'
unique (scope, day) and the state checks make a second run change nothing."""
from __future__ import annotations

from datetime import date

from celery import shared_task

from impactnet.database import local_today, utcnow
from impactnet.extensions import db


@shared_task(name="workers.tasks.send_outbox")
def send_outbox() -> tuple[int, int]:
    from impactnet.notifications.outbox import deliver_due

    return deliver_due()


@shared_task(name="workers.tasks.expire_labels")
def expire_labels(day: str | None = None) -> int:
    from impactnet.review.services import expire_due_labels

    expired = expire_due_labels(date.fromisoformat(day) if day else local_today())
    db.session.commit()
    return expired


@shared_task(name="workers.tasks.scan_reminders")
def scan_reminders() -> int:
    from impactnet.notifications.reminders import scan_reminders as scan

    queued = scan(utcnow())
    db.session.commit()
    return queued


@shared_task(name="workers.tasks.take_snapshots")
def take_snapshots(day: str | None = None) -> int:
    from impactnet.stats.services import compute_projections
    from impactnet.stats.services import take_snapshots as snapshot

    on = date.fromisoformat(day) if day else local_today()
    written = snapshot(on)
    compute_projections(on)
    db.session.commit()
    return written
