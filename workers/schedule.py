"""The beat schedule: periodic scans of what is due (never far-future ETA tasks)."""

from __future__ import annotations

import os

from celery.schedules import crontab


def beat_schedule() -> dict:
    # Web code kicks the worker after each commit that queues mail; this run
    # delivers what a kick missed (broker down) and the retries that fall due.
    outbox_interval = float(os.environ.get("OUTBOX_INTERVAL_SECONDS") or 30)
    return {
        "send-outbox": {"task": "workers.tasks.send_outbox", "schedule": outbox_interval},
        "scan-reminders": {"task": "workers.tasks.scan_reminders", "schedule": crontab(minute=15)},
        "expire-labels": {"task": "workers.tasks.expire_labels", "schedule": crontab(hour=0, minute=5)},
        "snapshots": {"task": "workers.tasks.take_snapshots", "schedule": crontab(minute=30)},
    }
