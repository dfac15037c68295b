"""The embedded default, with no server at all: a worker with beat on the
filesystem transport, SQLite and .eml files (what `flask demo` starts)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import sqlalchemy as sa
from flask_migrate import upgrade

from impactnet import create_app
from impactnet.extensions import db
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.mail.outbox import enqueue
from tests.workers.conftest import message_id, wait_for


def test_beat_delivers_the_outbox_as_eml_files_without_redis(tmp_path, start_worker):
    database_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    portal = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path / "portal"),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": None,
            "MAIL_BACKEND": "file",
        }
    )
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
        "Welkom bij impactnet",
        "partner@example.nl",
        message_id(outbox_id),
    )
    log = worker.log()
    assert "filesystem" in log and "beat: Starting" in log
    with portal.app_context():
        wait_for(
            lambda: db.session.scalar(sa.select(OutboxMail.status)) is MailStatus.SENT,
            10,
            "the mail was not marked sent",
            worker,
        )
        db.engine.dispose()


def test_a_commit_that_queues_mail_wakes_the_embedded_worker_at_once(tmp_path, start_worker):
    """The demo's mails took 4-26 s: the wake-up call after a commit went only to Redis, so without it
    the mail waited for beat's next run (every 30 s). It now goes to the broker the worker listens to,
    the instance folder included, and the mail is written within seconds."""
    import time

    database_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    portal = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": None,
            "MAIL_BACKEND": "file",
        }
    )
    with portal.app_context():
        upgrade()
        db.engine.dispose()
    worker = start_worker(database_url=database_url, beat=True, MAIL_BACKEND="file").wait_ready()
    mail_dir = tmp_path / "instance" / "mail"
    time.sleep(2)  # beat's first run at start has passed; the next is 30 s away
    before = set(mail_dir.glob("*.eml"))

    with portal.app_context():
        message = EmailMessage()
        message["To"] = "partner@example.nl"
        message["Subject"] = "Uw stap is goedgekeurd"
        message.set_content("Op naar de volgende stap.")
        enqueue(message, dedupe_key="embedded:kick", kind="embedded")
        started = time.monotonic()
        db.session.commit()
        db.engine.dispose()
    wait_for(lambda: set(mail_dir.glob("*.eml")) - before, 10, "the kick did not wake the worker", worker)
    took = time.monotonic() - started
    print(f"mail written {took:.2f} s after the commit")
    assert took < 5


def test_a_starting_worker_computes_the_snapshots_and_counters_at_once(tmp_path, start_worker):
    """No "< 5" until beat's next half hour: a worker that (re)starts computes today's figures."""
    from impactnet.database import local_today
    from impactnet.organisations.models import OrganisationStatus
    from impactnet.regions.models import Municipality
    from impactnet.stats.models import BreakdownSnapshot, GrowthSnapshot
    from tests import factories

    database_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    portal = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path / "portal"),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": None,
        }
    )
    with portal.app_context():
        upgrade()
        dordrecht = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "dordrecht"))
        for _ in range(6):
            factories.OrganisationFactory(municipality=dordrecht, status=OrganisationStatus.PARTNER, sector="bouw")
        db.session.commit()
        dordrecht_id = dordrecht.id
        db.engine.dispose()

    worker = start_worker(database_url=database_url)  # no beat: only the start computes
    with portal.app_context():

        def stored():
            db.session.rollback()
            return db.session.scalar(
                sa.select(BreakdownSnapshot.partners).where(
                    BreakdownSnapshot.municipality_id == dordrecht_id,
                    BreakdownSnapshot.day == local_today(),
                    BreakdownSnapshot.key == "bouw",
                )
            )

        wait_for(lambda: stored() == 6, 60, "the starting worker computed no counters", worker)
        assert (
            db.session.scalar(
                sa.select(GrowthSnapshot.partners).where(
                    GrowthSnapshot.scope_key == dordrecht_id, GrowthSnapshot.day == local_today()
                )
            )
            == 6
        )
        db.session.rollback()
        db.engine.dispose()
