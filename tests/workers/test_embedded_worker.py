"""The embedded default, with no server at all: a worker with beat on the
filesystem transport, SQLite and .eml files (what `flask demo` starts)."""
from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import sqlalchemy as sa
from flask_migrate import upgrade

from impactnet import create_app
from impactnet.extensions import db
from impactnet.notifications.models import MailStatus, OutboxMail
from impactnet.notifications.outbox import enqueue
from tests.workers.conftest import message_id, wait_for


def test_beat_delivers_the_outbox_as_eml_files_without_redis(tmp_path, start_worker):
    database_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    portal = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path / "portal"),
                         "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None, "MAIL_BACKEND": "file"})
    with portal.app_context():
        upgrade()
        message = EmailMessage()
        message["To"] = "partner@example.nl"
        message["Subject"] = "Welkom bij impactnet"
        message.set_content("Tot snel.")
        enqueue(message, dedupe_key="embedded:1", kind="embedded")
        db.session.commit()
        outbox_id = db.session.scalar(sa.select(OutboxMail.id))
        db.engine.dispose()

    # Beat sends the outbox task every OUTBOX_INTERVAL_SECONDS (30 by default); no one else does here.
    worker = start_worker(database_url=database_url, beat=True, MAIL_BACKEND="file", OUTBOX_INTERVAL_SECONDS=2)
    mail_dir = tmp_path / "instance" / "mail"
    wait_for(lambda: any(mail_dir.glob("*.eml")), 60, "no .eml file was written", worker)

    (written,) = mail_dir.glob("*.eml")
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert (mail["Subject"], mail["To"], mail["Message-ID"]) == (
        "Welkom bij impactnet", "partner@example.nl", message_id(outbox_id))
    log = worker.log()
    assert "filesystem" in log and "beat: Starting" in log
    with portal.app_context():
        wait_for(lambda: db.session.scalar(sa.select(OutboxMail.status)) is MailStatus.SENT, 10,
                 "the mail was not marked sent", worker)
        db.engine.dispose()
