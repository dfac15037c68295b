"""Where Celery's messages travel: Redis when ``REDIS_URL`` is set (production), else kombu's
filesystem transport in ``instance/celery/`` (the embedded default: the web process and the demo's
worker share that folder, so no server is needed).

The worker (``workers``) and the web process's wake-up call after a commit that queued mail
(:func:`impactnet.notifications.outbox.kick_worker`) read the same settings, so the call reaches
the worker in either setup. The worker looks at the folder every ``POLLING_SECONDS``.
"""
from __future__ import annotations

from pathlib import Path

POLLING_SECONDS = 0.5


def broker_settings(config, instance_path: str) -> dict:
    """Celery's broker settings for an app's ``config`` and instance folder (folders made when missing)."""
    if config.get("REDIS_URL"):
        return {"broker_url": config["REDIS_URL"], "broker_transport_options": {"visibility_timeout": 3600}}
    folder = Path(instance_path) / "celery"
    queue, processed, control = folder / "queue", folder / "processed", folder / "control"
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {"broker_url": "filesystem://",
            "broker_transport_options": {"data_folder_in": str(queue), "data_folder_out": str(queue),
                                         "processed_folder": str(processed), "store_processed": False,
                                         "control_folder": str(control), "polling_interval": POLLING_SECONDS}}
