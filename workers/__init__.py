"""The Celery app, built from the Flask app (the FlaskTask pattern from
Flask's own Celery documentation): every task runs inside an app context.

Production: ``celery -A workers worker`` and exactly one ``celery -A workers beat``
with ``REDIS_URL`` as the broker. Embedded default (no ``REDIS_URL``): kombu's
``filesystem://`` transport in ``instance/celery/``, so ``flask demo`` runs a
real worker with beat on a laptop with no server (impactnet.core.broker).
The same tasks run in both.
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from celery.signals import worker_ready
from flask import Flask

from impactnet import create_app
from impactnet.core.broker import broker_settings
from workers.schedule import beat_schedule


def create_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask, include=["workers.tasks"])
    celery.conf.update(
        **broker_settings(app.config, app.instance_path),
        task_ignore_result=True,
        # A task is acknowledged only when done, so a killed worker's task runs again;
        # every task is safe to run twice.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Europe/Amsterdam",
        beat_schedule=beat_schedule(),
        beat_schedule_filename=str(Path(app.instance_path) / "celery-beat-schedule"),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


@worker_ready.connect
def _snapshots_at_start(sender=None, **_kwargs) -> None:
    """A (re)started worker computes today's snapshots and counters at once, rather than at beat's
    next half hour: whatever the downtime missed exists from the start. Run here, in the worker,
    so it needs no queue routing; the task is safe to run twice (two workers starting together)."""
    from workers.tasks import take_snapshots

    take_snapshots.apply()  # errors end up in the result (and the log), never stop the worker


flask_app = create_app()
celery = create_celery(flask_app)
