"""The beat schedule: periodic scans of what is due (never far-future ETA tasks)."""
from __future__ import annotations

from celery.schedules import crontab


def beat_schedule() -> dict:
    return {
        "send-outbox": {"task": "workers.tasks.send_outbox", "schedule": 30.0},
        "scan-reminders": {"task": "workers.tasks.scan_reminders", "schedule": crontab(minute=15)},
        "expire-labels": {"task": "workers.tasks.expire_labels", "schedule": crontab(hour=0, minute=5)},
        "daily-snapshots": {"task": "workers.tasks.take_snapshots", "schedule": crontab(hour=0, minute=30)},
    }
