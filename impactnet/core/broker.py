"""Where Celery's messages travel: Redis when ``REDIS_URL`` is set (production), else kombu's
filesystem transport in ``instance/celery/`` (the embedded default: the web process and the demo's
worker share that folder, so no server is needed).

The worker (``workers``) and the web process's wake-up calls after a commit (mail queued:
:func:`impactnet.mail.outbox.kick_worker`; figures changed: :mod:`impactnet.stats.refresh`)
read the same settings, so a call reaches the worker in either setup. ``CELERY_QUEUE`` (unset: Celery's
default queue) names the queue those calls go to. The worker looks at the folder every ``POLLING_SECONDS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from celery import Celery

POLLING_SECONDS = 0.5


def broker_settings(config, instance_path: str) -> dict:
    """Celery's broker settings for an app's ``config`` and instance folder (folders made when missing)."""
    named = {"task_default_queue": config["CELERY_QUEUE"]} if config.get("CELERY_QUEUE") else {}
    if config.get("REDIS_URL"):
        return {"broker_url": config["REDIS_URL"], "broker_transport_options": {"visibility_timeout": 3600}, **named}
    folder = Path(instance_path) / "celery"
    queue, processed, control = folder / "queue", folder / "processed", folder / "control"
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        **named,
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "store_processed": False,
            "control_folder": str(control),
            "polling_interval": POLLING_SECONDS,
        },
    }


def send_by_name(name: str, **options) -> None:
    """Send the task ``name`` (web code never imports ``workers``) to the current app's worker; raises
    when the broker cannot be reached (the callers log it: their periodic run does the work later)."""
    settings = broker_settings(current_app.config, current_app.instance_path)
    _client(settings).send_task(name, ignore_result=True, retry=False, **options)


_clients: dict[str, Celery] = {}


def _client(settings: dict) -> Celery:
    key = repr(sorted(settings.items()))
    if key not in _clients:
        from celery import Celery  # here: a web worker that kicks no task does not carry Celery

        client = Celery("impactnet-web", set_as_current=False)
        # max_retries=0: kombu would otherwise sleep and retry the connection
        # (2 s per request that kicks the worker while Redis is down).
        client.conf.update(
            settings,
            broker_connection_timeout=1,
            broker_connection_retry=False,
            broker_connection_max_retries=0,
            task_ignore_result=True,
        )
        client.conf.broker_transport_options = {**settings["broker_transport_options"], "max_retries": 0}
        _clients[key] = client
    return _clients[key]
