"""The cache never deletes, scans or clears keys outside its own key space: a Redis database holding
other programs' keys (Celery's queues, the throttle's counters, another app's cache) keeps them all
after every kind of invalidation."""

from __future__ import annotations

import redis

from impactnet.core.caching import renew_all
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality
from impactnet.stats import cache as figures_cache
from impactnet.stats import refresh
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.helpers import login_client
from tests.workers.conftest import redis_server  # noqa: F401  (a redis-server of the test's own)

FOREIGN = {
    "celery": "queued task",
    "_kombu.binding.celery": "binding",
    "LIMITER/127.0.0.1/login/5/1/minute": "3",
    "impactnet:figures:nl:overview": "a key of the old layout",
    "another-app:cache:figures:generation": "7",
    "impactnet:cache:figuresque": "a neighbour whose name starts like ours",
}


def test_every_invalidation_leaves_foreign_keys_alone(make_app, redis_server, monkeypatch, dordrecht):  # noqa: F811
    redis_server.start()
    raw = redis.Redis.from_url(redis_server.url)
    for key, value in FOREIGN.items():
        raw.set(key, value)
    raw.config_resetstat()
    portal = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_server.url)
    monkeypatch.setattr(refresh, "send_by_name", lambda name, **options: None)
    factories.OrganisationFactory.create_batch(3, municipality=dordrecht, status=Status.PARTNER)
    staff = factories.UserFactory(role=factories.Role.STAFF)
    db.session.commit()
    client = portal.test_client()
    with portal.app_context():
        login_client(client, staff)  # a sign-in
        for url in ("/regions", "/api/v1/regions", "/municipalities/dordrecht", "/dashboard"):
            assert client.get(url).status_code == 200, url
        take_snapshots(local_today())
        db.session.commit()  # the figures' generation renewed
        municipality = db.session.get(Municipality, dordrecht.id)
        municipality.name = "Dordt"
        db.session.commit()  # the figures' and the kept generation renewed
        organisation = factories.OrganisationFactory(municipality=municipality)
        db.session.commit()  # a refresh asked for (the pending marker)
        organisation.status = Status.PARTNER
        db.session.commit()
        from workers.tasks import refresh_figures

        refresh_figures.run()  # the marker removed, the figures refreshed
        figures_cache.FIGURES.renew()
        renew_all()
        assert client.post("/logout").status_code == 302
    stats = raw.info("commandstats")  # before this test's own KEYS below
    assert not {"cmdstat_keys", "cmdstat_scan", "cmdstat_flushdb", "cmdstat_flushall"} & set(stats), stats
    assert {key.decode(): raw.get(key).decode() for key in raw.keys("*") if key.decode() in FOREIGN} == FOREIGN
    ours = [key.decode() for key in raw.keys("*") if key.decode() not in FOREIGN]
    assert ours and all(
        key.startswith(("impactnet:cache:figures:", "impactnet:cache:kept:", "impactnet:cache:figures-refresh:"))
        for key in ours
    ), ours
