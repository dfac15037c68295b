"""The downloads read snapshots: the same few statements for 3 municipalities as for 30."""

from datetime import date

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.regions.services import municipality_by_slug
from impactnet.stats.models import REGION, GrowthSnapshot
from tests import factories
from tests.exports.helpers import csv_rows, snapshot
from tests.helpers import login_client, statements

MAX_STATEMENTS = 8
URLS = (
    "/regions.csv",
    "/regions.xlsx",
    "/municipalities/gemeente-e0/series.csv?from=2025-01&to=2025-12",
    "/municipalities/gemeente-e0/series.xlsx?from=2025-01&to=2025-12",
)


def network(start: int, stop: int) -> None:
    """Municipalities ``start`` to ``stop``, each with a target for this year and the next and a
    snapshot on the 1st and the 15th of every month of 2025; the region's snapshots with them."""
    year = local_today().year
    for n in range(start, stop):
        municipality = factories.MunicipalityFactory(slug=f"gemeente-e{n}", name=f"Gemeente E{n}")
        for target_year in (year, year + 1):
            factories.TargetFactory(municipality=municipality, year=target_year, partners_wanted=40, labelled_wanted=20)
        for month in range(1, 13):
            for day in (1, 15):
                snapshot(municipality, date(2025, month, day), partners=n + month, labelled=month)
    db.session.execute(sa.delete(GrowthSnapshot).where(GrowthSnapshot.scope_key == REGION))
    for month in range(1, 13):
        snapshot(None, date(2025, month, 1), partners=stop * month)
    db.session.commit()


def counts(app, municipalities: int) -> list[int]:
    """Statements per download: the region table as a visitor, the series as viewer and as staff."""
    viewer = factories.MunicipalityUserFactory(municipality=municipality_by_slug("gemeente-e0"))
    staff = factories.UserFactory(role=Role.STAFF)
    db.session.commit()
    found = []
    for user in (None, viewer, staff):
        for url in URLS if user else URLS[:2]:
            client = app.test_client()
            if user:
                login_client(client, user)
            with statements() as seen:
                response = client.get(url)
            assert response.status_code == 200, url
            if url == "/regions.csv":
                assert len(csv_rows(response)) == 1 + municipalities + 1
            found.append(len(seen))
    return found


def test_download_statements_do_not_grow_with_the_network(app):
    network(0, 3)
    small = counts(app, 3)
    network(3, 30)
    large = counts(app, 30)
    assert small == large, (small, large)
    assert max(large) <= MAX_STATEMENTS, large
