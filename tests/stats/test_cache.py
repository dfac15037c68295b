"""The figures cache: pages served from it skip the figures queries, access is still checked on
every request, and a committed change to the figures shows at once."""

from __future__ import annotations

import json

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import cache, db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Target
from impactnet.stats.cache import FIGURES
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.helpers import login_client, statements

FIGURES_PAGES = ("/regions", "/api/v1/regions", "/municipalities/dordrecht", "/municipalities/dordrecht/growth.svg")


def _network(dordrecht, partners):
    factories.OrganisationFactory.create_batch(partners, municipality=dordrecht, status=Status.PARTNER)
    take_snapshots(local_today())
    db.session.commit()


def _api_partners(client) -> int:
    return json.loads(client.get("/api/v1/regions").get_data())["region"]["partners"]


def test_a_cached_page_sends_no_figures_queries_and_is_the_same(app, login, dordrecht):
    _network(dordrecht, 3)
    staff = login(factories.UserFactory(role=Role.STAFF))
    client = app.test_client()
    login_client(client, staff)
    for url in FIGURES_PAGES:
        with statements() as first:
            one = client.get(url)
        with statements() as second:
            two = client.get(url)
        assert one.status_code == two.status_code == 200
        # The figures, the municipality of the URL and the signed-in user all come from caches.
        assert len(first) > 0 and len(second) == 0, (url, len(first), len(second))
        if url != "/api/v1/regions":  # the API tells when its figures were read: the same both times
            assert one.get_data() == two.get_data()
        else:
            assert json.loads(one.get_data()) == json.loads(two.get_data())


def test_a_new_snapshot_shows_at_once(client, dordrecht):
    _network(dordrecht, 3)
    assert _api_partners(client) == 3
    assert ">3<" in client.get("/regions").get_data(as_text=True)
    factories.OrganisationFactory.create_batch(4, municipality=dordrecht, status=Status.PARTNER)
    db.session.commit()
    assert _api_partners(client) == 3  # live organisations are not scanned: the figures are the snapshot's
    take_snapshots(local_today())
    db.session.commit()
    assert _api_partners(client) == 7
    assert ">7<" in client.get("/regions").get_data(as_text=True)


def test_a_changed_target_shows_at_once(client, login_as, dordrecht):
    _network(dordrecht, 3)
    year = local_today().year
    assert "Geen doel voor dit jaar" in client.get("/regions").get_data(as_text=True)
    login_as(Role.STAFF)
    assert (
        client.post(
            "/municipalities/dordrecht/targets", data={"year": year, "partners_wanted": 30, "labelled_wanted": 20}
        ).status_code
        == 302
    )
    assert "3 van 30 partners (10%)" in client.get("/regions").get_data(as_text=True)
    assert "3 van 30 partners (10%)" in client.get("/municipalities/dordrecht").get_data(as_text=True)


def test_a_rolled_back_change_leaves_the_cache_alone(client, dordrecht):
    _network(dordrecht, 3)
    client.get("/api/v1/regions")
    take_snapshots(local_today())
    db.session.rollback()
    with statements() as seen:
        assert _api_partners(client) == 3
    assert len(seen) == 0


def test_access_is_checked_before_the_cache_is_read(client, app, login_as, dordrecht, zwijndrecht):
    _network(zwijndrecht, 2)
    staff = app.test_client()
    login_client(staff, factories.UserFactory(role=Role.STAFF))
    for url in ("/municipalities/zwijndrecht", "/municipalities/zwijndrecht/growth.svg"):
        assert staff.get(url).status_code == 200  # now cached
        assert app.test_client().get(url).status_code == 302  # a visitor: to the login page
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    assert client.get("/municipalities/zwijndrecht").status_code == 403
    assert client.get("/municipalities/zwijndrecht/growth.svg").status_code == 403


def test_another_process_sees_a_change_at_once_despite_its_own_copy(app, client, other_process, dordrecht):
    _network(dordrecht, 3)
    assert _api_partners(client) == 3
    with other_process.app_context():
        factories.OrganisationFactory.create_batch(2, municipality=db.session.merge(dordrecht), status=Status.PARTNER)
        take_snapshots(local_today())
        db.session.commit()  # renews the generation in the shared cache, not this process's copy
    with statements() as seen:
        assert _api_partners(client) == 5  # the copy was kept under the old generation: not used
    assert len(seen) > 0


def test_the_figures_pages_answer_from_the_database_when_the_shared_cache_is_away(make_app, dordrecht):
    # A real Redis client against a port nothing listens on: every read and write of the cache fails.
    away = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:9/0")
    _network(dordrecht, 3)
    staff = factories.UserFactory(role=Role.STAFF)
    client = away.test_client()
    login_client(client, staff)
    with away.app_context():
        for url in FIGURES_PAGES:
            assert client.get(url).status_code == 200, url
        assert _api_partners(client) == 3
        year = local_today().year
        factories.TargetFactory(
            municipality=db.session.merge(dordrecht), year=year, partners_wanted=30, labelled_wanted=20
        )
        db.session.commit()  # renewing the generation fails after the commit, which stands
        db.session.expire_all()
        assert db.session.scalar(sa.select(Target.partners_wanted).where(Target.year == year)) == 30
        assert "3 van 30 partners (10%)" in client.get("/municipalities/dordrecht").get_data(as_text=True)


def test_an_unknown_municipality_is_a_404_and_leaves_nothing_in_the_cache(client, login_as, dordrecht):
    login_as(Role.STAFF)
    for slug in ("onbekend", "x" * 300, "a:b%3Ac", "dordrecht'--"):
        assert client.get(f"/municipalities/{slug}").status_code == 404, slug
        assert not cache.has(FIGURES.key(FIGURES.generation(), "nl", "municipality", slug)), slug
    assert client.get("/municipalities/dordrecht").status_code == 200
    assert cache.has(FIGURES.key(FIGURES.generation(), "nl", "municipality", "dordrecht"))
