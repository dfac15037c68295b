"""The Celery app, built from the Flask app (the FlaskTask pattern from
Flask's own Celery documentation): every task runs inside an app context.

Start with ``celery -A workers worker`` and exactly one ``celery -A workers beat``.
Task modules and the beat schedule are registered in :func:`create_celery`.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from impactnet import create_app

TASK_MODULES: list[str] = []


def create_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask, include=TASK_MODULES)
    celery.conf.update(
        broker_url=app.config.get("REDIS_URL") or "memory://",
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Europe/Amsterdam",
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


flask_app = create_app()
celery = create_celery(flask_app)
