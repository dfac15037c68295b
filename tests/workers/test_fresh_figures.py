"""Fresh figures across processes: a label award, a revocation, a registration and an erasure
committed in one process show in the figures another process reads within 10 s, refreshed by a real
worker (kicked after the commit, as impactnet.stats.refresh does): the embedded default (SQLite, the
folder broker and folder cache the demo uses) and, on the PostgreSQL leg, PostgreSQL + Redis."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from impactnet import create_app
from impactnet.accounts.models import Role
from impactnet.database import local_today, utcnow
from impactnet.extensions import cache, db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.privacy.services import erase_organisation
from impactnet.regions.models import Municipality
from impactnet.review.services import award_or_renew_label, revoke_label
from impactnet.stats import refresh
from impactnet.stats.models import REGION, GrowthSnapshot
from impactnet.stats.services import latest_snapshots
from tests import factories
from tests.workers.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, requires_postgres_and_redis, wait_for

FRESH_WITHIN = 10  # seconds, from the commit to the figures another process reads


def _region(reader) -> dict:
    """The region's figures as ``reader`` serves them (``/api/v1/regions``, through its caches), and
    its applicants, which the API does not give, from the snapshots it reads."""
    with reader.app_context():
        figures = json.loads(reader.test_client().get("/api/v1/regions").get_data())["region"]
        region = latest_snapshots().get(REGION)
        db.session.rollback()
        return {**figures, "applicants": region.applicants if region else 0}


def _refreshed_since(moment) -> bool:
    computed = db.session.scalar(
        sa.select(GrowthSnapshot.computed_at).where(
            GrowthSnapshot.scope_key == REGION, GrowthSnapshot.day == local_today()
        )
    )
    db.session.rollback()  # the next look sees the worker's commits
    return computed is not None and computed >= moment


def _changes_show_in_another_process(writer, reader, worker) -> None:
    """Each change committed by ``writer`` shows in ``reader``'s figures within FRESH_WITHIN seconds."""
    with writer.app_context():
        cache.delete(refresh.PENDING_KEY)  # a marker left by an earlier run would hold this one's first kick
        dordrecht = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "dordrecht"))
        staff = factories.UserFactory(role=Role.STAFF)
        organisations = factories.OrganisationFactory.create_batch(
            2, municipality=dordrecht, status=Status.WORKING_TOWARD_LABEL
        )
        db.session.commit()
        wait_for(lambda: _region(reader)["working_toward_label"] == 2, 60, "no figures at the start", worker)
        assert _region(reader)["labelled"] == 0  # and now kept in the reader's caches

        def committed_then_shown(change, figure, wanted):
            change()
            started = time.monotonic()
            db.session.commit()
            wait_for(lambda: _region(reader)[figure] == wanted, FRESH_WITHIN, f"{figure} not {wanted}", worker)
            print(f"{figure} = {wanted} in the other process {time.monotonic() - started:.2f} s after the commit")

        committed_then_shown(lambda: award_or_renew_label(staff, organisations[0]), "labelled", 1)
        committed_then_shown(lambda: revoke_label(staff, organisations[0], "Afspraken niet nagekomen"), "labelled", 0)
        committed_then_shown(lambda: factories.OrganisationFactory(municipality=dordrecht), "applicants", 1)
        erased_at = utcnow()
        erase_organisation(staff, organisations[1], "Verzoek van de organisatie")
        db.session.commit()
        wait_for(lambda: _refreshed_since(erased_at), FRESH_WITHIN, "no refresh after the erasure", worker)
        db.session.execute(sa.delete(Organisation))  # leave no rows the session app's cleanup cannot delete
        db.session.rollback()
        db.engine.dispose()


def test_the_embedded_worker_brings_the_figures_up_to_date_within_seconds(tmp_path, start_worker):
    database_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    settings = {
        "TESTING": True,
        "SECRET_KEY": "k" * 40,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "MAIL_BACKEND": "file",
    }
    writer, reader = create_app(settings), create_app(settings)  # two web processes, one instance folder
    with writer.app_context():
        upgrade()
        db.engine.dispose()
    worker = start_worker(database_url=database_url, MAIL_BACKEND="file").wait_ready()
    _changes_show_in_another_process(writer, reader, worker)
    with reader.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("_leg", [pytest.param("postgres", marks=requires_postgres_and_redis)])
def test_a_real_worker_on_redis_brings_the_figures_up_to_date_within_seconds(_leg, make_app, start_worker, queue_name):
    writer = make_app(REDIS_URL=TEST_REDIS_URL, CELERY_QUEUE=queue_name, MAIL_BACKEND="file")
    reader = make_app(REDIS_URL=TEST_REDIS_URL, MAIL_BACKEND="file")
    with writer.app_context():
        if not db.session.get(Municipality, 1):
            factories.MunicipalityFactory(name="Dordrecht", slug="dordrecht")
            db.session.commit()
    worker = start_worker(
        database_url=TEST_DATABASE_URL, broker=TEST_REDIS_URL, queue=queue_name, MAIL_BACKEND="file"
    ).wait_ready()
    _changes_show_in_another_process(writer, reader, worker)
