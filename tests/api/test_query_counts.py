"""The API reads snapshots: the same few statements for 3 municipalities as for 30."""

from datetime import date

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.regions.models import Municipality
from impactnet.stats.services import (
    backfill_snapshots,
    compute_projections,
    take_snapshots,
)
from tests import factories
from tests.api.helpers import bearer
from tests.helpers import login_client, statements
from tests.stats.network import bulk_network

MAX_STATEMENTS = 8


def network(start: int, stop: int) -> list:
    """Municipalities ``start`` to ``stop`` with targets, 12 organisations each and their snapshots."""
    municipalities = [
        factories.MunicipalityFactory(slug=f"gemeente-q{n}", name=f"Gemeente Q{n}") for n in range(start, stop)
    ]
    for municipality in municipalities:
        for year in (2025, 2026):
            factories.TargetFactory(municipality=municipality, year=year, partners_wanted=40, labelled_wanted=20)
    bulk_network([m.id for m in municipalities], 12 * (stop - start), first=12 * start)
    backfill_snapshots(date(2025, 1, 1), date(2025, 6, 30))
    take_snapshots(date(2025, 7, 1))
    compute_projections(date(2025, 7, 1))
    db.session.commit()
    return municipalities


def requests(app, municipalities) -> list[int]:
    first = municipalities[0]
    viewer = factories.MunicipalityUserFactory(municipality=first)
    assert len(municipalities) == db.session.scalar(sa.select(sa.func.count()).select_from(Municipality))
    token = bearer(viewer)
    url = f"/api/v1/regions/{first.slug}/series?from=2025-01&to=2025-07"
    counts = []
    with statements() as seen:
        response = app.test_client().get("/api/v1/regions")
    assert response.status_code == 200 and len(response.get_json()["municipalities"]) == len(municipalities)
    counts.append(len(seen))
    with statements() as seen:
        response = app.test_client().get(url, headers=token)
    assert response.status_code == 200 and len(response.get_json()["months"]) == 7
    counts.append(len(seen))
    client = app.test_client()
    staff = factories.UserFactory(role=Role.STAFF)
    login_client(client, staff)
    with statements() as seen:
        assert client.get(url).status_code == 200
    counts.append(len(seen))
    return counts


def test_api_statements_do_not_grow_with_the_network(app):
    first_three = network(0, 3)
    small = requests(app, first_three)
    large = requests(app, first_three + network(3, 30))
    assert small == large, (small, large)
    assert max(large) <= MAX_STATEMENTS
